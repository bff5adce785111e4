/**
 * `npm run bench:search-engines`: the measurement behind cna-reader's choice of search engine. Indexes the
 * posts of POSTS_DIR (the real corpus: `POSTS_DIR=../shared/corpus`) with
 *   - cna-reader's own sharded index (src/indexer/search/search-index.ts),
 *   - MiniSearch, with its default tokenizer and with cna-reader's CJK tokenizer,
 *   - FlexSearch (Document index, its CJK encoder),
 *   - Pagefind (Node API, custom records; queried in Chromium through its own pagefind.js),
 * and prints, per engine: build time, index size on disk, what one query must download (gzip), query time,
 * and recall of names typed in Traditional and in Simplified script against the posts that hold them
 * (the truth: the build's own extracted text, folded).
 *
 * Dev-only: MiniSearch, FlexSearch and Pagefind are devDependencies for this comparison alone.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import MiniSearch from 'minisearch';
import FlexSearch from 'flexsearch';
import * as pagefind from 'pagefind';
import { runSearch } from '../features/search/run-search.ts';
import { resetSearchCache } from '../features/search/search-client.ts';
import { directoryPagesFor, joinDirectoryPages, type SearchDirectoryPage } from '../shared/search-directory.ts';
import {
  SEARCH_META_PATH,
  searchDirectoryPath,
  searchShardPath,
  searchTailDirectoryPath,
  searchTailShardPath,
  shardHolding,
  type SearchMeta,
} from '../shared/search-format.ts';
import { foldText, tokenize } from '../shared/search-text.ts';
import { ingestPosts } from '../indexer/ingest.ts';
import { buildSearchFiles } from '../indexer/search/search-shards.ts';
import { serveWithChromium } from './served-site.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const postsDir = resolve(process.env['POSTS_DIR'] ?? join(ROOT, 'posts'));
const WORK = join(ROOT, '.cache', 'search-engines');

/** Names in both scripts (pairs differing only by script: a plain engine cannot be expected to know 普京 = 蒲亭). */
const QUERIES: [string, string][] = [
  ['習近平', '习近平'],
  ['烏克蘭', '乌克兰'],
  ['澤倫斯基', '泽伦斯基'],
  ['賴清德', '赖清德'],
  ['美國總統', '美国总统'],
];

interface Post {
  id: number;
  title: string;
  text: string;
  folded: string;
}

interface EngineResult {
  engine: string;
  buildSeconds: number;
  indexMB: number;
  files: number;
  /** gzip KB one query downloads (median over the queries), beyond the app itself. */
  queryKB: number;
  /** Median query time, ms. */
  queryMs: number;
  /** Share of (query, post holding it) pairs found, over both scripts. */
  recall: number;
  notes: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

function folderSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}

async function loadPosts(): Promise<Post[]> {
  const built = await ingestPosts({ postsDir });
  const posts: Post[] = [];
  for await (const post of built.posts()) posts.push({ id: post.row, title: post.title, text: post.text, folded: foldText(`${post.title}\n${post.text}`) });
  return posts;
}

/** Posts holding either spelling of a name: the truth recall is measured against. */
function holding(posts: Post[], pair: [string, string]): Set<number> {
  const names = pair.map(foldText);
  return new Set(posts.filter((post) => names.some((name) => post.folded.includes(name))).map((post) => post.id));
}

function recallOf(posts: Post[], search: (query: string) => number[]): number {
  let found = 0;
  let wanted = 0;
  for (const pair of QUERIES) {
    const truth = holding(posts, pair);
    for (const query of pair) {
      const got = new Set(search(query));
      for (const id of truth) if (got.has(id)) found++;
      wanted += truth.size;
    }
  }
  return wanted === 0 ? 1 : found / wanted;
}

function timeQueries(search: (query: string) => unknown): number {
  const samples: number[] = [];
  for (const pair of QUERIES) {
    for (const query of pair) {
      const started = performance.now();
      search(query);
      samples.push(performance.now() - started);
    }
  }
  return median(samples);
}

async function ownIndex(posts: Post[]): Promise<EngineResult> {
  const started = performance.now();
  const files = await buildSearchFiles(
    (async function* () {
      for (const post of posts) yield { row: post.id, title: post.title, text: post.text };
    })(),
  );
  const buildSeconds = (performance.now() - started) / 1000;
  const bytes = [...files.values()].reduce((sum, body) => sum + (typeof body === 'string' ? Buffer.byteLength(body) : body.length), 0);
  const meta = JSON.parse(files.get(SEARCH_META_PATH) as string) as SearchMeta;
  const gz = (path: string) => gzipSync(files.get(path)!).length;
  // A cold query fetches meta.json, the directory pages of its tokens and their shards, before the tail and in it.
  const pageOf = (first: string) => JSON.parse(files.get(searchDirectoryPath(first)) as string) as SearchDirectoryPage;
  const shardPaths = (firstTokens: readonly string[], pathOf: (first: string) => string, tokens: readonly string[]) =>
    tokens.flatMap((token) => {
      const first = shardHolding(firstTokens, token);
      return first === undefined ? [] : [pathOf(first)];
    });
  const queryBytes = QUERIES.flat().map((query) => {
    const tokens = tokenize(query);
    const pages = directoryPagesFor(meta.directory, tokens, []);
    const listing = joinDirectoryPages(pages.map(pageOf));
    const tailPages = directoryPagesFor(meta.tail?.directory ?? [], tokens, []);
    const tailListing = joinDirectoryPages(tailPages.map((first) => JSON.parse(files.get(searchTailDirectoryPath(first)) as string) as SearchDirectoryPage));
    const paths = new Set([
      ...pages.map(searchDirectoryPath),
      ...tailPages.map(searchTailDirectoryPath),
      ...shardPaths(listing.firstTokens, searchShardPath, tokens),
      ...shardPaths(tailListing.firstTokens, searchTailShardPath, tokens),
    ]);
    return gz(SEARCH_META_PATH) + [...paths].reduce((sum, path) => sum + gz(path), 0);
  });
  resetSearchCache();
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const body = files.get(String(input).replace(/^.*?\/data\//, ''));
    return body === undefined ? new Response('', { status: 404 }) : new Response(body as BodyInit);
  }) as typeof fetch;
  const results = new Map<string, number[]>();
  const samples: number[] = [];
  for (const query of QUERIES.flat()) await runSearch(query); // warm the shard cache: time the search, not the stub
  for (const query of QUERIES.flat()) {
    const t = performance.now();
    results.set(query, (await runSearch(query)).rowsByDate);
    samples.push(performance.now() - t);
  }
  return {
    engine: 'cna-reader (sharded pairs, T/S folded)',
    buildSeconds,
    indexMB: bytes / 1e6,
    files: files.size,
    queryKB: median(queryBytes) / 1024,
    queryMs: median(samples),
    recall: recallOf(posts, (query) => results.get(query) ?? []),
    notes: 'meta + one shard per token; phrases, variants (普京/蒲亭), highlighting',
  };
}

function miniSearch(posts: Post[], cjk: boolean): EngineResult {
  const options = {
    fields: ['title', 'text'],
    ...(cjk ? { tokenize: (text: string) => tokenize(text), processTerm: (term: string) => term } : {}),
  };
  const started = performance.now();
  const index = new MiniSearch<Post>(options);
  index.addAll(posts);
  const buildSeconds = (performance.now() - started) / 1000;
  const json = JSON.stringify(index);
  const search = (query: string) =>
    index.search(query, { combineWith: 'AND', ...(cjk ? { tokenize: (text: string) => [...new Set(tokenize(text))] } : {}) }).map((hit) => hit.id as number);
  return {
    engine: `MiniSearch 7 (${cjk ? "cna-reader's tokenizer" : 'default tokenizer'})`,
    buildSeconds,
    indexMB: json.length / 1e6,
    files: 1,
    queryKB: gzipSync(json).length / 1024,
    queryMs: timeQueries(search),
    recall: recallOf(posts, search),
    notes: 'one index file, downloaded whole before the first query',
  };
}

async function flexSearch(posts: Post[]): Promise<EngineResult> {
  const started = performance.now();
  const index = new FlexSearch.Document({ document: { id: 'id', index: ['title', 'text'] }, encoder: 'CJK', tokenize: 'strict' } as ConstructorParameters<
    typeof FlexSearch.Document
  >[0]);
  for (const post of posts) index.add(post as never);
  const buildSeconds = (performance.now() - started) / 1000;
  const parts: string[] = [];
  await index.export(async (_key: string, data: string) => void parts.push(data));
  const exported = parts.join('');
  const search = (query: string) => {
    const ids = new Set<number>();
    for (const field of index.search(query) as { result: number[] }[]) for (const id of field.result) ids.add(id);
    return [...ids];
  };
  return {
    engine: 'FlexSearch 0.8 (Document, CJK encoder)',
    buildSeconds,
    indexMB: exported.length / 1e6,
    files: parts.length,
    queryKB: gzipSync(exported).length / 1024,
    queryMs: timeQueries(search),
    recall: recallOf(posts, search),
    notes: 'exported in parts, but every part is needed to answer a query',
  };
}

async function pagefindIndex(posts: Post[]): Promise<EngineResult> {
  const out = join(WORK, 'pagefind');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const started = performance.now();
  const { index } = await pagefind.createIndex({ forceLanguage: 'zh' });
  if (!index) throw new Error('pagefind: no index');
  for (const post of posts)
    await index.addCustomRecord({ url: `/a/${post.id}`, content: `${post.title}\n${post.text}`, language: 'zh', meta: { title: post.title } });
  await index.writeFiles({ outputPath: join(out, 'pagefind') });
  const buildSeconds = (performance.now() - started) / 1000;
  await pagefind.close();
  const size = folderSize(out);
  const measured = await pagefindQueries(out);
  return {
    engine: 'Pagefind 1.6 (Node API, zh)',
    buildSeconds,
    indexMB: size.bytes / 1e6,
    files: size.files,
    queryKB: median(measured.bytes) / 1024,
    queryMs: median(measured.ms),
    recall: recallOf(posts, (query) => measured.results.get(query) ?? []),
    notes: "its own WebAssembly runtime (CSP needs 'wasm-unsafe-eval'); no Traditional/Simplified folding",
  };
}

/** Pagefind searches in the browser only: runs its pagefind.js in Chromium against the written files. */
async function pagefindQueries(outDir: string): Promise<{ ms: number[]; bytes: number[]; results: Map<string, number[]> }> {
  const site = await serveWithChromium(ROOT, outDir);
  const { url, browser } = site;
  const ms: number[] = [];
  const bytes: number[] = [];
  const results = new Map<string, number[]>();
  try {
    for (const query of QUERIES.flat()) {
      const page = await browser.newPage();
      await page.goto(`${url}pagefind/pagefind-ui.css`).catch(() => undefined);
      const outcome = (await page.evaluate(`(async (q) => {
        const before = performance.getEntriesByType('resource').length;
        const started = performance.now();
        const pf = await import('/pagefind/pagefind.js');
        await pf.init();
        const search = await pf.search(q);
        const data = await Promise.all(search.results.map((r) => r.data()));
        const ms = performance.now() - started;
        const fetched = performance.getEntriesByType('resource').slice(before).map((e) => new URL(e.name).pathname);
        return { ms, fetched, ids: data.map((d) => Number(d.url.split('/').pop())) };
      })(${JSON.stringify(query)})`)) as { ms: number; fetched: string[]; ids: number[] };
      ms.push(outcome.ms);
      // Pagefind's index files are gzip-compressed on disk already; its JS and WASM are counted as served gzip.
      bytes.push(
        outcome.fetched.reduce((sum, path) => {
          const file = join(outDir, decodeURIComponent(path));
          if (!existsSync(file)) return sum;
          const body = readFileSync(file);
          return sum + (/\.pf_/.test(path) ? body.length : gzipSync(body).length);
        }, 0),
      );
      results.set(query, outcome.ids);
      await page.close();
    }
  } finally {
    await site.close();
  }
  return { ms, bytes, results };
}

const posts = await loadPosts();
console.log(`${posts.length} posts from ${postsDir}; queries: ${QUERIES.map((pair) => pair.join('/')).join(', ')}`);
const rows: EngineResult[] = [await ownIndex(posts), miniSearch(posts, false), miniSearch(posts, true), await flexSearch(posts)];
if (existsSync('/usr/bin/chromium')) rows.push(await pagefindIndex(posts));
else console.log('pagefind: skipped (its search runs in a browser; no /usr/bin/chromium)');
const f = (n: number, d = 1) => n.toFixed(d);
console.log('\n| engine | build s | index MB | files | one query downloads KB gz | query ms | recall (T+S) | notes |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.engine} | ${f(r.buildSeconds)} | ${f(r.indexMB)} | ${r.files} | ${f(r.queryKB)} | ${f(r.queryMs, 2)} | ${(r.recall * 100).toFixed(1)} % | ${r.notes} |`,
  );
