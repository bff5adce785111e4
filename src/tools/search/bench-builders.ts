/**
 * `npx tsx --expose-gc src/tools/search/bench-builders.ts [DIR] [--rounds N] [--rows N] [--tokens FILE]`: a cold build's search
 * builders and head alone. The posts of DIR (default: ../shared/corpus) are parsed once and their tokens
 * counted, in path order; then each round feeds them to builders of `--rows` rows (@default 2048, the real
 * posts' three builders of a build) as searchIndexBuilder picks them and exports each; the builders before
 * the tail (searchTailStart) write their runs, and the head is written from them as a build's worker does
 * (writeSearchHead, into a folder of the system's temporary one). CPU ms of this process for the adds, the
 * exports, the runs and the head, each after a GC, one line a round, then the medians of rounds 2 on;
 * hashes of the merged exports (round 1) and of the head's files (the same for a change meant to be faster
 * only). Profile it with `node --cpu-prof --import tsx …`. Prints numbers, never pass/fail.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { countSearchTokens, TokenScratch, type SearchTokens } from '../../indexer/parse/count-tokens.ts';
import { parsePost } from '../../indexer/parse/parse-post.ts';
import { listPostFiles } from '../../indexer/read-posts.ts';
import { searchIndexBuilder } from '../../indexer/search/index-builder.ts';
import { writeSearchHead } from '../../indexer/output/search-head.ts';
import { makeRunsFolder, writeRun } from '../../indexer/search/partial-runs.ts';
import { mergePartialIndexes, type PartialIndex } from '../../indexer/search/search-index.ts';
import { emptyTail, searchTailStart } from '../../indexer/search/search-shards.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const rounds = Number(option('--rounds') ?? 4);
const rowsEach = Number(option('--rows') ?? 2048);
if (!Number.isInteger(rounds) || rounds < 1 || !Number.isInteger(rowsEach) || rowsEach < 1)
  throw new Error('--rounds and --rows take whole numbers, 1 or more');
const dir = resolve(args.find((arg, n) => !arg.startsWith('--') && !['--rounds', '--rows', '--tokens'].includes(args[n - 1]!)) ?? '../shared/corpus');

/** `--tokens FILE`: the posts' tokens read from FILE, or counted and saved there when it is missing (the parse takes a minute). */
const tokensFile = option('--tokens');

/** The tokens of DIR's posts, in path order. */
async function countTokens(folder: string): Promise<SearchTokens[]> {
  const scratch = new TokenScratch();
  const counted: SearchTokens[] = [];
  for (const file of await listPostFiles(folder)) {
    const outcome = parsePost(file.path, readFileSync(file.absolutePath), { timeZone: 'Asia/Taipei', assetBase: '/archive-assets/' });
    if ('post' in outcome) counted.push(countSearchTokens(outcome.post.title, outcome.post.text, scratch));
  }
  return counted;
}

function readTokens(file: string): SearchTokens[] {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as [string, string][];
  return saved.map(([joined, weights]) => ({ joined, weights: new Uint8Array(Buffer.from(weights, 'base64')) }));
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npx tsx --expose-gc …): each part starts after a GC, not paying for the garbage of the one before');

const posts = tokensFile && existsSync(tokensFile) ? readTokens(tokensFile) : await countTokens(dir);
if (tokensFile && !existsSync(tokensFile))
  writeFileSync(tokensFile, JSON.stringify(posts.map(({ joined, weights }) => [joined, Buffer.from(weights).toString('base64')])));
const occurrences = posts.reduce((sum, post) => sum + post.weights.length, 0);
console.log(`${posts.length} posts, ${occurrences} token occurrences, builders of ${rowsEach} rows`);

/** CPU ms of this process in `work`, after a GC. */
async function cpuMs<T>(work: () => T | Promise<T>): Promise<[T, number]> {
  gc!();
  const start = process.cpuUsage();
  const result = await work();
  const { user, system } = process.cpuUsage(start);
  return [result, (user + system) / 1e3];
}

/** A hash of the merged exports: every token, its count and its postings. */
function indexHash(parts: PartialIndex[]): string {
  const hash = createHash('sha1');
  const count = new Uint32Array(1);
  for (const { token, count: posts, postings } of mergePartialIndexes(parts)) {
    count[0] = posts;
    hash.update(token).update('\n').update(new Uint8Array(count.buffer)).update(postings);
  }
  return hash.digest('hex').slice(0, 12);
}

const tailFrom = searchTailStart(posts.length);
const scratchDir = mkdtempSync(join(tmpdir(), 'bench-builders-'));
const parts = ['add', 'export', 'runs', 'head'] as const;
const times = Object.fromEntries(parts.map((part) => [part, [] as number[]])) as Record<(typeof parts)[number], number[]>;
for (let round = 1; round <= rounds; round++) {
  const spent = { add: 0, export: 0, runs: 0, head: 0 };
  const exported: PartialIndex[] = [];
  const runs: string[] = [];
  const runsFolder = makeRunsFolder(scratchDir);
  for (let from = 0; from < posts.length; from += rowsEach) {
    const to = Math.min(posts.length, from + rowsEach);
    const [builder, addMs] = await cpuMs(() => {
      const builder = searchIndexBuilder(to - from);
      for (let row = from; row < to; row++) builder.add(row, posts[row]!);
      return builder;
    });
    const [part, exportMs] = await cpuMs(() => builder.exportPartial());
    spent.add += addMs;
    spent.export += exportMs;
    if (round === 1) exported.push(part);
    if (to > tailFrom) continue;
    const path = join(runsFolder, `${from}.run`);
    spent.runs += (await cpuMs(() => writeRun(part, path)))[1];
    runs.push(path);
  }
  const hash = round === 1 ? `; index ${indexHash(exported)}` : '';
  const dataRoot = join(scratchDir, `data-${round}`);
  const request = { runs, postCount: posts.length, shardBytes: undefined, tail: emptyTail(posts.length), dataRoot, compression: 'none' as const, before: [] };
  const [head, headMs] = await cpuMs(() => writeSearchHead(request));
  spent.head = headMs;
  const files = createHash('sha1');
  for (const [path, fileHash] of head.files.sort((a, b) => (a[0] < b[0] ? -1 : 1))) files.update(`${path} ${fileHash}\n`);
  rmSync(dataRoot, { recursive: true, force: true });
  for (const part of parts) times[part].push(spent[part]);
  const line = parts.map((part) => `${part} ${spent[part].toFixed(0)} ms`).join(', ');
  console.log(`round ${round}: ${line}${hash}; head's ${head.files.length} files ${files.digest('hex').slice(0, 12)}`);
}
rmSync(scratchDir, { recursive: true, force: true });
const median = (values: number[]) => {
  const sorted = values.slice(rounds > 1 ? 1 : 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!.toFixed(0);
};
console.log(`medians of rounds ${rounds > 1 ? 2 : 1}-${rounds}: ${parts.map((part) => `${part} ${median(times[part])} ms`).join(', ')}`);
