/**
 * Cold cost of phrase queries on a large build: for each query, the search index files a fresh page
 * fetches (meta.json, directory pages, shards, pieces), their bytes as served and gzip-compressed, and the time the search
 * takes in Node with the files read from disk (no network: what the engine itself costs).
 *
 *   npm run bench:phrases -- --posts 200000 [--corpus .cache/corpus-200000] [--out .cache/phrase-bench-200000] [--reuse]
 *   npm run bench:phrases -- --from ../shared/corpus --posts 200000 --out /tmp/phrase-bench-rs [--reuse]
 *   … [--rows FILE]: also writes each query's result rows (JSON), to compare two versions' answers
 *
 * Makes the synthetic corpus (gen-corpus.ts) and builds the site with `vite build` unless `--reuse`
 * finds a build in `--out`. The queries are runs and phrases of the corpus's own vocabulary, from rare
 * (a name of rank 699) to common (a template phrase in most posts). Prints one Markdown table.
 *
 * With `--from`, the index of a real-shaped corpus (real-shaped-corpus.ts) is built alone, with the
 * build's own index code: the real posts are parsed once and each copy is indexed as gen-corpus would
 * write it (the same text, the title with its copy's suffix, the date moved back by whole months), so
 * that a 200k index costs a parse of the 5k real posts, not a 200k build. The queries are then real
 * runs and phrases (names, titles' runs of 5-8 characters, exclusions).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { runSearch } from '../features/search/run-search.ts';
import { resetSearchCache, searchTraffic } from '../features/search/search-client.ts';
import { ingestPosts } from '../indexer/ingest.ts';
import { countSearchTokens, TokenScratch } from '../indexer/parse/count-tokens.ts';
import { contextTokens, runPoints } from '../shared/search-contexts.ts';
import { foldText } from '../shared/search-text.ts';
import { SEARCH_DIRECTORY_FOLDER, SEARCH_META_PATH, SEARCH_TAIL_FOLDER } from '../shared/search-format.ts';
import { SearchIndexBuilder, mergePartialIndexes, type PartialIndex } from '../indexer/search/search-index.ts';
import { searchTailStart, writeSearchShards, writeSearchTail } from '../indexer/search/search-shards.ts';
import type { PostFile } from '../shared/types.ts';
import { generateCorpus, syntheticName } from './gen-corpus.ts';
import { variationOf } from './real-shaped-corpus.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const posts = Number(argument('posts') ?? '200000');
const corpus = resolve(argument('corpus') ?? join(ROOT, '.cache', `corpus-${posts}`));
const out = resolve(argument('out') ?? join(ROOT, '.cache', `phrase-bench-${posts}`));
const from = argument('from');
const rowsFile = argument('rows');

/** Synthetic names of rank r with r % 3 === 0 have three characters (see syntheticName). */
const QUERIES: { query: string; kind: string }[] = [
  { query: syntheticName(699), kind: 'run of 3, rare name' },
  { query: syntheticName(39), kind: 'run of 3, common name' },
  { query: `"${syntheticName(699)}"`, kind: 'quoted run of 3' },
  { query: `${syntheticName(700)}宣布`, kind: 'run of 4, name + verb' },
  { query: '立法院', kind: 'run of 3, in most posts' },
  { query: '年度預算', kind: 'run of 4, in most posts' },
  { query: '交通改善計畫', kind: 'run of 6, in most posts' },
  { query: `"${syntheticName(699)} 表示"`, kind: 'quoted phrase of 5' },
  { query: `${syntheticName(39)} -"${syntheticName(39)}表示"`, kind: 'excluded phrase' },
  { query: '衛', kind: 'single character' },
];

/** For `--from`: real runs and phrases, as readers type them (the 5-8 character ones from real titles). */
const REAL_QUERIES: { query: string; kind: string }[] = [
  { query: '立法院', kind: 'run of 3' },
  { query: '美國總統', kind: 'run of 4' },
  { query: '中央社記者', kind: 'run of 5, in most CNA posts' },
  { query: '中國外交部', kind: 'run of 5, its grams apart in some posts' },
  { query: '"中國 外交部"', kind: 'quoted phrase of 5' },
  { query: '美國財政部長', kind: 'run of 6' },
  { query: '烏克蘭總統澤倫斯基', kind: 'run of 9' },
  { query: '美國 -"美國總統"', kind: 'excluded phrase of 4' },
  { query: '中國 -"中國外交部"', kind: 'excluded phrase of 5' },
  { query: '習', kind: 'single character' },
];

/** What counting the real posts' tokens costs, and how many of their tokens are context tokens (search-contexts.ts). */
function reportTokenCounts(originals: readonly { title: string; text: string }[]): void {
  let started = performance.now();
  let tokens = 0;
  const scratch = new TokenScratch();
  for (const post of originals) tokens += countSearchTokens(post.title, post.text, scratch).weights.length;
  const countMs = performance.now() - started;
  started = performance.now();
  let contexts = 0;
  for (const post of originals) contextTokens(runPoints([foldText(post.title), foldText(post.text)]), () => contexts++);
  const contextMs = performance.now() - started;
  console.error(
    `${originals.length} real posts: ${(tokens / originals.length).toFixed(0)} distinct tokens a post, counted in ${((countMs * 1000) / originals.length).toFixed(0)} µs a post; ` +
      `context tokens ${(contexts / originals.length).toFixed(1)} a post (with repeats), ${((contextMs * 1000) / originals.length).toFixed(0)} µs a post of it (with folding)`,
  );
}

/** Rows per index builder, as the build's workers hold them (see partial-runs.ts). */
const ROWS_PER_BUILDER = 32_768;

/**
 * The search index of `count` real-shaped posts made from the real corpus `source` (see the module
 * comment), written under `dir`/data/search/.
 */
async function buildRealShapedIndex(source: string, count: number, dir: string): Promise<void> {
  const built = await ingestPosts({ postsDir: source });
  const originals: { time: number; title: string; text: string }[] = [];
  for await (const post of built.posts()) originals.push({ time: Date.parse((JSON.parse(post.body) as PostFile).date), title: post.title, text: post.text });
  reportTokenCounts(originals);
  const copies: { time: number; title: string; text: string }[] = [...originals];
  for (let copy = 0; copies.length < count; copy++) {
    const { daysBack, titleSuffix } = variationOf(copy);
    for (const post of originals.slice(0, count - copies.length))
      copies.push({ time: post.time - daysBack * 86_400_000, title: `${post.title}${titleSuffix}`, text: post.text });
  }
  copies.sort((a, b) => a.time - b.time);
  const tailFrom = searchTailStart(copies.length);
  const parts: PartialIndex[] = [];
  const tail = new SearchIndexBuilder();
  let head = new SearchIndexBuilder();
  copies.forEach((post, row) => {
    if (row >= tailFrom) return tail.addText(row, post.title, post.text);
    head.addText(row, post.title, post.text);
    if (head.postCount === ROWS_PER_BUILDER) {
      parts.push(head.exportPartial());
      head = new SearchIndexBuilder();
    }
  });
  if (head.postCount > 0) parts.push(head.exportPartial());
  const write = async (path: string, body: Uint8Array | string) => {
    mkdirSync(dirname(join(dir, 'data', path)), { recursive: true });
    writeFileSync(join(dir, 'data', path), body);
  };
  const written = await writeSearchTail(mergePartialIndexes([tail.exportPartial()]), tailFrom, write);
  const sizes = await writeSearchShards(mergePartialIndexes(parts), copies.length, write, { tail: written.tail });
  console.error(
    `indexed ${copies.length} posts: ${sizes.shards} shards, ${sizes.pieces} pieces, ${(sizes.bytes / 1e6).toFixed(1)} MB (tail ${(written.bytes / 1e6).toFixed(1)} MB)`,
  );
}

if (from && (!existsSync(join(out, 'data', 'search', 'meta.json')) || !process.argv.includes('--reuse'))) {
  const started = performance.now();
  await buildRealShapedIndex(resolve(from), posts, out);
  console.error(`index built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
} else if (!existsSync(join(out, 'data', 'search', 'meta.json')) || !process.argv.includes('--reuse')) {
  if (!existsSync(corpus)) {
    console.error(`generating ${posts} posts in ${corpus}`);
    await generateCorpus({ posts, out: corpus });
  }
  console.error(`building into ${out}`);
  const started = performance.now();
  execFileSync(process.execPath, [VITE, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, POSTS_DIR: corpus, CNA_READER_CACHE_DIR: `${out}-cache` },
  });
  console.error(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

// The browser's search code, its fetches answered from the build's files.
const fetched: string[] = [];
globalThis.fetch = (async (input: RequestInfo | URL) => {
  const path = String(input).replace(/^.*?\/data\//, '');
  fetched.push(path);
  const file = join(out, 'data', path);
  return existsSync(file) ? new Response(readFileSync(file)) : new Response('', { status: 404 });
}) as typeof fetch;

const metaBytes = readFileSync(join(out, 'data', 'search', 'meta.json'));
const meta = JSON.parse(metaBytes.toString('utf8')) as { postCount: number };
const pages = existsSync(join(out, 'data', 'search', 'dir')) ? readdirSync(join(out, 'data', 'search', 'dir')) : [];
const pageBytes = pages.reduce((sum, name) => sum + statSync(join(out, 'data', 'search', 'dir', name)).size, 0);
console.log(`\nPhrase queries, cold (meta.json and every file fetched afresh), ${meta.postCount} posts, ${out}`);
console.log(
  `meta.json ${(metaBytes.length / 1024).toFixed(1)} KB (${(gzipSync(metaBytes).length / 1024).toFixed(1)} KB gzip); ${pages.length} directory pages of ${(pageBytes / 1024 / Math.max(1, pages.length)).toFixed(1)} KB on average\n`,
);
console.log('| query | kind | results | files | KB fetched | of which meta.json + directory pages | KB gzip | ms |');
console.log('|---|---|---|---|---|---|---|---|');
const answers: Record<string, number[]> = {};
for (const { query, kind } of from ? REAL_QUERIES : QUERIES) {
  resetSearchCache();
  fetched.length = 0;
  searchTraffic.files = 0;
  searchTraffic.bytes = 0;
  const started = performance.now();
  const result = await runSearch(query);
  const ms = performance.now() - started;
  answers[query] = result.rowsByDate;
  // What finding the shards costs (meta.json and the directory's pages, the tail's too), beside the postings themselves.
  const directoryBytes = fetched
    .filter((path) => path === SEARCH_META_PATH || path.startsWith(SEARCH_DIRECTORY_FOLDER) || path.startsWith(`${SEARCH_TAIL_FOLDER}dir/`))
    .reduce((sum, path) => sum + statSync(join(out, 'data', path)).size, 0);
  const gzip = fetched.reduce((sum, path) => {
    const file = join(out, 'data', path);
    return sum + (existsSync(file) ? gzipSync(readFileSync(file)).length : 0);
  }, 0);
  console.log(
    `| ${query} | ${kind} | ${result.rows.length} | ${fetched.length} | ${(searchTraffic.bytes / 1024).toFixed(1)} | ${(directoryBytes / 1024).toFixed(1)} | ${(gzip / 1024).toFixed(1)} | ${ms.toFixed(0)} |`,
  );
}
if (rowsFile) writeFileSync(rowsFile, JSON.stringify(answers));
