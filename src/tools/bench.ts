/**
 * `npm run bench`: build throughput, bytes shipped, first-load size, filter latency, and (with Chromium)
 * time to first rows, filter time, long tasks while scrolling and JS heap, on the synthetic corpus.
 * Prints a table and writes bench-results/bench-<time>.json. Numbers, never pass/fail.
 *
 *   npm run bench                                   # 1k and 10k posts
 *   npm run bench -- --sizes 1000,10000,100000,200000
 *   npm run bench -- --no-browser                   # skip the Chromium part
 *   npm run bench -- --cold-runs 3                  # each cold build 3 times: the median, and all three
 *
 * Generated corpora are kept in .cache/bench/ and reused (generation is deterministic).
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { shardFile, type IngestReport, type Manifest, type TagPostList } from '../shared/types.ts';
import { shardOfRow, tagListPositions } from '../features/data/data-client.ts';
import { buildDayIndex, countPerDay, listItems, rowRangeOfDays, rowsWithAnyTag } from '../features/list/rows.ts';
import { runLighthouse, type LighthouseResult } from './lighthouse-run.ts';
import { servePreview, serveWithChromium } from './served-site.ts';
import { CORPUS_VERSION, generateCorpus, syntheticName } from './gen-corpus.ts';
import { buildWith, type GeneratorResult } from './static-site-generators.ts';
import { loadState } from '../indexer/incremental/last-build.ts';
import { fileOfStatePath } from '../indexer/output/write-index.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
const CACHE = join(ROOT, '.cache', 'bench');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const sizes = (option('sizes') ?? '1000,10000').split(',').map(Number);
const withBrowser = !args.includes('--no-browser') && existsSync('/usr/bin/chromium');
/** Jekyll takes minutes per 10k posts: the side-by-side runs only up to this size. */
const compareMax = Number(option('compare-max') ?? 10_000);
/**
 * Cold builds per size. On a shared machine the same cold build varies by ±10 %: a target near the
 * measured time is read from several runs (the table shows their median, the list below it each one).
 */
const coldRuns = Math.max(1, Number(option('cold-runs') ?? 1));

interface Row {
  posts: number;
  corpusMB: number;
  buildSeconds: number;
  postsPerSecond: number;
  mbPerSecond: number;
  peakRssMB?: number;
  /** Rebuild after editing one post, and after adding one, with the build cache warm. */
  rebuildEditSeconds: number;
  rebuildAddSeconds: number;
  /**
   * Rebuild after a day's fetch as a mirror makes it: the posts of the day two weeks before the newest
   * moved to `archived/<day>/`, and as many new posts added after the newest (`dayPosts` of each).
   */
  rebuildDaySeconds: number;
  dayPosts: number;
  /** Each cold build's time (see --cold-runs); buildSeconds is their median, peakRssMB their highest. */
  coldSeconds: number[];
  /**
   * Reading the corpus into the page cache before the first cold build (see readIntoPageCache): what a
   * build from a cold disk adds to the build time, on this machine's disk.
   */
  corpusReadSeconds: number;
  /** The (last) cold build's phases as its report gives them (seconds): where its time went. */
  coldPhases: [name: string, seconds: number][];
  /** The same three changes under `vite build --watch`: seconds from the change on disk to the output written. */
  watch: { editSeconds: number; addSeconds: number; daySeconds: number };
  /** What those rebuilds changed in the output: what a deploy of the site uploads. */
  rebuildEditChanged: ChangedFiles;
  rebuildAddChanged: ChangedFiles;
  rebuildDayChanged: ChangedFiles;
  outputFiles: number;
  outputMB: number;
  firstLoadGzipKB: number;
  filterMs: { sevenDays: number; tag: number; tagAndRange: number };
  /**
   * Clicking the largest outlet: tagFilterMs at once when the first rows show (what the page fetches
   * at idle has barely started); tagFilterSettledMs one second later; tagFilterHoveredMs after the
   * pointer rested on it.
   */
  browser?: { firstRowsMs: number; tagFilterMs: number; tagFilterSettledMs: number; tagFilterHoveredMs: number; longTasksWhileScrolling: number; longestTaskMs: number; heapMB: number };
  /** Lighthouse (performance, mobile profile) on the list and on the newest article. */
  lighthouse?: LighthouseResult[];
  /** Jekyll and Hugo building the same posts (sizes up to --compare-max). */
  generators?: GeneratorResult[];
  search?: {
    tokens: number;
    shards: number;
    pieces: number;
    indexMB: number;
    metaGzipKB: number;
    indexSeconds: number;
    queries?: QueryMetrics[];
  };
}

/** One query typed in Chromium: until its results are on screen. */
interface QueryMetrics {
  query: string;
  kind: 'cold' | 'warm';
  results: number;
  /** Wall time from submitting the query to the first result row rendered. */
  ms: number;
  /** The search itself (fetching its files, intersecting, ranking), from the app's performance measure. */
  engineMs: number;
  /** Main-thread task time over the same span (Chromium's TaskDuration). */
  mainThreadMs: number;
  files: number;
  /** What those files weigh gzip-compressed (JS chunk, search meta and shards, metadata shards). */
  gzipKB: number;
  heapMB: number;
}

async function corpus(posts: number): Promise<string> {
  // The folder name carries the generator's version: a changed generator must not reuse an old corpus.
  const dir = join(CACHE, `corpus-v${CORPUS_VERSION}-${posts}`);
  if (!existsSync(join(dir, '.complete'))) {
    console.log(`generating ${posts} posts…`);
    await generateCorpus({ posts, out: dir });
    writeFileSync(join(dir, '.complete'), '');
  }
  return dir;
}

/** Calls `visit` with the path of every file below `dir`. */
function forEachFile(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) forEachFile(path, visit);
    else visit(path);
  }
}

/**
 * Reads every file below `dir` once, so that a timed build starts with the posts in the page cache, as
 * Jekyll's and Hugo's do (they build a copy written just before, see static-site-generators.ts). Without
 * it, the first cold build of 200k posts read ~half the corpus from the disk, and its time depended on
 * what the runs before it had left in the cache: 108 s against 89 and 91 s for the two after it.
 * Returns the seconds the read took.
 */
function readIntoPageCache(dir: string): number {
  const started = performance.now();
  forEachFile(dir, (path) => readFileSync(path));
  return (performance.now() - started) / 1000;
}

function folderStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  forEachFile(dir, (path) => {
    files++;
    bytes += statSync(path).size;
  });
  return { files, bytes };
}

/** GNU time writes to stderr; capture it with spawn so that the build's own stderr does not get lost. */
function buildWithRss(postsDir: string, outDir: string, cacheDir: string): Promise<{ seconds: number; peakRssMB?: number }> {
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(useTime ? '/usr/bin/time' : process.execPath, [...(useTime ? ['-f', 'peak-rss-kb %M', process.execPath] : []), VITE, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ROOT,
      env: { ...process.env, POSTS_DIR: postsDir, CNA_READER_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`vite build failed (${code}):\n${stderr}`));
      const rss = /peak-rss-kb (\d+)/.exec(stderr);
      done({ seconds: (performance.now() - started) / 1000, ...(rss ? { peakRssMB: Number(rss[1]) / 1024 } : {}) });
    });
  });
}

/**
 * A build that stays up (`vite build --watch`) over the output the rebuilds left: once it has written
 * it, a post is edited, then one added, then a day's fetch made, each timed from the change on disk to
 * the build's line saying the posts were rebuilt (its 100 ms wait for the end of a burst included).
 */
async function watchRebuilds(postsDir: string, outDir: string, cacheDir: string, names: readonly string[]): Promise<Row['watch']> {
  const child = spawn(process.execPath, [VITE, 'build', '--watch', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'info'], {
    cwd: ROOT,
    env: { ...process.env, POSTS_DIR: postsDir, CNA_READER_CACHE_DIR: cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let stderr = '';
  const waiters: { pattern: RegExp; from: number; done: () => void }[] = [];
  const check = () => {
    const ready = waiters.filter((waiter) => waiter.pattern.test(output.slice(waiter.from)));
    for (const waiter of ready) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.done();
    }
  };
  child.stdout.on('data', (chunk) => ((output += chunk), check()));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<never>((_, fail) => child.on('exit', (code) => fail(new Error(`vite build --watch ended (${code}):\n${stderr}`))));
  const next = (pattern: RegExp) => Promise.race([new Promise<void>((done) => waiters.push({ pattern, from: output.length, done })), exited]);
  const timed = async (change: () => void) => {
    const rebuilt = next(/posts rebuilt in/);
    const started = performance.now();
    change();
    await rebuilt;
    return (performance.now() - started) / 1000;
  };
  const editedFile = join(postsDir, '_posts', names[1]!);
  const original = readFileSync(editedFile);
  const addedFile = join(postsDir, '_posts', '2026-12-31-bench-watched.html');
  let day: ReturnType<typeof dayFetch> | undefined;
  try {
    await next(/full report:/);
    const editSeconds = await timed(() => appendFileSync(editedFile, '\n<p>更正：本文已再次更新。</p>\n'));
    const addSeconds = await timed(() =>
      writeFileSync(addedFile, postCopy(join(postsDir, '_posts', names[3]!), { title: '追加的文章', url: 'https://www.example-news.tw/watched' })),
    );
    const daySeconds = await timed(() => (day = dayFetch(postsDir, names)));
    return { editSeconds, addSeconds, daySeconds };
  } finally {
    child.kill();
    day?.undo();
    writeFileSync(editedFile, original);
    rmSync(addedFile, { force: true });
  }
}

/**
 * A generated post under a new title and link (`link:` or `from:`, as its family has it), and a new date
 * when given: a new post whose text, and the search shards it touches, are typical.
 */
function postCopy(source: string, fields: { title: string; url: string; date?: string }): string {
  const text = readFileSync(source, 'utf8')
    .replace(/^title:.*$/m, `title: ${fields.title}`)
    .replace(/^(link|from):.*$/m, `$1: ${fields.url}`);
  return fields.date === undefined ? text : text.replace(/^date:.*$/m, `date: ${fields.date}`);
}

/**
 * A day's fetch on a corpus, as a mirror makes it (see the corpus README): the posts of the day two
 * weeks before the newest move to `archived/<day>/`, and as many new posts, copies of generated ones
 * under new titles, dates and links, arrive after the newest. `undo` puts the corpus back.
 */
function dayFetch(postsDir: string, names: readonly string[]): { posts: number; undo: () => void } {
  const newest = new Date(`${names[names.length - 1]!.slice(0, 10)}T00:00:00Z`);
  const target = new Date(newest.getTime() - 14 * 86_400_000).toISOString().slice(0, 10);
  // The first day with posts from two weeks before the newest on (a small corpus has gaps).
  const day = names.find((name) => name.slice(0, 10) >= target)!.slice(0, 10);
  const archive = join(postsDir, 'archived', day);
  // Never over a file of the same name already there (the undo would lose it).
  const moved = names.filter((name) => name.startsWith(`${day}-`) && !existsSync(join(archive, name)));
  mkdirSync(archive, { recursive: true });
  for (const name of moved) renameSync(join(postsDir, '_posts', name), join(archive, name));
  const added = moved.map((_, n) => {
    const file = join(postsDir, '_posts', `2027-01-01-bench-day-${n}.html`);
    const time = `${String(Math.floor(n / 60) % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
    writeFileSync(
      file,
      postCopy(join(postsDir, '_posts', names[2 + (n % 50)]!), { title: `今日新聞第${n}則`, date: `2027-01-01 ${time}:00.000000000 +00:00`, url: `https://www.example-news.tw/day-${n}` }),
    );
    return file;
  });
  return {
    posts: moved.length,
    undo: () => {
      for (const file of added) rmSync(file);
      for (const name of moved) renameSync(join(archive, name), join(postsDir, '_posts', name));
    },
  };
}

/** Rows a first screen shows, with the list's overscan: their shards are part of the first load. */
const FIRST_SCREEN_ROWS = 14;

/**
 * Bytes (gzip) the browser fetches before the list shows rows: HTML, entry JS and CSS, manifest, and the
 * shards of the first screen's rows (the newest shard, and the one before it when the newest is short).
 */
function firstLoadBytes(outDir: string): number {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="[^"]*?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const manifest = JSON.parse(readFileSync(join(outDir, 'data', 'manifest.json'), 'utf8')) as Manifest;
  const firstRows = Array.from({ length: Math.min(FIRST_SCREEN_ROWS, manifest.postCount) }, (_, position) => shardOfRow(manifest, position).shard);
  const shards = [...new Set(firstRows)].map((shard) => `data/${shardFile(shard)}`);
  const files = ['index.html', ...assets, 'data/manifest.json', ...shards];
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(outDir, file))).length, 0);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeIt(work: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < 15; i++) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** The list's filter computations on the built index, as the browser runs them (minus rendering). */
function filterLatency(outDir: string): Row['filterMs'] {
  const manifest = JSON.parse(readFileSync(join(outDir, 'data', 'manifest.json'), 'utf8')) as Manifest;
  const tag = manifest.tags[0]!;
  const list = JSON.parse(readFileSync(join(outDir, 'data', tag.file), 'utf8')) as TagPostList;
  const rows = tagListPositions(list, manifest.postCount);
  const days = buildDayIndex(manifest);
  const newest = manifest.days[manifest.days.length - 1]![0];
  const weekAgo = manifest.days[Math.max(0, manifest.days.length - 7)]![0];
  return {
    sevenDays: timeIt(() => {
      const range = rowRangeOfDays(days, weekAgo, newest);
      listItems({ kind: 'range', ...range }, days);
    }),
    tag: timeIt(() => {
      const set = { kind: 'list' as const, rows: rowsWithAnyTag([rows], 0, manifest.postCount) };
      listItems(set, days);
      countPerDay(set, days);
    }),
    tagAndRange: timeIt(() => {
      const range = rowRangeOfDays(days, manifest.days[Math.floor(manifest.days.length / 2)]![0], newest);
      listItems({ kind: 'list', rows: rowsWithAnyTag([rows], range.start, range.end) }, days);
    }),
  };
}

async function browserMetrics(outDir: string): Promise<Row['browser']> {
  const site = await serveWithChromium(ROOT, outDir);
  const { url, browser } = site;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(url);
    await page.locator('.post-row-title').first().waitFor();
    const firstRowsMs = (await page.evaluate('performance.now()')) as number;
    const manifest = JSON.parse(readFileSync(join(outDir, 'data', 'manifest.json'), 'utf8')) as Manifest;
    const tag = manifest.tags[0]!;
    // Page scripts are passed as text: tsx wraps named functions in a helper the page does not have.
    const clickTag = `(async (label) => {
      const box = [...document.querySelectorAll('.tag-filter label')].find((l) => l.textContent.includes(label)).querySelector('input');
      const count = document.querySelector('.result-count');
      const before = count.textContent;
      const started = performance.now();
      box.click();
      await new Promise((done) => {
        const check = () => (count.textContent !== before && document.querySelector('.post-row-title') ? done() : requestAnimationFrame(check));
        check();
      });
      return performance.now() - started;
    })(${JSON.stringify(tag.label)})`;
    const tagFilterMs = (await page.evaluate(clickTag)) as number;
    const settled = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await settled.goto(url);
    await settled.locator('.post-row-title').first().waitFor();
    await settled.waitForTimeout(1000);
    const tagFilterSettledMs = (await settled.evaluate(clickTag)) as number;
    await settled.close();
    const hovered = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await hovered.goto(url);
    await hovered.locator('.post-row-title').first().waitFor();
    await hovered.locator('.tag-filter label', { hasText: tag.label }).first().hover();
    await hovered.waitForTimeout(300);
    const tagFilterHoveredMs = (await hovered.evaluate(clickTag)) as number;
    await hovered.close();
    await page.evaluate(`(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: 'longtask' });
    })()`);
    for (let i = 0; i < 60; i++) {
      await page.mouse.wheel(0, 1500);
      await page.waitForTimeout(16);
    }
    await page.waitForTimeout(300);
    const longTasks = (await page.evaluate('window.__longTasks')) as number[];
    const heapMB = ((await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0')) as number) / 1048576;
    return { firstRowsMs, tagFilterMs, tagFilterSettledMs, tagFilterHoveredMs, longTasksWhileScrolling: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), heapMB };
  } finally {
    await site.close();
  }
}

async function lighthouseMetrics(outDir: string): Promise<LighthouseResult[]> {
  const site = await servePreview(ROOT, outDir);
  try {
    const newest = (JSON.parse(readFileSync(join(outDir, 'data', 'shards', '0.json'), 'utf8')) as { posts: { id: string }[] }).posts[0]!.id;
    return await runLighthouse([
      { name: 'list', url: site.url },
      { name: 'article', url: `${site.url}a/${encodeURIComponent(newest)}` },
    ]);
  } finally {
    await site.close();
  }
}

/** The queries measured: a name of middling frequency, and a rarer name with a word in a third of the posts. */
const QUERIES = [syntheticName(40), `${syntheticName(700)} 補助`];

async function searchMetrics(outDir: string): Promise<QueryMetrics[]> {
  const site = await serveWithChromium(ROOT, outDir);
  const { url, browser } = site;
  const results: QueryMetrics[] = [];
  try {
    const freshPage = async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      await page.goto(url);
      await page.locator('.post-row-title').first().waitFor();
      const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value;
      const run = async (query: string, kind: QueryMetrics['kind']) => {
        const before = (await page.evaluate('performance.getEntriesByType("resource").length')) as number;
        const taskBefore = await taskSeconds();
        const [ms, count, engineMs] = (await page.evaluate(`(async (q) => {
          const input = document.querySelector('#search-input');
          const started = performance.now();
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, q);
          input.dispatchEvent(new Event('input', { bubbles: true }));
          input.form.requestSubmit();
          // Done when the list shows this query's results (data-query), not busy, with its first row's data arrived.
          await new Promise((done) => {
            const check = () => {
              const list = [...document.querySelectorAll('.post-list[aria-busy="false"]')].find((l) => l.dataset.query === q);
              (list && list.querySelector('[data-row-link]')) || (list && document.querySelector('.empty-state')) ? done() : requestAnimationFrame(check);
            };
            check();
          });
          const engine = performance.getEntriesByName('cna-reader:search').filter((m) => m.detail === q).pop();
          return [performance.now() - started, Number(document.querySelector('.result-count').textContent.replace(/[^0-9]/g, '')), engine ? engine.duration : -1];
        })(${JSON.stringify(query)})`)) as [number, number, number];
        const mainThreadMs = ((await taskSeconds()) - taskBefore) * 1000;
        const fetched = (await page.evaluate(`performance.getEntriesByType('resource').slice(${before}).map((e) => new URL(e.name).pathname)`)) as string[];
        const gzipBytes = fetched.reduce((sum, path) => {
          const file = join(outDir, decodeURIComponent(path).replace(/^\//, ''));
          return sum + (existsSync(file) ? gzipSync(readFileSync(file)).length : 0);
        }, 0);
        const heapMB = ((await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0')) as number) / 1048576;
        results.push({ query, kind, results: count, ms, engineMs, mainThreadMs, files: fetched.length, gzipKB: gzipBytes / 1024, heapMB });
      };
      return { page, run };
    };
    // Cold: a fresh page per query (nothing of the search loaded). Warm: the first query again, after the other.
    const first = await freshPage();
    await first.run(QUERIES[0]!, 'cold');
    await first.run(QUERIES[1]!, 'cold');
    await first.run(QUERIES[0]!, 'warm');
    const second = await freshPage();
    await second.run(QUERIES[1]!, 'cold');
    await second.run(QUERIES[1]!.split(' ')[0]!, 'cold');
    await second.run(QUERIES[1]!, 'warm');
  } finally {
    await site.close();
  }
  // The second query on the first page is neither cold nor warm (search code and meta loaded): drop it.
  return results.filter((_, i) => i !== 1 && i !== 4);
}

interface ChangedFiles {
  /** Files written with new content, or new. */
  files: number;
  MB: number;
  removed: number;
}

/** The output state the build keeps in its cache: each file under data/ and a hash of its content (see last-build.ts). */
async function outputState(cacheDir: string, outDir: string): Promise<ReadonlyMap<string, string>> {
  const name = readdirSync(cacheDir).find((file) => /^output-[0-9a-f]+\.state$/.test(file));
  if (!name) return new Map();
  return (await loadState(join(cacheDir, name), join(outDir, 'data')))?.files ?? new Map();
}

function changedFiles(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, outDir: string): ChangedFiles {
  // The state names each post as its bucket's path and its id (see write-index.ts): a file changed when
  // one of the paths it holds did.
  const changed = new Set<string>();
  for (const [path, hash] of after) if (before.get(path) !== hash) changed.add(fileOfStatePath(path));
  const bytes = [...changed].reduce((sum, file) => sum + statSync(join(outDir, 'data', file)).size, 0);
  const kept = new Set([...after.keys()].map(fileOfStatePath));
  const removed = new Set([...before.keys()].map(fileOfStatePath).filter((file) => !kept.has(file))).size;
  return { files: changed.size, MB: bytes / 1e6, removed };
}

const rows: Row[] = [];
for (const posts of sizes) {
  const postsDir = await corpus(posts);
  const outDir = join(CACHE, `dist-${posts}`);
  const source = folderStats(postsDir);
  // A cold build: the build cache of this size is emptied first.
  const cacheDir = join(CACHE, `ingest-cache-${posts}`);
  const colds: Awaited<ReturnType<typeof buildWithRss>>[] = [];
  let corpusReadSeconds = 0;
  for (let run = 0; run < coldRuns; run++) {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
    // Deleting 100k files leaves the disk busy for a while: let it finish before the clock starts.
    execFileSync('sync');
    const readSeconds = readIntoPageCache(postsDir);
    if (run === 0) corpusReadSeconds = readSeconds;
    colds.push(await buildWithRss(postsDir, outDir, cacheDir));
  }
  const built = [...colds].sort((a, b) => a.seconds - b.seconds)[Math.floor((colds.length - 1) / 2)]!;
  const peakRssMB = Math.max(...colds.map((cold) => cold.peakRssMB ?? 0)) || undefined;
  const output = folderStats(outDir);
  // The cold build's own report: the rebuilds below write theirs over it.
  const coldReport = JSON.parse(readFileSync(join(outDir, 'ingest-report.json'), 'utf8')) as IngestReport;
  // Incremental: add one post after the newest, then edit one, then a day's fetch (dayFetch), each
  // followed by a build with the cache warm; then the corpus is put back as it was. The added post is a
  // generated one under a new title, date and link (postCopy).
  const names = readdirSync(join(postsDir, '_posts')).sort();
  const addedFile = join(postsDir, '_posts', '2026-12-31-bench-added.html');
  writeFileSync(addedFile, postCopy(join(postsDir, '_posts', names[1]!), { title: '新增的文章', date: '2026-12-31 01:00:00.000000000 +00:00', url: 'https://www.example-news.tw/added' }));
  const coldState = await outputState(cacheDir, outDir);
  const rebuildAdd = await buildWithRss(postsDir, outDir, cacheDir);
  const addState = await outputState(cacheDir, outDir);
  // Measured now: the files' sizes are read from the output, which the next rebuilds change.
  const rebuildAddChanged = changedFiles(coldState, addState, outDir);
  const editedFile = join(postsDir, '_posts', names[0]!);
  const original = readFileSync(editedFile);
  appendFileSync(editedFile, '\n<p>更正：本文已更新。</p>\n');
  const rebuildEdit = await buildWithRss(postsDir, outDir, cacheDir);
  const editState = await outputState(cacheDir, outDir);
  const rebuildEditChanged = changedFiles(addState, editState, outDir);
  const day = dayFetch(postsDir, names);
  const rebuildDay = await buildWithRss(postsDir, outDir, cacheDir);
  const rebuildDayChanged = changedFiles(editState, await outputState(cacheDir, outDir), outDir);
  day.undo();
  writeFileSync(editedFile, original);
  rmSync(addedFile);
  console.log(`${posts} posts: the same changes under a build that stays up (vite build --watch)…`);
  const watched = await watchRebuilds(postsDir, outDir, cacheDir, names);
  const row: Row = {
    posts,
    corpusMB: source.bytes / 1e6,
    buildSeconds: built.seconds,
    postsPerSecond: posts / built.seconds,
    mbPerSecond: source.bytes / 1e6 / built.seconds,
    ...(peakRssMB ? { peakRssMB } : {}),
    coldSeconds: colds.map((cold) => cold.seconds),
    corpusReadSeconds,
    rebuildEditSeconds: rebuildEdit.seconds,
    rebuildAddSeconds: rebuildAdd.seconds,
    rebuildDaySeconds: rebuildDay.seconds,
    dayPosts: day.posts,
    coldPhases: coldReport.phases ?? [],
    watch: watched,
    rebuildEditChanged,
    rebuildDayChanged,
    rebuildAddChanged,
    outputFiles: output.files,
    outputMB: output.bytes / 1e6,
    firstLoadGzipKB: firstLoadBytes(outDir) / 1024,
    filterMs: filterLatency(outDir),
  };
  // The index as the cold build made it (the last rebuild's report times only its patch).
  if (coldReport.search) {
    row.search = {
      tokens: coldReport.search.tokens,
      shards: coldReport.search.shards,
      pieces: coldReport.search.pieces ?? 0,
      indexMB: coldReport.search.bytes / 1e6,
      metaGzipKB: gzipSync(readFileSync(join(outDir, 'data', 'search', 'meta.json'))).length / 1024,
      indexSeconds: coldReport.search.addSeconds + coldReport.search.writeSeconds,
    };
  }
  if (withBrowser) {
    row.browser = await browserMetrics(outDir);
    if (row.search) row.search.queries = await searchMetrics(outDir);
    row.lighthouse = await lighthouseMetrics(outDir);
  }
  if (posts <= compareMax) {
    console.log(`${posts} posts: building the same posts with Jekyll and Hugo…`);
    row.generators = (['jekyll', 'hugo'] as const).map((tool) => buildWith(tool, postsDir, join(CACHE, 'generators')));
  }
  rows.push(row);
  console.log(`${posts} posts: built in ${built.seconds.toFixed(1)} s`);
}

const f = (n: number | undefined, digits = 1) => (n === undefined ? '–' : n.toFixed(digits));
console.log('\n| posts | corpus MB | build s | posts/s | MB/s | peak RSS MB | rebuild edit / add / day s | watching: edit / add / day s | out files | out MB | first load KB gz | filter ms (7 days / tag / tag+range) | first rows ms | tag filter ms (at once / settled / hovered) | long tasks scrolling (max ms) | heap MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.posts} | ${f(r.corpusMB)} | ${f(r.buildSeconds)} | ${f(r.postsPerSecond, 0)} | ${f(r.mbPerSecond)} | ${f(r.peakRssMB, 0)} | ${f(r.rebuildEditSeconds)} / ${f(r.rebuildAddSeconds)} / ${f(r.rebuildDaySeconds)} | ${f(r.watch.editSeconds, 2)} / ${f(r.watch.addSeconds, 2)} / ${f(r.watch.daySeconds, 2)} | ${r.outputFiles} | ${f(r.outputMB)} | ${f(r.firstLoadGzipKB)} | ${f(r.filterMs.sevenDays, 2)} / ${f(r.filterMs.tag, 2)} / ${f(r.filterMs.tagAndRange, 2)} | ${f(r.browser?.firstRowsMs, 0)} | ${f(r.browser?.tagFilterMs, 0)} / ${f(r.browser?.tagFilterSettledMs, 0)} / ${f(r.browser?.tagFilterHoveredMs, 0)} | ${r.browser ? `${r.browser.longTasksWhileScrolling} (${f(r.browser.longestTaskMs, 0)})` : '–'} | ${f(r.browser?.heapMB)} |`,
  );
}
console.log('\nWhere the cold build spent its time (s, phases of its report; the rest of the build time is starting up and bundling the app)');
for (const r of rows) {
  const runs = r.coldSeconds.length > 1 ? ` (cold builds: ${r.coldSeconds.map((seconds) => f(seconds)).join(' / ')} s)` : '';
  console.log(`- ${r.posts}: ${r.coldPhases.map(([name, seconds]) => `${name} ${f(seconds)}`).join(', ')}${runs}`);
}
console.log('\nReading the corpus into the page cache before the cold build (not in its time; from a cold disk a build would add about this):');
console.log(rows.map((r) => `${r.posts}: ${f(r.corpusReadSeconds)} s`).join(', '));
console.log('\nWhat a rebuild changes in the output (what a deploy uploads): files written with new content or new, their MB, files removed');
console.log('| posts | out files | out MB | add one post: files / MB / removed | edit one post: files / MB / removed | a day\'s fetch (posts moved + added): files / MB / removed |');
console.log('|---|---|---|---|---|---|');
const changes = (c: ChangedFiles) => `${c.files} / ${f(c.MB, 2)} / ${c.removed}`;
for (const r of rows) console.log(`| ${r.posts} | ${r.outputFiles} | ${f(r.outputMB)} | ${changes(r.rebuildAddChanged)} | ${changes(r.rebuildEditChanged)} | ${r.dayPosts} + ${r.dayPosts}: ${changes(r.rebuildDayChanged)} |`);
console.log('\nSearch (cold: a fresh page, nothing of the search loaded; warm: the same query again after another)');
console.log('| posts | tokens | shards + pieces | index MB | index build s | meta KB gz | query | kind | results | ms to rows | search ms | main-thread ms | files | KB gz fetched | heap MB |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  if (!r.search) continue;
  const s = r.search;
  const lead = `| ${r.posts} | ${s.tokens} | ${s.shards} + ${s.pieces} | ${f(s.indexMB)} | ${f(s.indexSeconds)} | ${f(s.metaGzipKB)}`;
  if (!s.queries?.length) console.log(`${lead} | – | – | – | – | – | – | – | – | – |`);
  for (const q of s.queries ?? []) console.log(`${lead} | ${q.query} | ${q.kind} | ${q.results} | ${f(q.ms, 0)} | ${f(q.engineMs, 1)} | ${f(q.mainThreadMs, 0)} | ${q.files} | ${f(q.gzipKB)} | ${f(q.heapMB)} |`);
}
console.log('\nLighthouse 12, performance category, default mobile profile (simulated slow 4G, 4× CPU slowdown), vite preview');
console.log('| posts | page | score | LCP ms | CLS | TBT ms | FCP ms | transfer KB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  for (const l of r.lighthouse ?? []) console.log(`| ${r.posts} | ${l.page} | ${l.performance} | ${f(l.lcpMs, 0)} | ${f(l.cls, 3)} | ${f(l.tbtMs, 0)} | ${f(l.fcpMs, 0)} | ${f(l.transferKB)} |`);
}

console.log('\nThe same posts built by Jekyll and Hugo (minimal layout, cold); ratio = cna-reader cold build time / theirs');
console.log('| posts | cna-reader s | Jekyll s | cna-reader / Jekyll | Hugo s | cna-reader / Hugo |');
console.log('|---|---|---|---|---|---|');
const notes = new Set<string>();
for (const r of rows) {
  const cell = (tool: string) => {
    const run = r.generators?.find((g) => g.tool === tool);
    if (!run) return '– | –';
    if ('skipped' in run) {
      notes.add(`${tool}: ${run.skipped}`);
      return 'skipped | –';
    }
    notes.add(`${tool}: ${run.version}`);
    return `${f(run.seconds)} | ${f(r.buildSeconds / run.seconds, 2)}`;
  };
  console.log(`| ${r.posts} | ${f(r.buildSeconds)} | ${cell('jekyll')} | ${cell('hugo')} |`);
}
if (rows.some((r) => r.posts > compareMax)) notes.add(`sizes over ${compareMax} posts are not built by Jekyll and Hugo (--compare-max N to change)`);
console.log(`\n${[...notes].join('\n')}${withBrowser ? '' : '\nbrowser metrics: skipped (no /usr/bin/chromium, or --no-browser)'}`);
mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
const out = join(ROOT, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, rows }, null, 2));
console.log(`written: ${out}`);
