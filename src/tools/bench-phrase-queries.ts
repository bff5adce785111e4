/**
 * Cold cost of phrase queries on a large build: for each query, the search index files a fresh page
 * fetches (meta.json, shards, pieces), their bytes as served and gzip-compressed, and the time the search
 * takes in Node with the files read from disk (no network: what the engine itself costs).
 *
 *   npm run bench:phrases -- --posts 200000 [--corpus .cache/corpus-200000] [--out .cache/phrase-bench-200000] [--reuse]
 *
 * Makes the synthetic corpus (gen-corpus.ts) and builds the site with `vite build` unless `--reuse`
 * finds a build in `--out`. The queries are runs and phrases of the corpus's own vocabulary, from rare
 * (a name of rank 699) to common (a template phrase in most posts). Prints one Markdown table.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runSearch } from '../features/search/run-search.ts';
import { resetSearchCache, searchTraffic } from '../features/search/search-client.ts';
import { generateCorpus, syntheticName } from './gen-corpus.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const posts = Number(argument('posts') ?? '200000');
const corpus = resolve(argument('corpus') ?? join(ROOT, '.cache', `corpus-${posts}`));
const out = resolve(argument('out') ?? join(ROOT, '.cache', `phrase-bench-${posts}`));

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

if (!existsSync(join(out, 'data', 'search', 'meta.json')) || !process.argv.includes('--reuse')) {
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

const meta = JSON.parse(readFileSync(join(out, 'data', 'search', 'meta.json'), 'utf8')) as { postCount: number };
console.log(`\nPhrase queries, cold (meta.json and every file fetched afresh), ${meta.postCount} posts, ${out}`);
console.log('| query | kind | results | files | KB fetched | KB gzip | ms |');
console.log('|---|---|---|---|---|---|---|');
for (const { query, kind } of QUERIES) {
  resetSearchCache();
  fetched.length = 0;
  searchTraffic.files = 0;
  searchTraffic.bytes = 0;
  const started = performance.now();
  const result = await runSearch(query);
  const ms = performance.now() - started;
  const gzip = fetched.reduce((sum, path) => {
    const file = join(out, 'data', path);
    return sum + (existsSync(file) ? gzipSync(readFileSync(file)).length : 0);
  }, 0);
  console.log(
    `| ${query} | ${kind} | ${result.rows.length} | ${fetched.length} | ${(searchTraffic.bytes / 1024).toFixed(1)} | ${(gzip / 1024).toFixed(1)} | ${ms.toFixed(0)} |`,
  );
}
