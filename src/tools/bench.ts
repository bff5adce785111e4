/**
 * `npm run bench`: cna-reader's build against Hugo's (and Jekyll's) on the same posts in the same run,
 * real posts and real-shaped ones (see real-shaped-corpus.ts); the fixed cost, rebuilds one-shot and
 * watching, peak memory; then the browser side on one built site. Prints tables and writes
 * bench-results/bench-<time>.json. Numbers, never pass/fail: see docs/bench.md.
 *
 *   npm run bench                                   # real posts, 64k and 200k real-shaped (~30 min idle)
 *   npm run bench -- --sizes real                   # the real posts alone (a few minutes)
 *   npm run bench -- --sizes real,20000,synthetic:10000 --corpus ../shared/corpus
 *   npm run bench -- --browser-at 64000 | --no-browser | --cold-runs 3 | --jekyll-max 10000
 *   npm run bench -- --retry-env KEY=VALUE           # a failed cold build tried once more with that setting
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  browserMetrics,
  filterLatency,
  firstLoadBytes,
  lighthouseMetrics,
  searchMetrics,
  type BrowserMetrics,
  type FilterLatency,
  type QueryMetrics,
} from './bench-browser.ts';
import {
  ALL_CHANGES,
  changeFolder,
  coldBuild,
  folderStats,
  oneShotRebuilds,
  REPORT_FILE,
  ROOT,
  stopBuilds,
  watchRebuilds,
  type BuildTarget,
  type Change,
  type OneShotRebuilds,
  type TimedBuild,
  type WatchRebuilds,
} from './bench-builds.ts';
import { parseSizes, prepareCorpus, type Corpus } from './bench-corpora.ts';
import { syntheticName } from './gen-corpus.ts';
import type { LighthouseResult } from './lighthouse-run.ts';
import { buildWith, type GeneratorName, type GeneratorResult } from './static-site-generators.ts';
import type { Usage } from './usage.ts';

const CACHE = join(ROOT, '.cache', 'bench');
const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpusDir = resolve(option('corpus') ?? process.env['CORPUS_DIR'] ?? join(ROOT, '..', 'shared', 'corpus'));
const specs = parseSizes(option('sizes') ?? 'real,64000,200000');
const withBrowser = !args.includes('--no-browser') && existsSync('/usr/bin/chromium');
/** Jekyll takes minutes per 10k posts: it builds only corpora up to this size. */
const jekyllMax = Number(option('jekyll-max') ?? 10_000);
/**
 * Cold builds (and Hugo's) per corpus up to BIG posts: the tables show the fastest. Other people's load
 * only ever adds time (on this shared machine one build varied from 31 to 86 s), so the fastest run is
 * the nearest to the machine's own speed. Above BIG each is built once, the run being long enough.
 */
const coldRuns = Math.max(1, Number(option('cold-runs') ?? 3));
const BIG = 20_000;
const retryEnv = Object.fromEntries(
  (option('retry-env') ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => pair.split('=') as [string, string]),
);

/** The targets of issue 22, printed beside what the run measured. */
const TARGET = { realVsHugo: 1.5, shapedVsHugo: 1.0, bigSeconds: 90, bigRssGB: 1.2, fixedSeconds: 1.5, editOneShot: 2, editWatching: 1 };
/** Per-post cost of real-shaped posts against real ones, at equal count: they must agree within this. */
const SHAPE_TOLERANCE = 0.1;

/** What the bench reads of a build's report; read loosely, so that a changed report leaves holes, not errors. */
interface ReportView {
  postsIndexed?: number;
  filesNotIndexed?: number;
  phases?: [string, number][];
  search?: { tokens?: number; shards?: number; pieces?: number; bytes?: number; addSeconds?: number; writeSeconds?: number };
}

interface Row {
  corpus: Corpus;
  corpusMB: number;
  /** The fastest cold build, the least CPU time of them, and the highest peak RSS of them. */
  buildSeconds: number;
  cpuSeconds?: number;
  peakRssMB?: number;
  coldSeconds: number[];
  /** Reading the posts into the page cache before the first cold build (not in its time). */
  corpusReadSeconds: number;
  /** Set when a build at default settings failed and the numbers are those of --retry-env. */
  failedAtDefault?: string;
  settings: Record<string, string>;
  report: ReportView;
  generators: GeneratorResult[];
  rebuilds?: OneShotRebuilds;
  watch?: WatchRebuilds;
  outputFiles: number;
  outputMB: number;
  firstLoadGzipKB?: number;
  filterMs?: FilterLatency;
  browser?: BrowserMetrics;
  queries?: QueryMetrics[];
  lighthouse?: LighthouseResult[];
  /** What stopped this corpus's measurements, if anything did. */
  error?: string;
}

const f = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n').slice(0, 6).join(' ').slice(0, 600);

function targetOf(corpus: Corpus, name: string): BuildTarget {
  return { postsDir: corpus.dir, outDir: join(CACHE, `dist-${name}`), cacheDir: join(CACHE, `build-cache-${name}`) };
}

const nameOf = (corpus: Corpus) => `${corpus.kind}-${corpus.posts}`;

function readReport(outDir: string): ReportView {
  try {
    return JSON.parse(readFileSync(join(outDir, REPORT_FILE), 'utf8')) as ReportView;
  } catch {
    return {};
  }
}

/** Cold builds of one corpus; with --retry-env, a failed first one is tried again with those settings. */
async function coldBuilds(
  target: BuildTarget,
  runs: number,
): Promise<{ builds: (TimedBuild & { readSeconds: number })[]; settings: Record<string, string>; failedAtDefault?: string }> {
  const builds = [];
  let settings: Record<string, string> = {};
  let failedAtDefault: string | undefined;
  for (let run = 0; run < runs; run++) {
    try {
      builds.push(await coldBuild({ ...target, env: settings }));
    } catch (error) {
      if (run > 0 || Object.keys(retryEnv).length === 0) throw error;
      failedAtDefault = message(error);
      settings = retryEnv;
      console.log(`  failed at default settings; again with ${JSON.stringify(settings)}`);
      builds.push(await coldBuild({ ...target, env: settings }));
    }
  }
  return { builds, settings, ...(failedAtDefault ? { failedAtDefault } : {}) };
}

/** One tool on the same posts: the fastest of `runs` builds (see BIG). */
function generatorBuild(tool: GeneratorName, corpus: Corpus, runs: number): GeneratorResult {
  const results = Array.from({ length: runs }, () => buildWith(tool, corpus.dir, join(CACHE, 'generators')));
  const built = results.filter((r): r is Extract<GeneratorResult, { seconds: number }> => 'seconds' in r);
  if (built.length < results.length) return results.find((r) => 'skipped' in r)!;
  const fastest = [...built].sort((a, b) => a.seconds - b.seconds)[0]!;
  return { ...fastest, ...leastCpu(built), peakRssMB: Math.max(...built.map((r) => r.peakRssMB ?? 0)) || undefined } as GeneratorResult;
}

function leastCpu(runs: readonly Usage[]): Usage {
  const cpu = runs.flatMap((r) => (r.cpuSeconds === undefined ? [] : [r.cpuSeconds]));
  return cpu.length ? { cpuSeconds: Math.min(...cpu) } : {};
}

/** A corpus's cold builds as the tables give them: see BIG. */
function summary(builds: readonly TimedBuild[]): Pick<Row, 'coldSeconds' | 'buildSeconds' | 'cpuSeconds' | 'peakRssMB'> {
  const coldSeconds = builds.map((b) => b.seconds);
  return { coldSeconds, buildSeconds: Math.min(...coldSeconds), ...leastCpu(builds), peakRssMB: Math.max(...builds.map((b) => b.peakRssMB ?? 0)) || undefined };
}

/** The queries: for real text, a name of middling frequency, and a rarer name with a common word. */
function queriesFor(corpus: Corpus): [string, string] {
  return corpus.kind === 'synthetic' ? [syntheticName(40), `${syntheticName(700)} 補助`] : ['習近平', '台積電 美國'];
}

function newRow(corpus: Corpus): Row {
  return {
    corpus,
    corpusMB: folderStats(corpus.dir).bytes / 1e6,
    buildSeconds: NaN,
    coldSeconds: [],
    corpusReadSeconds: NaN,
    settings: {},
    report: {},
    generators: [],
    outputFiles: 0,
    outputMB: 0,
  };
}

/**
 * Everything measured on one corpus, filled into `row` as it goes (a run stopped halfway prints what it
 * holds by then); what fails is kept in `error` and the rest of the run goes on.
 */
async function measure(row: Row, browserHere: boolean, cold?: Awaited<ReturnType<typeof coldBuilds>>): Promise<void> {
  const { corpus } = row;
  const runs = corpus.posts > BIG ? 1 : coldRuns;
  try {
    console.log(`${corpus.label} ${corpus.posts}: cold builds (${runs})…`);
    const built = cold ?? (await coldBuilds(targetOf(corpus, nameOf(corpus)), runs));
    // The rebuilds run with the settings the cold build needed.
    const target = { ...targetOf(corpus, nameOf(corpus)), env: built.settings };
    row.settings = built.settings;
    if (built.failedAtDefault) row.failedAtDefault = built.failedAtDefault;
    Object.assign(row, summary(built.builds));
    row.corpusReadSeconds = built.builds[0]!.readSeconds;
    row.report = readReport(target.outDir);
    const output = folderStats(target.outDir);
    row.outputFiles = output.files;
    row.outputMB = output.bytes / 1e6;
    row.firstLoadGzipKB = firstLoadBytes(target.outDir) / 1024;
    row.filterMs = filterLatency(target.outDir);
    console.log(`${corpus.label} ${corpus.posts}: built in ${f(row.buildSeconds)} s; Hugo on the same posts…`);
    row.generators = [generatorBuild('hugo', corpus, runs)];
    const changes = changeFolder(corpus.dir);
    // Above BIG a rebuild takes a while on this machine: the one edit the targets name.
    const kinds: readonly Change[] = corpus.posts > BIG ? ['edit'] : ALL_CHANGES;
    console.log(`${corpus.label} ${corpus.posts}: one-shot rebuilds (${kinds.join(', ')})…`);
    row.rebuilds = await oneShotRebuilds(target, changes, kinds);
    console.log(`${corpus.label} ${corpus.posts}: the same under npm run build -- --watch…`);
    row.watch = await watchRebuilds(target, changes, kinds);
    if (browserHere) {
      console.log(`${corpus.label} ${corpus.posts}: Chromium (first rows, filters, scrolling, search, Lighthouse)…`);
      row.browser = await browserMetrics(target.outDir);
      if (row.report.search) row.queries = await searchMetrics(target.outDir, queriesFor(corpus));
      row.lighthouse = await lighthouseMetrics(target.outDir);
    }
  } catch (error) {
    row.error = message(error);
    console.log(`${corpus.label} ${corpus.posts}: stopped: ${row.error}`);
  }
}

// The real posts and as many real-shaped ones first (both quick to make); larger corpora just before their
// turn, so that a run stopped early has not made them for nothing.
const realSpec = specs.find((spec) => spec.kind === 'real');
const real = realSpec ? await prepareCorpus(realSpec, corpusDir, CACHE) : undefined;
const twin = real ? await prepareCorpus({ kind: 'real-shaped', posts: real.posts }, corpusDir, CACHE) : undefined;
const browserAt = Number(
  option('browser-at') ??
    (specs.some((c) => c.kind === 'real-shaped' && c.posts === 64_000) ? 64_000 : Math.max(...specs.map((c) => c.posts ?? real?.posts ?? 0))),
);
const browserSpec = withBrowser
  ? (specs.find((c) => c.kind === 'real-shaped' && c.posts === browserAt) ?? specs.find((c) => (c.posts ?? real?.posts) === browserAt))
  : undefined;

const rows: Row[] = [];
const resultsFile = join(ROOT, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
/** Set once the fixed cost is measured: the tables can be printed from then on. */
let measuredFixed = false;
/** Written after each corpus: a run stopped before its end keeps what it measured. */
const saveResults = () => {
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  writeFileSync(
    resultsFile,
    JSON.stringify(
      { machine: { cpus: availableParallelism(), node: process.version }, fixed: { ...fixedSummary, runs: fixed.builds }, twin: twinRow, rows },
      null,
      2,
    ),
  );
};
// Stopped (Ctrl-C, or kill with its pid): the tables of what was measured, then the builds under way ended.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (measuredFixed) {
      console.log(`\n${signal}: the run stops here; what it measured so far:`);
      printTables();
      saveResults();
      console.log(`written: ${resultsFile}`);
    }
    void stopBuilds().then(() => process.exit(130));
  });
}

// The fixed cost: the 24 demo posts of posts/, what every build pays whatever its size.
console.log(`fixed cost: npm run build of the demo posts (${coldRuns})…`);
const demo: Corpus = { kind: 'real', dir: join(ROOT, 'posts'), posts: folderStats(join(ROOT, 'posts')).files, label: 'demo' };
const fixed = await coldBuilds(targetOf(demo, 'demo'), coldRuns);
const fixedSummary = summary(fixed.builds);
const fixedSeconds = fixedSummary.buildSeconds;
const fixedCpu = fixedSummary.cpuSeconds ?? NaN;
measuredFixed = true;

/**
 * Real posts against as many real-shaped ones, cold builds taken in turns (real, shaped, real, …) so
 * that the machine's load falls on both alike.
 */
let twinRow: Row | undefined;
let realCold: Awaited<ReturnType<typeof coldBuilds>> | undefined;
if (real && twin) {
  console.log(`per-post cost: ${real.posts} real posts and ${twin.posts} real-shaped ones, cold builds in turns (${coldRuns} each)…`);
  realCold = { builds: [], settings: {} };
  const twinCold: typeof realCold = { builds: [], settings: {} };
  for (let run = 0; run < coldRuns; run++) {
    realCold.builds.push(...(await coldBuilds(targetOf(real, nameOf(real)), 1)).builds);
    twinCold.builds.push(...(await coldBuilds(targetOf(twin, nameOf(twin)), 1)).builds);
  }
  twinRow = {
    corpus: twin,
    corpusMB: folderStats(twin.dir).bytes / 1e6,
    ...summary(twinCold.builds),
    corpusReadSeconds: twinCold.builds[0]!.readSeconds,
    settings: {},
    report: readReport(targetOf(twin, nameOf(twin)).outDir),
    generators: [generatorBuild('hugo', twin, coldRuns)],
    outputFiles: 0,
    outputMB: 0,
  };
}

for (const spec of specs) {
  const corpus = spec === realSpec ? real! : await prepareCorpus(spec, corpusDir, CACHE);
  const row = newRow(corpus);
  rows.push(row);
  await measure(row, spec === browserSpec, corpus === real ? realCold : undefined);
  saveResults();
  const hugo = row.generators.find((g): g is Extract<GeneratorResult, { seconds: number }> => 'seconds' in g);
  console.log(
    `=> ${corpus.label} ${corpus.posts}: cna-reader ${f(row.buildSeconds)} s (CPU ${f(row.cpuSeconds)} s, ${f(row.peakRssMB, 0)} MB), Hugo ${f(hugo?.seconds)} s (CPU ${f(hugo?.cpuSeconds)} s), ratio ${f(hugo && row.buildSeconds / hugo.seconds, 2)}; one edit ${f(row.rebuilds?.edit?.seconds, 2)} s, watching ${f(row.watch?.editSeconds, 2)} s`,
  );
  // The rebuilds change the posts and put them back: a corpus left changed would skew every later run.
  const files = folderStats(corpus.dir).files - 1; // less the .complete marker
  if (files !== corpus.posts) console.warn(`warning: ${corpus.dir} holds ${files} files after the run, not ${corpus.posts}: remove it to have it made again`);
}

function printTables(): void {
  const netMsPerPost = (r: Row) => ((r.buildSeconds - fixedSeconds) / r.corpus.posts) * 1000;
  const netCpuMsPerPost = (r: Row) => (((r.cpuSeconds ?? NaN) - fixedCpu) / r.corpus.posts) * 1000;
  const generator = (r: Row, tool: GeneratorName) => r.generators.find((g) => g.tool === tool);
  const built = (g: GeneratorResult | undefined) => (g && 'seconds' in g ? g : undefined);
  const notes = new Set<string>();
  for (const r of [...rows, ...(twinRow ? [twinRow] : [])]) {
    for (const g of r.generators) notes.add('skipped' in g ? `${g.tool}: ${g.skipped}` : `${g.tool}: ${g.version}`);
    // A tool that left posts out (future dates, bad front matter) had less to do.
    for (const g of r.generators)
      if ('pagesWritten' in g) notes.add(`${g.tool} wrote ${g.pagesWritten} pages for the ${r.corpus.posts} ${r.corpus.label} posts`);
  }

  console.log(
    `\n## cna-reader against Hugo, same posts, same run (${new Date().toISOString().slice(0, 16)} UTC, ${availableParallelism()} cores, Node ${process.version})`,
  );
  console.log(
    `Cold builds, posts in the page cache: \`npm run build\` for cna-reader, the tool's own command for the others; the fastest of ${coldRuns} up to ${BIG / 1000}k posts, one above. CPU = user + system seconds. Ratios > 1: cna-reader is slower.`,
  );
  console.log(
    '| corpus | posts | MB | cna-reader s | CPU s | peak RSS MB | Hugo s | CPU s | RSS MB | cna-reader / Hugo | same, CPU | ms per post, net of fixed cost | one edit: npm run build s | one edit: watching s |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const hugo = built(generator(r, 'hugo'));
    const mark = r.failedAtDefault ? ' †' : '';
    console.log(
      `| ${r.corpus.label}${mark} | ${r.corpus.posts} | ${f(r.corpusMB)} | ${f(r.buildSeconds)} | ${f(r.cpuSeconds)} | ${f(r.peakRssMB, 0)} | ${f(hugo?.seconds)} | ${f(hugo?.cpuSeconds)} | ${f(hugo?.peakRssMB, 0)} | ${f(hugo && r.buildSeconds / hugo.seconds, 2)} | ${f(hugo?.cpuSeconds && (r.cpuSeconds ?? NaN) / hugo.cpuSeconds, 2)} | ${f(netMsPerPost(r), 2)} | ${f(r.rebuilds?.edit?.seconds, 2)} | ${f(r.watch?.editSeconds, 2)} |`,
    );
  }
  for (const r of rows) {
    if (r.failedAtDefault)
      console.log(
        `† ${r.corpus.label} ${r.corpus.posts}: the build failed at default settings (${r.failedAtDefault}); measured with ${JSON.stringify(r.settings)}`,
      );
    if (r.error) console.log(`! ${r.corpus.label} ${r.corpus.posts}: measurements stopped: ${r.error}`);
  }
  console.log(
    `\nFixed cost: npm run build of the ${demo.posts} demo posts, cold: ${f(fixedSeconds, 2)} s, ${f(fixedCpu, 2)} CPU s (runs: ${fixed.builds.map((b) => f(b.seconds, 2)).join(' / ')} s), peak RSS ${f(fixedSummary.peakRssMB, 0)} MB`,
  );

  const realRow = rows.find((r) => r.corpus === real);
  if (realRow && twinRow && !realRow.error) {
    const cpuRatio = netCpuMsPerPost(twinRow) / netCpuMsPerPost(realRow);
    const wallRatio = netMsPerPost(twinRow) / netMsPerPost(realRow);
    const hugoRatio = (built(generator(twinRow, 'hugo'))?.cpuSeconds ?? NaN) / (built(generator(realRow, 'hugo'))?.cpuSeconds ?? NaN);
    console.log(`\nPer-post cost at equal count, real against real-shaped posts (cold builds in turns; net of the fixed cost):`);
    console.log('| posts | build s (runs) | CPU s | ms per post | CPU ms per post | Hugo s | Hugo CPU s |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of [realRow, twinRow]) {
      const hugo = built(generator(r, 'hugo'));
      console.log(
        `| ${r.corpus.posts} ${r.corpus.label} | ${f(r.buildSeconds)} (${r.coldSeconds.map((s) => f(s)).join(' / ')}) | ${f(r.cpuSeconds)} | ${f(netMsPerPost(r), 2)} | ${f(netCpuMsPerPost(r), 2)} | ${f(hugo?.seconds, 2)} | ${f(hugo?.cpuSeconds, 2)} |`,
      );
    }
    const agree = (ratio: number) => (Math.abs(ratio - 1) <= SHAPE_TOLERANCE ? 'within' : 'NOT within');
    console.log(
      `real-shaped / real per-post cost: CPU ${f(cpuRatio, 3)} (${agree(cpuRatio)} ${SHAPE_TOLERANCE * 100} %), wall ${f(wallRatio, 3)} (${agree(wallRatio)}); Hugo's CPU: ${f(hugoRatio, 3)}`,
    );
  }

  // The targets of issue 22 against this run.
  const shaped = (posts: number) => rows.find((r) => r.corpus.kind === 'real-shaped' && r.corpus.posts === posts);
  const vsHugo = (r: Row | undefined) => (r ? r.buildSeconds / (built(generator(r, 'hugo'))?.seconds ?? NaN) : NaN);
  const biggest = rows.filter((r) => r.corpus.kind === 'real-shaped').sort((a, b) => b.corpus.posts - a.corpus.posts)[0];
  const verdict = (value: number, limit: number) => (Number.isNaN(value) ? '–' : value <= limit ? 'met' : 'missed');
  const targets: [string, string, number, number, number][] = [
    [`${real?.posts ?? '–'} real posts`, `≤ ${TARGET.realVsHugo}× Hugo`, vsHugo(realRow), TARGET.realVsHugo, 2],
    ['64k real-shaped posts', `≤ ${TARGET.shapedVsHugo}× Hugo`, vsHugo(shaped(64_000)), TARGET.shapedVsHugo, 2],
    [`${biggest?.corpus.posts ?? '–'} real-shaped posts: build`, `≤ ${TARGET.bigSeconds} s`, biggest?.buildSeconds ?? NaN, TARGET.bigSeconds, 1],
    [
      `${biggest?.corpus.posts ?? '–'} real-shaped posts: peak RSS GB`,
      `≤ ${TARGET.bigRssGB} GB`,
      ((biggest?.peakRssMB ?? NaN) * 1048576) / 1e9,
      TARGET.bigRssGB,
      2,
    ],
    ['fixed cost (demo posts)', `≤ ${TARGET.fixedSeconds} s`, fixedSeconds, TARGET.fixedSeconds, 2],
    [
      `rebuild after one edit at ${biggest?.corpus.posts ?? '–'}: npm run build`,
      `≤ ${TARGET.editOneShot} s`,
      biggest?.rebuilds?.edit?.seconds ?? NaN,
      TARGET.editOneShot,
      2,
    ],
    [
      `rebuild after one edit at ${biggest?.corpus.posts ?? '–'}: watching`,
      `≤ ${TARGET.editWatching} s`,
      biggest?.watch?.editSeconds ?? NaN,
      TARGET.editWatching,
      2,
    ],
  ];
  console.log('\nTargets (issue 22)');
  console.log('| measure | target | this run | |');
  console.log('|---|---|---|---|');
  for (const [name, target, value, limit, digits] of targets) console.log(`| ${name} | ${target} | ${f(value, digits)} | ${verdict(value, limit)} |`);

  console.log(
    "\nRebuilds over a cold build's output and cache (s): one post added after the newest, one edited, a day's fetch (posts moved to archived/ + as many added)",
  );
  console.log(
    '| corpus | posts | npm run build: add / edit / day | watching: first build / edit / add / day | day posts | posts indexed | files not indexed |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const o = r.rebuilds;
    const w = r.watch;
    console.log(
      `| ${r.corpus.label} | ${r.corpus.posts} | ${f(o?.add?.seconds, 2)} / ${f(o?.edit?.seconds, 2)} / ${f(o?.day?.seconds, 2)} | ${f(w?.startSeconds, 1)} / ${f(w?.editSeconds, 2)} / ${f(w?.addSeconds, 2)} / ${f(w?.daySeconds, 2)} | ${o?.day?.posts ?? '–'} | ${r.report.postsIndexed ?? '–'} | ${r.report.filesNotIndexed ?? '–'} |`,
    );
  }
  console.log('\nWhat a one-shot rebuild writes in the site (what a deploy uploads): files new or written again, their MB, files removed');
  console.log("| corpus | posts | out files | out MB | add one post | edit one post | a day's fetch |");
  console.log('|---|---|---|---|---|---|---|');
  const changes = (c: { files: number; MB: number; removed: number } | undefined) => (c ? `${c.files} / ${f(c.MB, 2)} / ${c.removed}` : '–');
  for (const r of rows)
    console.log(
      `| ${r.corpus.label} | ${r.corpus.posts} | ${r.outputFiles} | ${f(r.outputMB)} | ${changes(r.rebuilds?.add?.changed)} | ${changes(r.rebuilds?.edit?.changed)} | ${changes(r.rebuilds?.day?.changed)} |`,
    );

  console.log(
    '\nWhere the (last) cold build spent its time (s, phases of its report; the rest is starting up and bundling the app), and reading the posts into the page cache before it (not in its time)',
  );
  for (const r of [...rows, ...(twinRow ? [twinRow] : [])]) {
    const runs = r.coldSeconds.length > 1 ? `; cold builds ${r.coldSeconds.map((s) => f(s)).join(' / ')} s` : '';
    console.log(
      `- ${r.corpus.label} ${r.corpus.posts}: ${(r.report.phases ?? []).map(([name, s]) => `${name} ${f(s)}`).join(', ') || '–'}; read ${f(r.corpusReadSeconds)} s${runs}`,
    );
  }

  const browserRow = rows.find((r) => r.browser);
  if (browserRow) {
    const b = browserRow.browser!;
    console.log(`\nBrowser, on the ${browserRow.corpus.label} ${browserRow.corpus.posts} site (vite preview, headless Chromium)`);
    console.log(
      '| first load KB gz | filter ms (7 days / tag / tag+range) | first rows ms | tag filter ms (at once / settled / hovered) | long tasks scrolling (longest ms) | heap MB |',
    );
    console.log('|---|---|---|---|---|---|');
    const fl = browserRow.filterMs;
    console.log(
      `| ${f(browserRow.firstLoadGzipKB)} | ${f(fl?.sevenDays, 2)} / ${f(fl?.tag, 2)} / ${f(fl?.tagAndRange, 2)} | ${f(b.firstRowsMs, 0)} | ${f(b.tagFilterMs, 0)} / ${f(b.tagFilterSettledMs, 0)} / ${f(b.tagFilterHoveredMs, 0)} | ${b.longTasksWhileScrolling} (${f(b.longestTaskMs, 0)}) | ${f(b.heapMB)} |`,
    );
    const s = browserRow.report.search;
    if (s && browserRow.queries?.length) {
      const searchDir = join(targetOf(browserRow.corpus, nameOf(browserRow.corpus)).outDir, 'data', 'search');
      const gzipKB = (path: string) => (existsSync(path) ? gzipSync(readFileSync(path)).length / 1024 : undefined);
      const metaKB = gzipKB(join(searchDir, 'meta.json'));
      // A cold query fetches meta.json and a directory page per token besides the shards (search-directory.ts).
      const pages = existsSync(join(searchDir, 'dir')) ? readdirSync(join(searchDir, 'dir')) : [];
      const pageKB = pages.reduce((sum, name) => sum + gzipKB(join(searchDir, 'dir', name))!, 0) / Math.max(1, pages.length);
      console.log(
        `\nSearch: ${s.tokens ?? '–'} tokens in ${s.shards ?? '–'} shards + ${s.pieces ?? 0} pieces, ${f((s.bytes ?? NaN) / 1e6)} MB, built in ${f((s.addSeconds ?? NaN) + (s.writeSeconds ?? NaN))} s, meta ${f(metaKB)} KB gz, ${pages.length} directory pages of ${f(pageKB)} KB gz (cold: a fresh page; warm: the same query again after another)`,
      );
      console.log('| query | kind | results | ms to rows | search ms | main-thread ms | files | KB gz fetched | heap MB |');
      console.log('|---|---|---|---|---|---|---|---|---|');
      for (const q of browserRow.queries)
        console.log(
          `| ${q.query} | ${q.kind} | ${q.results} | ${f(q.ms, 0)} | ${f(q.engineMs, 1)} | ${f(q.mainThreadMs, 0)} | ${q.files} | ${f(q.gzipKB)} | ${f(q.heapMB)} |`,
        );
    }
    if (browserRow.lighthouse?.length) {
      console.log('\nLighthouse 12, performance, default mobile profile (simulated slow 4G, 4× CPU slowdown)');
      console.log('| page | score | LCP ms | CLS | TBT ms | FCP ms | transfer KB |');
      console.log('|---|---|---|---|---|---|---|');
      for (const l of browserRow.lighthouse)
        console.log(`| ${l.page} | ${l.performance} | ${f(l.lcpMs, 0)} | ${f(l.cls, 3)} | ${f(l.tbtMs, 0)} | ${f(l.fcpMs, 0)} | ${f(l.transferKB)} |`);
    }
  } else {
    notes.add(
      withBrowser
        ? `browser metrics: no corpus of ${browserAt} posts in --sizes (--browser-at N)`
        : 'browser metrics: skipped (no /usr/bin/chromium, or --no-browser)',
    );
  }
  console.log(`\n${[...notes].join('\n')}`);
}

printTables();
saveResults();
console.log(`written: ${resultsFile}`);

// Jekyll last and once (minutes per 5k posts on this machine): the run's tables are out before it starts.
const jekyllRows = rows.filter((r) => r.corpus.posts <= jekyllMax && !r.error);
for (const r of jekyllRows) {
  console.log(`${r.corpus.label} ${r.corpus.posts}: Jekyll on the same posts…`);
  r.generators.push(generatorBuild('jekyll', r.corpus, 1));
  saveResults();
}
if (jekyllRows.length) {
  console.log('\nJekyll on the same posts (once, after the rest)');
  console.log('| corpus | posts | cna-reader s | Jekyll s | CPU s | RSS MB | pages | cna-reader / Jekyll |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of jekyllRows) {
    const j = r.generators.find((g) => g.tool === 'jekyll')!;
    if ('skipped' in j) console.log(`| ${r.corpus.label} | ${r.corpus.posts} | ${f(r.buildSeconds)} | ${j.skipped} | | | | |`);
    else
      console.log(
        `| ${r.corpus.label} | ${r.corpus.posts} | ${f(r.buildSeconds)} | ${f(j.seconds)} | ${f(j.cpuSeconds)} | ${f(j.peakRssMB, 0)} | ${j.pagesWritten} | ${f(r.buildSeconds / j.seconds, 2)} |`,
      );
  }
  console.log(`written: ${resultsFile}`);
}
