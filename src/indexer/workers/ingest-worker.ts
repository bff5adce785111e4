/**
 * A build worker thread (see worker-pool.ts): parses files (ingestFile), indexes runs of rows and writes
 * post buckets (write-rows.ts), each task with its own disk post store over the shared cache folder;
 * writes the search index's head and ranks further reading beside the extras.
 */
import { move } from 'piscina';
import { ingestFile } from './ingest-file.ts';
import { mapInOrder } from './map-in-order.ts';
import { openCacheDb, type CacheDb } from '../incremental/cache-db.ts';
import { diskStore } from '../incremental/post-store.ts';
import { newPostScratch, type PostScratch } from '../parse/post-digest.ts';
import type { Replies, WorkerRequest } from './worker-pool.ts';
import { indexRowsToRuns, writeBuckets } from '../output/write-rows.ts';
import { writeSearchHead } from '../output/search-head.ts';
import { movedRanking, rankFurtherReadingHere } from './further-reading-task.ts';
import { collectGarbage } from '../collect-garbage.ts';

const FILES_AT_ONCE = 8;

/** What a thread keeps for its life, from task to task. */
class ThreadResources {
  /**
   * The cache's files opened once per folder: each opening keeps a reader slot in each file, and LMDB
   * has 126 (a 64k build's workers ran out of them).
   */
  private readonly cacheDbs = new Map<string, CacheDb>();
  /** The buffers of its digests. */
  readonly scratch: PostScratch = newPostScratch();

  cacheDbOf(dir: string): CacheDb {
    let db = this.cacheDbs.get(dir);
    if (!db) this.cacheDbs.set(dir, (db = openCacheDb(dir)));
    return db;
  }

  /** Closes the thread's openings of the cache (reopened at their next use): its work now reads none of it. */
  async letGoOfCache(): Promise<void> {
    await Promise.all([...this.cacheDbs.values()].map((db) => db.letGo()));
  }
}

/** This module is loaded once per thread: this is the thread's own, the one state it keeps. */
const thread = new ThreadResources();

export default async function handle(request: WorkerRequest): Promise<Replies[WorkerRequest['type']] | ReturnType<typeof move>> {
  // Neither reads the store, and each runs for seconds without a quiet point: an opening kept from the
  // phase before would hold the file's map, and keep a drop round (the extras' reads) waiting, until its end.
  if (request.type === 'search-head' || request.type === 'further-reading') await thread.letGoOfCache();
  if (request.type === 'search-head') return writeSearchHead(request);
  if (request.type === 'further-reading') {
    const ranked = rankFurtherReadingHere(request);
    // Its tables are garbage now, and this thread then idles to the build's end without a collection of
    // its own: they would stay beside the extras' peak. Only a large build ranks on a thread (further-reading-task.ts).
    collectGarbage({ compact: false });
    return movedRanking(ranked);
  }
  const store = diskStore(request.storeDir, thread.cacheDbOf(request.storeDir));
  // Closed after each task: its puts are committed before the task answers.
  try {
    switch (request.type) {
      case 'ingest':
        return await mapInOrder(request.files, FILES_AT_ONCE, async (file) => {
          if (file.path === request.crashOn) process.exit(70);
          return ingestFile(file, request.settings, request.parseOptions, store, thread.scratch);
        });
      case 'rows':
        return await indexRowsToRuns(request.tasks, store, request.runsFolder);
      case 'buckets':
        if (request.tasks.some((task) => task.file === request.crashOn) && !(request.crashInBatchOnly && request.tasks.length === 1)) process.exit(70);
        return await writeBuckets(request.tasks, store, request.dataRoot, new Set(), request.compression);
    }
  } finally {
    await store.close();
  }
}
