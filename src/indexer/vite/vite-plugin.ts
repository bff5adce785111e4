/**
 * The Vite plugin: hooks around buildSite().
 *   vite build  → writes dist/data/** (the index), dist/ingest-report.json, dist/404.html; prints a summary.
 *   vite build --watch → the same, then stays up: a post added, edited or removed is written over the
 *                 output within the second, the build knowing from its watch which files changed.
 *   vite dev    → serves the same files at <base>data/ (see dev-server.ts).
 *
 * Builds keep `dist/data/` between builds (Vite empties the rest of the output folder as usual), so that
 * a rebuild writes only the files that changed: see write-index.ts. The indexer itself is loaded when a
 * build first needs it (load-build-jobs.ts): this module stays light enough for Vite's config bundle.
 */
import { copyFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import PQueue from 'p-queue';
import type { Plugin, ResolvedConfig } from 'vite';
import type { IngestReport } from '../../shared/types.ts';
import type { BuildSiteOptions } from '../build-site.ts';
import type { WatchedPostFiles } from '../incremental/known-files.ts';
import { formatReportSummary } from '../plan/report.ts';
import { LOCAL_ASSET_PATH } from '../parse/urls.ts';
import type { BuildMemory } from '../incremental/build-cache.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import type { DataCompression } from '../output/data-file.ts';
import { loadBuildJobs, type BuildJobs } from './load-build-jobs.ts';
import { DATA_DIR, REPORT_FILE } from './site-paths.ts';

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
  /**
   * `gzip`: the data files are written gzip-compressed, for archives whose output passes a host's limit
   * (see data-file.ts and docs/publishing.md). @default process.env.CNA_READER_COMPRESS ?? 'none'
   */
  compress?: DataCompression;
}

/** Project folders that builds and benches write (relative paths): the build cache, bench results, built sites. */
const GENERATED = /^(?:\.cache|bench-results|dist[^/]*)(?:\/|$)/;

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}${sep}`);
}

/** A bundle's build: its site build, and what lets it write (the bundle written) or not (it failed). */
interface BundleBuild {
  building: Promise<IngestReport>;
  bundled: { resolve: () => void; reject: (error: unknown) => void };
  /** Ends the build's turn in the queue. */
  end: () => void;
}

export function cnaReaderIndex(options: CnaReaderIndexOptions = {}): Plugin {
  let config: ResolvedConfig;
  let postsDir: string;
  let cacheDir: string;
  // Unset: the indexer's own default (DEFAULT_TIME_ZONE in ingest.ts, which this module does not load).
  const timeZone = options.timeZone ?? process.env['ARCHIVE_TIME_ZONE'];
  const strict = options.strict ?? process.env['CNA_READER_STRICT'] === '1';
  const workers = options.workers ?? Number(process.env['CNA_READER_WORKERS'] ?? availableParallelism());
  // Checked when a build starts (dataCompressionOf), by the indexer: this module does not load it.
  const compression = options.compress ?? process.env['CNA_READER_COMPRESS'];
  /** Whether the output folder is to be emptied, as Vite would have decided: Vite itself is told not to. */
  let emptyOutDir: boolean | null | undefined;
  /**
   * One build at a time, in the order asked: the bundle's (buildStart to writeBundle) or the posts'
   * (rebuildPosts). A queue, as Astro's content layer runs its syncs: each waiter is a job of its own.
   */
  const builds = new PQueue({ concurrency: 1 });
  let bundle: BundleBuild | undefined;
  /** A build that stays up: what it knows of the posts folder, its watch, and its workers, kept between builds. */
  let watching: { posts: WatchedPostFiles; pool: Promise<WorkerPool | undefined>; memory: BuildMemory } | undefined;
  /**
   * What Vite's watcher leaves alone: the posts folder, which the plugin watches itself (see
   * watch-posts.ts), wherever it is; the build cache, the bench's corpora and outputs (over a million
   * files after `npm run bench`, which made the dev server crawl) and built sites.
   */
  const isIgnored = (path: string) => config !== undefined && (isWithin(path, postsDir) || GENERATED.test(relative(config.root, path)));
  const outDirOf = () => resolve(config.root, config.build.outDir);
  const strictFailure = (reported: number) => `strict mode: ${reported} reported file(s) in ${postsDir}; see ${REPORT_FILE}`;
  const siteOptions = async (jobs: BuildJobs): Promise<BuildSiteOptions> => ({
    postsDir,
    timeZone,
    assetBase: assetBaseOf(config),
    outDir: outDirOf(),
    cacheDir,
    workers: watching ? ((await watching.pool) ?? 0) : workers,
    compression: jobs.dataCompressionOf(compression),
    ...(watching ? { memory: watching.memory } : {}),
  });

  /** Writes the report beside the site and prints its summary; returns the number of files reported. */
  const publish = async (report: IngestReport): Promise<number> => {
    await writeFile(join(outDirOf(), REPORT_FILE), JSON.stringify(report, null, 2));
    config.logger.info(formatReportSummary(report, join(config.build.outDir, REPORT_FILE)));
    return report.problems.length;
  };

  /** A bundle that failed: the index is not written, and the next build checks every file. */
  const abandonBundle = async (error: unknown) => {
    const failed = bundle;
    bundle = undefined;
    if (failed) watching?.posts.posts.forget();
    failed?.bundled.reject(error);
    await failed?.building.catch(() => undefined);
    failed?.end();
  };

  /**
   * A build that stays up writes the posts' changes as the watch hears of them (in bursts: an editor
   * writes a file in several steps), without bundling the app again, which they do not change.
   */
  const startWatching = (jobs: BuildJobs) => {
    const posts = jobs.watchPostFiles(postsDir, () => void builds.add(rebuildPosts));
    config.logger.info(`watching ${posts.watcher.size} folder(s) of posts in ${postsDir}`);
    return { posts, pool: jobs.startWorkers(workers), memory: {} };
  };
  const rebuildPosts = async () => {
    const current = watching?.posts;
    try {
      // A burst heard while the last rebuild ran may have been written by it already.
      if (!current || !current.posts.hasNews) return;
      const startedAt = performance.now();
      const listing = await current.nextListing();
      const jobs = await loadBuildJobs();
      const reported = await publish(await jobs.buildSite({ ...(await siteOptions(jobs)), ...listing }));
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
      const checked = 'known' in listing ? `${listing.known.changed.size} file(s) changed` : 'every file checked';
      config.logger.info(`posts rebuilt in ${seconds} s (${checked})`, { timestamp: true });
      if (strict && reported > 0) config.logger.error(strictFailure(reported));
    } catch (error) {
      current?.posts.forget();
      config.logger.error(`posts not rebuilt: ${error instanceof Error ? error.message : String(error)}`, { timestamp: true });
    } finally {
      current?.watcher.refresh();
    }
  };

  return {
    name: 'cna-reader-index',
    config(user, env) {
      emptyOutDir = user.build?.emptyOutDir;
      // Loaded while Vite resolves its config and plugins, which leave this thread idle at times; a failure
      // is met again at buildStart.
      if (env.command === 'build') loadBuildJobs().catch(() => undefined);
      return { build: { emptyOutDir: false }, server: { watch: { ignored: [(path: string) => isIgnored(path)] } } };
    },
    configResolved(resolved) {
      config = resolved;
      postsDir = resolve(config.root, options.postsDir ?? process.env['POSTS_DIR'] ?? 'posts');
      cacheDir = resolve(config.root, options.cacheDir ?? process.env['CNA_READER_CACHE_DIR'] ?? '.cache/ingest');
    },
    async buildStart() {
      if (config.command !== 'build') return;
      // A build that stays up takes its turn after a posts rebuild under way.
      const end = await new Promise<() => void>((started) => void builds.add(() => new Promise<void>((ended) => started(ended))));
      const outDir = outDirOf();
      // Vite's default: empty the output folder when it is inside the project.
      if (emptyOutDir ?? !relative(config.root, outDir).startsWith('..')) await emptyAllBut(outDir, DATA_DIR);
      // Watched from before the folder is read: a change made meanwhile is heard, and read next time.
      if (config.build.watch && !watching) watching = startWatching(await loadBuildJobs());
      let bundled!: BundleBuild['bundled'];
      const written = new Promise<void>((resolve, reject) => (bundled = { resolve, reject }));
      // Rejected (a failed bundle) maybe before buildSite waits for it: handled there.
      written.catch(() => undefined);
      // Not awaited: the bundler makes the app on its own threads meanwhile, and the posts' files are
      // written once it is done (writeBundle), so that its memory and ours do not peak together.
      const watched = watching?.posts;
      const building = (async () => {
        // A build that stays up tells this build what it knows of the posts, or keeps the list it makes.
        const listing = await watched?.nextListing();
        const jobs = await loadBuildJobs();
        return jobs.buildSite({ ...(await siteOptions(jobs)), writeAfter: written, ...listing });
      })();
      // A failure is taken up by writeBundle or abandonBundle; until then it is not one nobody handles.
      building.catch(() => undefined);
      bundle = { building, bundled, end };
    },
    async buildEnd(error) {
      if (error) await abandonBundle(error);
    },
    // The app failed to bundle after its modules were read (buildEnd saw no error).
    renderError: (error) => abandonBundle(error),
    async writeBundle() {
      const current = bundle;
      bundle = undefined;
      if (!current) return;
      try {
        current.bundled.resolve();
        const reported = await publish(
          await current.building.catch((error: unknown) => {
            // The changes it took are not written: the next build checks every file.
            watching?.posts.posts.forget();
            throw error;
          }),
        );
        // Static hosts (GitHub Pages) answer unknown paths with 404.html: the app itself, so deep links work.
        await copyFile(join(outDirOf(), 'index.html'), join(outDirOf(), '404.html'));
        if (strict && reported > 0) {
          this.error(`${strictFailure(reported)} (unset CNA_READER_STRICT to build anyway)`);
        }
      } finally {
        current.end();
      }
    },
    closeWatcher() {
      const stopped = watching;
      watching = undefined;
      stopped?.posts.close();
      // After the build under way, which may be using them.
      void builds.add(async () => (await stopped?.pool)?.close());
    },
    async configureServer(server) {
      // Only a server that serves pages: Vitest's (no HTTP server) would build the posts and keep a
      // watcher and workers open that nothing closes.
      if (!server.httpServer) return;
      const { serveIndexInDev } = await loadBuildJobs();
      serveIndexInDev(server, { postsDir, timeZone, assetBase: assetBaseOf(config), cacheDir: join(cacheDir, 'dev-server'), workers });
    },
  };
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
