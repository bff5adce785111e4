/**
 * One build of a site's data: posts folder → `<outDir>/data/` and the build's report. Owns the whole
 * protocol (read and plan → write → prune the cache → close), whoever calls it: the Vite plugin, the
 * dev server, the tests and the tools.
 */
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IngestReport } from '../shared/types.ts';
import { ingestOver, type IngestOptions } from './ingest.ts';
import { openBuildCache, type BuildCache, type BuildMemory } from './incremental/build-cache.ts';
import { lockBuildCache } from './incremental/cache-lock.ts';
import { importedCodeFingerprint } from './incremental/code-version.ts';
import { isMissingEntryError } from './incremental/post-store.ts';
import { writeExtras } from './output/write-extras.ts';
import type { OutputBuilds, WrittenBuckets } from './output/extras-bucket-cache.ts';
import { writeIndex } from './output/write-index.ts';
import { forgetOutputOfOtherMode, type DataCompression } from './output/data-file.ts';
import { collectGarbage, isLargeBuild } from './collect-garbage.ts';
import { packageLock, toolCacheDir } from './tool-cache.ts';
import { bundledWorker } from './workers/worker-bundle.ts';
import { WorkerPool } from './workers/worker-pool.ts';

export interface BuildSiteOptions extends Omit<IngestOptions, 'cache' | 'store' | 'pool' | 'keepStale' | 'codeVersion'> {
  /** The site's output folder: its `data/` is written over, the rest left to the caller. */
  outDir: string;
  /** The build cache: parsed posts, what the last build saw and wrote. */
  cacheDir: string;
  /**
   * Worker threads that parse posts and write their files: a number (0: everything on this thread),
   * started and closed by this build, or a pool the caller keeps between builds (a build that stays up):
   * its threads are ended at each build's end, and started again by the next.
   * @default the number of cores
   */
  workers?: number | WorkerPool;
  /**
   * The Vite plugin's bundle: awaited after the posts are read and planned, before anything is written,
   * so that the bundler's memory and the writing's do not peak together. A small archive (at most
   * INLINE_AT_MOST posts) is written meanwhile, and awaits it at the end. Should it reject, the build
   * fails with its error (and a large archive's data is not written). @default nothing to wait for
   */
  writeAfter?: Promise<unknown>;
  /** The span of the search index's tail and the size of its shards (see writeIndex): tests make them small. */
  tailRows?: number;
  searchShardBytes?: number;
  /** What this process remembers of its last build (a build that stays up: see BuildMemory). */
  memory?: BuildMemory;
  /** How the data files are written: plain, or gzip-compressed (see data-file.ts). @default 'none' */
  compression?: DataCompression;
}

/** The indexer's own folder and the contract's: the code a build runs. */
const INDEXER_DIR = new URL('.', import.meta.url);
const WORKER_SOURCE_DIRS = ['./', '../shared/'];
/** The modules whose output the post store keeps: their imports make the store's code version. */
const PARSER_ENTRIES = ['parse/parse-post.ts', 'parse/post-digest.ts'].map((entry) => fileURLToPath(new URL(entry, INDEXER_DIR)));

/** Builds the site's data; returns the report, with what was written. */
export async function buildSite(options: BuildSiteOptions): Promise<IngestReport> {
  const { outDir, cacheDir, workers = availableParallelism(), writeAfter, tailRows, searchShardBytes, memory, compression = 'none', ...ingest } = options;
  const dataRoot = join(outDir, 'data');
  await forgetOutputOfOtherMode(dataRoot, compression);
  const unlock = await lockBuildCache(cacheDir);
  const cache = openBuildCache(cacheDir, memory);
  // One state per output folder: building into another folder does not spoil this one's.
  const output = cache.output(dataRoot);
  const [codeVersion, pool] = await Promise.all([
    importedCodeFingerprint(PARSER_ENTRIES, packageLock()),
    typeof workers === 'number' ? startWorkers(workers) : workers,
  ]);
  const store = cache.posts;
  let storeKeys: string[] | undefined;
  let closing: Promise<void> | undefined;
  let reopened: BuildCache | undefined;
  let notPruned: string | undefined;
  // The last build's entries no longer used go once the index is written (see IngestOptions.keepStale).
  // A failed prune leaves the last committed cache, so it is reported, not fatal: the output is written.
  const closeCache = () =>
    (closing ??= (async () => {
      try {
        if (storeKeys) await cache.prune(storeKeys);
      } catch (error) {
        notPruned = error instanceof Error ? error.message : String(error);
      }
      await cache.close();
    })());
  try {
    const built = await ingestOver({ ...ingest, cache, codeVersion, keepStale: true, ...(pool ? { pool } : {}) }, output);
    storeKeys = built.storeKeys;
    // Its few files written while the bundler works: off the critical path of a small build (~0.2 s of 24 posts).
    const small = !isLargeBuild(built.postCount);
    if (!small) await writeAfter;
    // Feeds, the same story across outlets and further reading, from the index's small files; the
    // story prints the workers made are read from the store.
    const keys = built.kind === 'fresh' ? built.rows.map((row) => row.key) : built.patch.keys;
    let extras: IngestReport['extras'];
    const writeExtrasBeside = async (writtenBuckets: WrittenBuckets, free: WorkerPool | undefined, outputBuilds: OutputBuilds) => {
      const written = await writeExtras({
        dataRoot: output.dataRoot,
        cacheDir,
        prints: { keys, store: reopened?.posts ?? store },
        writtenBuckets,
        output: outputBuilds,
        ...(free ? { pool: free } : {}),
      });
      extras = written.extras;
      if (!small) collectGarbage({ compact: built.kind === 'fresh' || extrasReadMostBuckets(extras, built.manifest.postBuckets) });
      // The bucket cache's id goes to the output's record, not the report.
      return written.bucketCache;
    };
    // Once the workers are done with the cache: closed, its map let go, and opened afresh (see WriteIndexOptions.reopenCache).
    const reopenCache = async () => {
      await closeCache();
      reopened = openBuildCache(cacheDir, memory);
      return reopened.output(output.dataRoot, output);
    };
    // Written straight to disk rather than through the bundle: at 200k posts, emitting every file as a
    // bundle asset would hold all of them in the bundler's memory twice.
    const written = await writeIndex(built, {
      dataRoot: output.dataRoot,
      output,
      store,
      ...(pool ? { pool } : {}),
      ...(tailRows ? { tailRows } : {}),
      ...(searchShardBytes ? { searchShardBytes } : {}),
      compression,
      besideSearch: writeExtrasBeside,
      reopenCache,
    });
    const report = built.report;
    report.extras = extras;
    report.search = written.search;
    report.phases = [...(report.phases ?? []), ...written.phases];
    report.phaseMemory = [...(report.phaseMemory ?? []), ...written.phaseMemory];
    report.output = { written: written.written, unchanged: written.unchanged, removed: written.removed };
    await closeCache();
    if (cache.discarded || notPruned) report.cache = { ...(cache.discarded ? { discarded: cache.discarded } : {}), ...(notPruned ? { notPruned } : {}) };
    if (small) await writeAfter;
    return report;
  } catch (error) {
    // The record names an entry the store lost: the next build checks every file again. After any
    // other failure the record stands (it names entries the store still has).
    if (isMissingEntryError(error)) await (reopened ?? cache).forgetFiles();
    throw error;
  } finally {
    // First, so that no task of a failed phase still runs: the build's own pool closed, a caller's
    // threads ended (what they hold, their openings of the cache with it), started again by its next build.
    if (pool && pool !== workers) await pool.close();
    else await pool?.recycle();
    await closeCache();
    await reopened?.close();
    await unlock();
  }
}

/**
 * Whether the extras ran cold, taking most post buckets afresh, read or reported by their writers (a first
 * build's, or a patched build's whose extras cache was gone): then they leave a peak's spread-out pages,
 * worth a compaction. A rebuild's usual extras take a few and leave garbage, for a plain collection.
 */
export function extrasReadMostBuckets(extras: IngestReport['extras'], postBuckets: number): boolean {
  const taken = (extras?.sameStory?.bucketsRead ?? 0) + (extras?.sameStory?.bucketsReported ?? 0);
  return taken * 2 > postBuckets;
}

/**
 * The build's worker threads (none for 0), running the worker bundled for the current sources: bundled
 * and started when first asked for work (a small archive never is).
 */
export async function startWorkers(size: number): Promise<WorkerPool | undefined> {
  if (size <= 0) return undefined;
  return WorkerPool.start(size, () => bundledWorker(toolCacheDir(dirname(packageLock())), WORKER_SOURCE_DIRS.map(sourceDir), packageLock()));
}

function sourceDir(folder: string): string {
  return fileURLToPath(new URL(folder, INDEXER_DIR)).replace(/\/$/, '');
}
