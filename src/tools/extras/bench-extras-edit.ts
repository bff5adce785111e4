/**
 * `npx tsx src/tools/extras/bench-extras-edit.ts --data DIR --cache DIR (--before DIR | --cold) [--rounds N] [--root DIR]`:
 * the extras of one rebuild, run again and again in one process, with the CPU of each round. `--data` is a
 * site's `data/` after the rebuild, `--cache` its build cache, `--before` a folder holding the extras'
 * cache files (`extras-*.bin`, `story-*`) as they were before the rebuild: put back into the cache before
 * each round, so that every round does what the rebuild's extras did. `--cold` removes them instead: every
 * round is a cold build's full pass (every bucket and print read, every pair and suggestion found). `--root` runs another checkout's
 * code (its `src/`), for a before and after on the same inputs. Whole builds' CPU moves with other
 * people's load by more than the extras' changes; this times the extras alone. `--save-keys FILE` keeps the
 * rows' store keys of the site's last build, and `--keys FILE` takes them (for a copy of an earlier build's
 * `data/`, whose keys the cache no longer holds). The buckets are found by their stats (`bucketsFrom:
 * 'stats'`, no `output` given): a rebuild over the output its cache names takes the others from the cache
 * and the written ones from their writers' reports, which this script does not have (given `output`, it
 * would take the edited bucket from the cache as it was before). Prints numbers, never
 * pass/fail; leaves the cache's extras files as the last round saved them.
 */
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Manifest } from '../../shared/types.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const cold = args.includes('--cold');
if (cold && args.includes('--before')) throw new Error('give --before DIR or --cold, not both: --cold removes what --before would put back');
const [dataRoot, cacheDir, before] = ['--data', '--cache', '--before'].map((name) => {
  const value = option(name);
  if (!value && !(cold && name === '--before')) throw new Error(`give ${name} DIR (see the usage at the top of bench-extras-edit.ts)`);
  return value && resolve(value);
}) as [string, string, string | undefined];
/** The extras' own files in the build cache: all `--before` puts back (its folder's other files are left), and what `--cold` removes. */
const isExtrasFile = (name: string) => /^(extras-|story-)/.test(name);
const rounds = Number(option('--rounds') ?? 4);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of rounds, 1 or more (given ${option('--rounds')})`);
const root = resolve(option('--root') ?? fileURLToPath(new URL('../../..', import.meta.url)));

type WriteStoryExtras = typeof import('../../indexer/output/write-story-extras.ts').writeStoryExtras;
type OpenBuildCache = typeof import('../../indexer/incremental/build-cache.ts').openBuildCache;
const { writeStoryExtras } = (await import(join(root, 'src/indexer/output/write-story-extras.ts'))) as { writeStoryExtras: WriteStoryExtras };
const { openBuildCache } = (await import(join(root, 'src/indexer/incremental/build-cache.ts'))) as { openBuildCache: OpenBuildCache };

const cache = openBuildCache(cacheDir);
// Every row's store key, as the rebuild gave them to its extras; or as `--keys` saved them (`--save-keys`) from another build of the site.
const keysFile = option('--keys');
const keys = keysFile ? keysOfFile(keysFile) : (await cache.output(dataRoot).last())?.searchRows(true)?.keys;
if (!keys) throw new Error(`the cache ${cacheDir} holds no build of ${dataRoot}`);
const saveKeys = option('--save-keys');
if (saveKeys) writeFileSync(saveKeys, JSON.stringify(keys));
const seconds: number[] = [];
for (let round = 0; round < rounds; round++) {
  if (before) {
    for (const name of readdirSync(before)) if (isExtrasFile(name)) copyFileSync(join(before, name), join(cacheDir, name));
  } else for (const name of readdirSync(cacheDir)) if (isExtrasFile(name)) rmSync(join(cacheDir, name));
  const start = process.cpuUsage();
  const written = await writeStoryExtras(dataRoot, cacheDir, { keys, store: cache.posts });
  const used = process.cpuUsage(start);
  seconds.push((used.user + used.system) / 1e6);
  if (round === 0) console.log(`redone: ${JSON.stringify(written.redone)}, buckets read ${written.bucketsRead}, files made ${written.filesMade}`);
}
await cache.close();
const sorted = [...seconds].sort((a, b) => a - b);
console.log(
  `${root}: the extras' CPU s a round: ${seconds.map((s) => s.toFixed(2)).join(' ')}; best ${sorted[0]!.toFixed(2)}, median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)}`,
);

/** A `--keys` file's keys: one a row of `--data`, else the rows would be given other posts' prints. */
function keysOfFile(file: string): string[] {
  const keys = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string')) throw new Error(`--keys ${file} is not a list of store keys (see --save-keys)`);
  const { postCount } = JSON.parse(readFileSync(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
  if (keys.length !== postCount)
    throw new Error(
      `--keys ${file} holds ${keys.length} keys, but ${dataRoot}'s manifest has ${postCount} posts: save the keys of this site's build (--save-keys)`,
    );
  return keys;
}
