/**
 * The Vite plugin: a thin shell around ingestOver() and writeIndex().
 *   vite build  → writes dist/data/** (the index), dist/ingest-report.json, dist/404.html; prints a summary.
 *   vite build --watch → the same, then stays up: a post added, edited or removed is written over the
 *                 output within the second, the build knowing from its watch which files changed.
 *   vite dev    → serves the same files at <base>data/, built as vite build --watch builds them, into
 *                 an output folder of its own in the build cache.
 *
 * Builds keep `dist/data/` between builds (Vite empties the rest of the output folder as usual), so that
 * a rebuild writes only the files that changed: see write-index.ts.
 */
import { createHash } from 'node:crypto';
import { copyFile, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import type { Plugin, ResolvedConfig, ViteDevServer } from 'vite';
import type { IngestReport } from '../../shared/types.ts';
import type { BuiltIndex } from '../plan/build-index.ts';
import { DEFAULT_TIME_ZONE, ingestOver, type IngestOptions, type LastBuild } from '../ingest.ts';
import { watchPostFiles, type WatchedPostFiles } from '../incremental/known-files.ts';
import { removeDeadStates } from '../incremental/last-build.ts';
import type { PatchedIndex } from '../incremental/patch-plan.ts';
import { diskStore, isMissingEntryError, sourceFingerprint, type PostStore } from '../incremental/post-store.ts';
import { formatReportSummary } from '../plan/report.ts';
import { forgetSeenFiles } from '../incremental/seen-files.ts';
import { LOCAL_ASSET_PATH } from '../parse/urls.ts';
import { bundledWorker } from '../workers/worker-bundle.ts';
import { WorkerPool } from '../workers/worker-pool.ts';
import { writeIndex } from '../output/write-index.ts';
import { writeExtras } from '../output/write-extras.ts';

export interface CnaReaderIndexOptions {
  /** Folder of posts, relative to the project root. @default process.env.POSTS_DIR ?? 'posts' */
  postsDir?: string;
  /** IANA time zone of the archive. @default process.env.ARCHIVE_TIME_ZONE ?? 'Asia/Taipei' */
  timeZone?: string;
  /** Fail the build when any file is reported (errors or warnings). @default process.env.CNA_READER_STRICT === '1' */
  strict?: boolean;
  /**
   * Folder of the build cache (parsed posts, keyed by content and parser version): rebuilds parse only
   * new and edited posts. @default process.env.CNA_READER_CACHE_DIR ?? '.cache/ingest'
   */
  cacheDir?: string;
  /**
   * Worker threads that parse posts and write their files; 0 does everything on the main thread.
   * @default process.env.CNA_READER_WORKERS ?? the number of cores
   */
  workers?: number;
}

/** Project folders that builds and benches write (relative paths): the build cache, bench results, built sites. */
const GENERATED = /^(?:\.cache|bench-results|dist[^/]*)(?:\/|$)/;

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}${sep}`);
}

export const REPORT_FILE = 'ingest-report.json';
export const DATA_DIR = 'data';

export function cnaReaderIndex(options: CnaReaderIndexOptions = {}): Plugin {
  let config: ResolvedConfig;
  let postsDir: string;
  const timeZone = options.timeZone ?? process.env['ARCHIVE_TIME_ZONE'] ?? DEFAULT_TIME_ZONE;
  const strict = options.strict ?? process.env['CNA_READER_STRICT'] === '1';
  const workers = options.workers ?? Number(process.env['CNA_READER_WORKERS'] ?? availableParallelism());
  /** The posts being read and planned, from buildStart on (see there). */
  let ingesting: Promise<BuiltIndex | PatchedIndex> | undefined;
  let lastBuild: LastBuild | undefined;
  let store: PostStore | undefined;
  let cacheDir: string;
  let pool: WorkerPool | undefined;
  /** Whether the output folder is to be emptied, as Vite would have decided: Vite itself is told not to. */
  let emptyOutDir: boolean | null | undefined;
  /**
   * What Vite's watcher leaves alone: the posts folder, which the dev server watches itself (see
   * watch-posts.ts), wherever it is; the build cache, the bench's corpora and outputs (over a million
   * files after `npm run bench`, which made the dev server crawl) and built sites.
   */
  const isIgnored = (path: string) => config !== undefined && (isWithin(path, postsDir) || GENERATED.test(relative(config.root, path)));
  const closePool = async () => {
    await pool?.close();
    pool = undefined;
  };
  let ingestOptions: IngestOptions;
  /** One build at a time: the bundle's (buildStart to writeBundle) or the posts' (rebuildPosts). */
  let turn: Promise<void> = Promise.resolve();
  let endTurn: () => void = () => {};
  /** Waits for the build under way to end; the caller's ends with endTurn(). */
  const takeTurn = async () => {
    const previous = turn;
    turn = new Promise((done) => (endTurn = done));
    await previous;
  };
  const strictFailure = (reported: number) => `strict mode: ${reported} reported file(s) in ${postsDir}; see ${REPORT_FILE}`;
  /** A build that stays up: what it knows of the posts folder, and its watch. */
  let watching: WatchedPostFiles | undefined;

  /** A bundle that failed: the index will not be written. */
  const abandonBuild = async () => {
    // The workers are not ended under a read still going: it is let finish.
    const built = await ingesting?.catch(() => undefined);
    ingesting = undefined;
    if (!watching) await closePool();
    // The last build's entries no longer used go now (see keepStale).
    if (built && store) await store.prune(built.storeKeys);
    store?.close();
    endTurn();
  };

  /**
   * Writes the index being built over the output folder, and its report; prints the summary. Returns
   * the number of files reported.
   */
  const writeOutput = async (building: Promise<BuiltIndex | PatchedIndex>): Promise<number> => {
    const report = await writeBuilt(building, { lastBuild: lastBuild!, store: store!, pool, cacheDir });
    await writeFile(join(resolve(config.root, config.build.outDir), REPORT_FILE), JSON.stringify(report, null, 2));
    config.logger.info(formatReportSummary(report, join(config.build.outDir, REPORT_FILE)));
    return report.problems.length;
  };

  /**
   * A build that stays up writes the posts' changes as the watch hears of them (in bursts: an editor
   * writes a file in several steps), without bundling the app again, which they do not change.
   */
  const watchPosts = () => {
    const watched = watchPostFiles(postsDir, () => void rebuildPosts());
    config.logger.info(`watching ${watched.watcher.size} folder(s) of posts in ${postsDir}`);
    return watched;
  };
  const rebuildPosts = async () => {
    await takeTurn();
    const current = watching;
    try {
      // A burst heard while the last rebuild ran may have been written by it already.
      if (!current || !lastBuild || !current.posts.hasNews) return;
      const startedAt = performance.now();
      // New folders are watched before the folder is listed: a change in one from now on is heard.
      current.watcher.refresh();
      const known = await current.posts.take();
      const reported = await writeOutput(ingestOver({ ...ingestOptions, ...(known ? { known } : {}) }, lastBuild));
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
      config.logger.info(`posts rebuilt in ${seconds} s (${known ? `${known.changed.size} file(s) changed` : 'every file checked'})`, { timestamp: true });
      if (strict && reported > 0) config.logger.error(strictFailure(reported));
    } catch (error) {
      current?.posts.forget();
      config.logger.error(`posts not rebuilt: ${error instanceof Error ? error.message : String(error)}`, { timestamp: true });
    } finally {
      current?.watcher.refresh();
      endTurn();
    }
  };

  return {
    name: 'cna-reader-index',
    config(user) {
      emptyOutDir = user.build?.emptyOutDir;
      return { build: { emptyOutDir: false }, server: { watch: { ignored: [(path: string) => isIgnored(path)] } } };
    },
    configResolved(resolved) {
      config = resolved;
      postsDir = resolve(config.root, options.postsDir ?? process.env['POSTS_DIR'] ?? 'posts');
      cacheDir = resolve(config.root, options.cacheDir ?? process.env['CNA_READER_CACHE_DIR'] ?? '.cache/ingest');
    },
    async buildStart() {
      if (config.command !== 'build') return;
      // A build that stays up takes its turn after a posts rebuild under way (see rebuildPosts).
      await takeTurn();
      const outDir = resolve(config.root, config.build.outDir);
      // Vite's default: empty the output folder when it is inside the project.
      if (emptyOutDir ?? !relative(config.root, outDir).startsWith('..')) await emptyAllBut(outDir, DATA_DIR);
      const codeVersion = await parserVersion(config.root);
      store ??= diskStore(cacheDir);
      if (workers > 0) pool ??= await startPool(config.root, cacheDir, workers);
      lastBuild = {
        dataRoot: join(outDir, DATA_DIR),
        // One state per output folder: building into another folder does not spoil this one's.
        statePath: join(cacheDir, `output-${createHash('sha1').update(outDir).digest('hex').slice(0, 12)}.state`),
      };
      removeDeadStates(cacheDir);
      ingestOptions = { postsDir, timeZone, assetBase: assetBaseOf(config), store, codeVersion, keepStale: true, ...(pool ? { pool } : {}) };
      // Watched from before the folder is read: a change made meanwhile is heard, and read next time.
      if (config.build.watch && !watching) watching = watchPosts();
      // Not awaited: the bundler makes the app on its own threads meanwhile (~0.3 s of a rebuild's wall
      // time at any size), and writeBundle waits for both.
      ingesting = ingestOver(ingestOptions, lastBuild);
      // A failure is taken up by buildEnd or writeBundle; until then it is not one nobody handles.
      ingesting.catch(() => undefined);
    },
    async buildEnd(error) {
      if (error) await abandonBuild();
    },
    // The app failed to bundle after its modules were read (buildEnd saw no error).
    renderError: () => abandonBuild(),
    async writeBundle() {
      if (!ingesting || !store || !lastBuild) return;
      const outDir = resolve(config.root, config.build.outDir);
      const reading = ingesting;
      ingesting = undefined;
      try {
        const reported = await writeOutput(reading);
        // Static hosts (GitHub Pages) answer unknown paths with 404.html: the app itself, so deep links work.
        await copyFile(join(outDir, 'index.html'), join(outDir, '404.html'));
        if (strict && reported > 0) {
          this.error(`${strictFailure(reported)} (unset CNA_READER_STRICT to build anyway)`);
        }
      } finally {
        if (!watching) await closePool();
        endTurn();
      }
    },
    closeWatcher() {
      watching?.close();
      watching = undefined;
      void closePool();
    },
    configureServer(server) {
      serveIndexInDev(server, {
        postsDir: () => postsDir,
        timeZone,
        assetBase: assetBaseOf(config),
        // A folder of its own in the build cache: its record is of the folder it serves, and a build
        // may run meanwhile.
        cacheDir: join(cacheDir, 'dev-server'),
        codeVersion: () => parserVersion(config.root),
        startPool: workers > 0 ? () => startPool(config.root, cacheDir, workers) : undefined,
      });
    },
  };
}

/** The folders whose code decides what a stored post holds: store keys take their fingerprint. */
function parserSources(root: string): string[] {
  return [join(root, 'src/indexer/parse'), join(root, 'src/shared')];
}

/** The folders the build worker imports from. */
function workerSources(root: string): string[] {
  return [join(root, 'src/indexer'), join(root, 'src/shared')];
}

/** The parser's version, as store keys take it (see sourceFingerprint). */
function parserVersion(root: string): Promise<string> {
  return sourceFingerprint(parserSources(root));
}

async function startPool(root: string, cacheDir: string, workers: number): Promise<WorkerPool> {
  return WorkerPool.start(workers, await bundledWorker(cacheDir, workerSources(root), join(root, 'package-lock.json')));
}

interface DevIndexOptions {
  postsDir: () => string;
  timeZone: string;
  assetBase: string;
  cacheDir: string;
  codeVersion: () => Promise<string>;
  startPool: (() => Promise<WorkerPool>) | undefined;
}

function serveIndexInDev(server: ViteDevServer, options: DevIndexOptions): void {
  const { timeZone, assetBase } = options;
  // Built as vite build --watch builds (a disk store, the workers, patched plans and search indexes)
  // into an output folder of its own in the build cache, and served from there: held in memory, 100k
  // posts took 2.1 GB and a minute on this thread, which served nothing meanwhile, every edit planned
  // every post again, and the first search made the whole search index (28 s at 200k posts).
  const store = diskStore(options.cacheDir);
  const lastBuild: LastBuild = { dataRoot: join(options.cacheDir, 'site', DATA_DIR), statePath: join(options.cacheDir, 'output.state') };
  let pool: Promise<WorkerPool | undefined> | undefined;
  let codeVersion: Promise<string> | undefined;
  /** The build under way or done: its report once its files are written. */
  let current: Promise<IngestReport> | undefined;
  const rebuild = () => {
    // One at a time: two builds would write the same record and output at once.
    const previous = current?.catch(() => undefined);
    return (current = (async () => {
      await previous;
      const version = await (codeVersion ??= options.codeVersion());
      const workers = await (pool ??= options.startPool?.());
      // New folders are watched before the folder is listed: a change in one from now on is heard.
      watched.watcher.refresh();
      const known = await watched.posts.take();
      try {
        const building = ingestOver({ postsDir: options.postsDir(), timeZone, assetBase, store, codeVersion: version, keepStale: true, ...(workers ? { pool: workers } : {}), ...(known ? { known } : {}) }, lastBuild);
        return await writeBuilt(building, { lastBuild, store, pool: workers, cacheDir: options.cacheDir });
      } catch (error) {
        watched.posts.forget();
        throw error;
      }
    })());
  };
  // What the watch says changed: a rebuild after an edit neither lists the folder nor stats every file
  // (see known-files.ts). Watched from before the first build reads the folder, so that a change made
  // meanwhile is heard.
  const watched = watchPostFiles(options.postsDir(), async () => {
    await rebuild().catch(() => undefined);
    watched.watcher.refresh();
    server.ws.send({ type: 'full-reload' });
  });
  // The first build checks every file: they may have changed while no server ran.
  watched.posts.forget();
  const index = () => current ?? rebuild();
  // Started with the server rather than at the first request: a large archive takes seconds.
  void index().catch(() => undefined);

  server.httpServer?.once('close', () => {
    watched.close();
    void pool?.then((started) => started?.close());
  });

  server.middlewares.use(async (request, response, next) => {
    const base = server.config.base;
    const url = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
    const isReport = url === `${base}${REPORT_FILE}`;
    if (!isReport && !url.startsWith(`${base}${DATA_DIR}/`)) return next();
    try {
      // Served once the build under way is written: never half of one build's files and half of another's.
      const report = await index();
      const file = resolve(lastBuild.dataRoot, url.slice(`${base}${DATA_DIR}/`.length));
      const body = isReport ? JSON.stringify(report, null, 2) : isWithin(file, lastBuild.dataRoot) ? await readFile(file).catch(() => undefined) : undefined;
      if (body === undefined) {
        response.statusCode = 404;
        response.end('not found');
        return;
      }
      response.setHeader('Content-Type', url.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream');
      response.setHeader('Cache-Control', 'no-store');
      response.end(body);
    } catch (error) {
      next(error);
    }
  });
}

/**
 * Writes the index being built over the last build's output (see write-index.ts), then lets go of the
 * store's entries no longer used; returns the build's report, with what was written.
 */
async function writeBuilt(building: Promise<BuiltIndex | PatchedIndex>, target: { lastBuild: LastBuild; store: PostStore; pool: WorkerPool | undefined; cacheDir: string }): Promise<IngestReport> {
  const { store, pool } = target;
  try {
    const built = await building;
    // Written straight to disk rather than through the bundle: at 200k posts, emitting every file as a
    // bundle asset would hold all of them in the bundler's memory twice.
    const written = await writeIndex(built, { ...target.lastBuild, store, ...(pool ? { pool } : {}) });
    built.report.search = written.search;
    built.report.phases = [...(built.report.phases ?? []), ...written.phases];
    built.report.output = { written: written.written, unchanged: written.unchanged, removed: written.removed };
    // Issue 25: feeds (and the other extras) from the index just written.
    built.report.extras = await writeExtras({ dataRoot: target.lastBuild.dataRoot, cacheDir: target.cacheDir });
    await store.prune(built.storeKeys);
    return built.report;
  } catch (error) {
    // The record names an entry the store lost: the next build checks every file again. After any
    // other failure the record stands (it names entries the store still has).
    if (isMissingEntryError(error)) forgetSeenFiles(target.cacheDir);
    throw error;
  } finally {
    store.close();
  }
}

/** `public/archive-assets/` as the built site serves it, under the base path. */
function assetBaseOf(config: ResolvedConfig): string {
  return `${config.base}${LOCAL_ASSET_PATH.slice(1)}`;
}

/** Empties a folder except one entry in it (the data folder, which write-index.ts keeps up to date itself). */
async function emptyAllBut(dir: string, keep: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(entries.filter((name) => name !== keep).map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
