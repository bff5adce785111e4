/**
 * The browser side of the bench, on a built site: bytes of the first load, the list's filter computations,
 * and in Debian's Chromium the time to the first rows, a tag filter, long tasks while scrolling, search
 * queries and Lighthouse. These read the site's data files as the app does (src/shared, src/features).
 *
 * Alone, it runs browserMetrics on built folders N times each, taking turns, and prints the medians: on a
 * loaded machine, a before/after comparison needs both sides measured under the same load.
 *
 *   npx tsx src/tools/bench-browser.ts --runs 7 dist-before dist-after
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Browser, Page } from 'playwright-core';
import { gzipSync } from 'node:zlib';
import { shardFile, type Manifest, type TagPostList } from '../shared/types.ts';
import { shardOfRow, tagListPositions } from '../features/data/data-client.ts';
import { buildDayIndex, countPerDay, listItems, rowRangeOfDays, rowsWithAnyTag } from '../features/list/rows.ts';
import { runLighthouse, type LighthouseResult } from './lighthouse-run.ts';
import { servePreview, serveWithChromium } from './served-site.ts';
import { ROOT } from './bench-builds.ts';

export interface FilterLatency {
  sevenDays: number;
  tag: number;
  tagAndRange: number;
}

/**
 * Clicking the largest outlet: tagFilterMs at once when the first rows show (what the page fetches at
 * idle has barely started); tagFilterSettledMs one second later; tagFilterHoveredMs after the pointer
 * rested on it.
 */
export interface BrowserMetrics {
  firstRowsMs: number;
  /**
   * When the first row entered the page, seen from the page (a MutationObserver set before navigation):
   * firstRowsMs less Playwright's polling and the round trip that reads the clock, which took 50–1,000 ms
   * on a loaded machine.
   */
  firstRowsInPageMs: number;
  tagFilterMs: number;
  tagFilterSettledMs: number;
  tagFilterHoveredMs: number;
  /**
   * The same outlet clicked with the mouse as the first rows show, as the reader's browser times it (Event
   * Timing, the measure of INP): from the click's input to the next paint after its handlers, so with the
   * tasks queued in front of it and the frame that shows the rows. tagFilterMs starts its clock inside the
   * task that runs the click and stops it before the frame.
   */
  tagClickToPaintMs: number;
  /** Of which the wait for the main thread before the click's handlers ran. */
  tagClickInputDelayMs: number;
  longTasksWhileScrolling: number;
  longestTaskMs: number;
  /**
   * The same scroll's main-thread tasks by the thread's CPU time (Chromium trace, `tdur`): on a machine
   * shared with other work a task's wall time includes the time the thread waited for a core.
   */
  longTasksWhileScrollingCpu: number;
  longestTaskCpuMs: number;
  /**
   * Main-thread CPU time (Chromium trace) of a fresh page from navigation to its first rows: what
   * firstRowsMs costs, less the waits for a core.
   */
  firstRowsCpuMs: number;
  heapMB: number;
}

/** One query typed in Chromium: until its results are on screen. */
export interface QueryMetrics {
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

/** Rows a first screen shows, with the list's overscan: their shards are part of the first load. */
const FIRST_SCREEN_ROWS = 14;

/**
 * Bytes (gzip) the browser fetches before the list shows rows: HTML, entry JS and CSS, manifest, and the
 * shards of the first screen's rows (the newest shard, and the one before it when the newest is short).
 */
export function firstLoadBytes(outDir: string): number {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  // Once each: a chunk that is both preloaded and run is named twice.
  const assets = [...new Set([...html.matchAll(/(?:src|href)="[^"]*?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!))];
  const manifest = JSON.parse(readFileSync(join(outDir, 'data', 'manifest.json'), 'utf8')) as Manifest;
  const firstRows = Array.from({ length: Math.min(FIRST_SCREEN_ROWS, manifest.postCount) }, (_, position) => shardOfRow(manifest, position).shard);
  const shards = [...new Set(firstRows)].map((shard) => `data/${shardFile(shard)}`);
  const files = ['index.html', ...assets, 'data/manifest.json', ...shards];
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(outDir, file))).length, 0);
}

export function median(samples: number[]): number {
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
export function filterLatency(outDir: string): FilterLatency {
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

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** A long task, as the Long Tasks API counts them. */
const LONG_TASK_MS = 50;

/**
 * The CPU time of each task the page's main thread ran during `work`, from a Chromium trace: the
 * renderer's main thread is the one that ran the page's scripts.
 */
async function mainThreadTasksCpuMs(page: Page, work: () => Promise<void>): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (data) => events.push(...(data.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  await work();
  const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const threadOf = (event: TraceEvent) => `${event.pid}:${event.tid}`;
  const scriptThreads = new Map<string, number>();
  for (const event of events) if (event.name === 'FunctionCall') scriptThreads.set(threadOf(event), (scriptThreads.get(threadOf(event)) ?? 0) + 1);
  const main = [...scriptThreads].sort((a, b) => b[1] - a[1])[0]?.[0];
  return events.filter((event) => event.name === 'RunTask' && event.ph === 'X' && threadOf(event) === main).map((event) => (event.tdur ?? 0) / 1000);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  /** Thread (CPU) duration, in microseconds. */
  tdur?: number;
}

export async function browserMetrics(outDir: string): Promise<BrowserMetrics> {
  const site = await serveWithChromium(ROOT, outDir);
  const { url, browser } = site;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(`new MutationObserver((_, observer) => {
      if (!document.querySelector('.post-row-title')) return;
      window.__firstRows = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true })`);
    await page.goto(url);
    await page.locator('.post-row-title').first().waitFor();
    const firstRowsMs = (await page.evaluate('performance.now()')) as number;
    const firstRowsInPageMs = (await page.evaluate('window.__firstRows')) as number;
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
    const { tagClickToPaintMs, tagClickInputDelayMs } = await mouseClickTiming(browser, url, tag.label);
    const traced = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const loadTasks = await mainThreadTasksCpuMs(traced, async () => {
      await traced.goto(url);
      await traced.locator('.post-row-title').first().waitFor();
    });
    await traced.close();
    await page.evaluate(`(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__longTasks.push(e.duration))).observe({ type: 'longtask' });
    })()`);
    const scrollTasksCpu = await mainThreadTasksCpuMs(page, async () => {
      for (let i = 0; i < 60; i++) {
        await page.mouse.wheel(0, 1500);
        await page.waitForTimeout(16);
      }
      await page.waitForTimeout(300);
    });
    const longTasks = (await page.evaluate('window.__longTasks')) as number[];
    const heapMB = ((await page.evaluate('performance.memory ? performance.memory.usedJSHeapSize : 0')) as number) / 1048576;
    return {
      firstRowsMs,
      firstRowsInPageMs,
      tagFilterMs,
      tagFilterSettledMs,
      tagFilterHoveredMs,
      tagClickToPaintMs,
      tagClickInputDelayMs,
      longTasksWhileScrolling: longTasks.length,
      longestTaskMs: Math.max(0, ...longTasks),
      longTasksWhileScrollingCpu: scrollTasksCpu.filter((ms) => ms > LONG_TASK_MS).length,
      longestTaskCpuMs: Math.max(0, ...scrollTasksCpu),
      firstRowsCpuMs: sum(loadTasks),
      heapMB,
    };
  } finally {
    await site.close();
  }
}

/**
 * A fresh page's outlet `label` clicked with the mouse once the first rows show: the click's Event Timing
 * entry (durations rounded to 8 ms; one under 16 ms is not reported, and counts as 16).
 */
async function mouseClickTiming(browser: Browser, url: string, label: string): Promise<{ tagClickToPaintMs: number; tagClickInputDelayMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(`window.__clicks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => e.name === 'click' && window.__clicks.push({ duration: e.duration, delay: e.processingStart - e.startTime })))
      .observe({ type: 'event', durationThreshold: 16, buffered: true })`);
  await page.goto(url);
  await page.locator('.post-row-title').first().waitFor();
  const box = page.locator('.tag-filter label', { hasText: label }).first().locator('input');
  await box.click();
  await page.waitForFunction('document.querySelector(".post-row-title")');
  // Entries are queued after the frame they end with: a few frames are waited for.
  await page.waitForTimeout(500);
  const clicks = (await page.evaluate('window.__clicks')) as { duration: number; delay: number }[];
  await page.close();
  return { tagClickToPaintMs: clicks[0]?.duration ?? 16, tagClickInputDelayMs: clicks[0]?.delay ?? 0 };
}

export async function lighthouseMetrics(outDir: string): Promise<LighthouseResult[]> {
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

/**
 * Two queries typed in fresh pages: `queries[0]` cold then warm, `queries[1]` (two words) cold, its first
 * word alone, then it warm.
 */
export async function searchMetrics(outDir: string, queries: readonly [string, string]): Promise<QueryMetrics[]> {
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
    await first.run(queries[0]!, 'cold');
    await first.run(queries[1]!, 'cold');
    await first.run(queries[0]!, 'warm');
    const second = await freshPage();
    await second.run(queries[1]!, 'cold');
    await second.run(queries[1]!.split(' ')[0]!, 'cold');
    await second.run(queries[1]!, 'warm');
  } finally {
    await site.close();
  }
  // The second query on the first page is neither cold nor warm (search code and meta loaded): drop it.
  return results.filter((_, i) => i !== 1 && i !== 4);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { runs: { type: 'string', default: '5' } }, allowPositionals: true });
  const dirs = (positionals.length > 0 ? positionals : ['dist']).map((dir) => resolve(dir));
  const runs = Number(values.runs);
  const samples = new Map<string, BrowserMetrics[]>(dirs.map((dir) => [dir, []]));
  // Taking turns, so that a change of the machine's load falls on every folder alike.
  for (let run = 0; run < runs; run++) {
    for (const dir of dirs) {
      const metrics = await browserMetrics(dir);
      samples.get(dir)!.push(metrics);
      console.error(
        `run ${run + 1}/${runs} ${dir}: first rows ${metrics.firstRowsInPageMs.toFixed(0)} ms in the page, tag ${metrics.tagFilterMs.toFixed(0)} ms, mouse ${metrics.tagClickToPaintMs.toFixed(0)} ms (input delay ${metrics.tagClickInputDelayMs.toFixed(0)}), CPU to first rows ${metrics.firstRowsCpuMs.toFixed(0)} ms`,
      );
    }
  }
  const keys = Object.keys(samples.get(dirs[0]!)![0]!) as (keyof BrowserMetrics)[];
  console.log(['metric: median (min–max)', ...dirs].join('\t'));
  const spread = (values: number[]) => `${median(values).toFixed(1)} (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)})`;
  for (const key of keys) console.log([key, ...dirs.map((dir) => spread(samples.get(dir)!.map((m) => m[key])))].join('\t'));
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
