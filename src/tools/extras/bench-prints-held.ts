/**
 * `npx tsx --expose-gc src/tools/extras/bench-prints-held.ts --cache DIR [--root DIR]`: the memory a cold extras
 * pass holds for its story prints alone. Every print of the build cache's store (`--cache`, a copy: its
 * map is dropped as the pass drops it) is read as the pass reads them (PrintsReadOnce.keepInKeyOrder: key
 * order, the map let go every 2,048) and kept; then a GC, and what the process holds more than before:
 * `RssAnon` and `RssFile` (from /proc, in MiB), V8's heap and external memory (MiB), with the pass's CPU.
 * `--root` runs another checkout's code (its `src/`), for a before and after on the same store: one
 * process each, alternated (docs/build-speed.md, "A cold pass's prints packed in columns"). A checkout
 * from before PrintColumns keeps the prints in its PrintsReadOnce and ignores the columns given. Prints
 * numbers, never pass/fail.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const cacheDir = option('--cache');
if (!cacheDir) throw new Error('give --cache DIR, a copy of a build cache (see the usage at the top of bench-prints-held.ts)');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npx tsx --expose-gc …): what is held is measured after a GC');
const root = resolve(option('--root') ?? fileURLToPath(new URL('../../..', import.meta.url)));

type Modules = {
  cacheDb: typeof import('../../indexer/incremental/cache-db.ts');
  postStore: typeof import('../../indexer/incremental/post-store.ts');
  printsReadOnce: typeof import('../../indexer/output/prints-read-once.ts');
};
const imported = async <K extends keyof Modules>(path: string) => (await import(join(root, 'src/indexer', path))) as Modules[K];
const { openCacheDb } = await imported<'cacheDb'>('incremental/cache-db.ts');
const { diskStore } = await imported<'postStore'>('incremental/post-store.ts');
const { PrintsReadOnce } = await imported<'printsReadOnce'>('output/prints-read-once.ts');
const columnsFile = join(root, 'src/indexer/plan/print-columns.ts');
const PrintColumns = existsSync(columnsFile) ? ((await import(columnsFile)) as typeof import('../../indexer/plan/print-columns.ts')).PrintColumns : undefined;

/** What the process holds, in MiB, after a GC. */
function held() {
  gc!();
  const status = readFileSync('/proc/self/status', 'utf8');
  const mib = (name: string) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))![1]) / 1024;
  const { heapUsed, external } = process.memoryUsage();
  return { anon: mib('RssAnon'), file: mib('RssFile'), heap: heapUsed / 2 ** 20, external: external / 2 ** 20 };
}

const db = openCacheDb(resolve(cacheDir));
const keys = [...db.part('stories').getKeys()] as string[];
const store = diskStore(resolve(cacheDir), db);
await store.dropMap();
const before = held();
const start = process.cpuUsage();
const columns = PrintColumns && new PrintColumns(keys.length);
const prints = new PrintsReadOnce(keys.length, async (row) => store.getStory(keys[row!]!), columns!);
await prints.keepInKeyOrder(
  keys.map((_, row) => row),
  (row) => keys[row]!,
  () => store.dropMap(),
);
await store.dropMap();
const cpu = process.cpuUsage(start);
const after = held();
const more = (part: keyof typeof before) => (after[part] - before[part]).toFixed(0);
console.log(
  `${root}: ${keys.length} prints held: RssAnon +${more('anon')} MiB, RssFile +${more('file')}, heap +${more('heap')}, external +${more('external')}; pass CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
);
if (columns) console.log(`columns hold ${columns.size} prints`);
