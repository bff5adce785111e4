/**
 * A worker thread's openings of the build cache (ingest-worker.ts): kept from task to task, and let go
 * before a task that reads none of the cache (further reading, the search head), so that a drop round
 * started meanwhile does not wait for that task's end. Run here, on this thread, through the handler.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { emptyTail } from '../../src/indexer/search/search-shards.ts';
import handle from '../../src/indexer/workers/ingest-worker.ts';
import type { WorkerRequest } from '../../src/indexer/workers/worker-pool.ts';
import { parsePostsIntoCache } from './posts-in-cache.ts';

/**
 * The files' real openings (LMDB's, as cache-map.ts counts them) opened and closed on this thread, the
 * closes counted as each task that reads none of the cache starts, and every CacheDb the handler made.
 */
const seen = vi.hoisted(() => ({ opened: 0, closed: 0, closedAtTaskStart: [] as number[], cacheDbs: [] as CacheDb[] }));

vi.mock('../../src/indexer/incremental/cache-map.ts', async (original) => {
  const actual = await original<typeof import('../../src/indexer/incremental/cache-map.ts')>();
  return {
    ...actual,
    openingOpens: () => {
      seen.opened++;
      actual.openingOpens();
    },
    openingClosed: () => {
      seen.closed++;
      actual.openingClosed();
    },
  };
});

vi.mock('../../src/indexer/incremental/cache-db.ts', async (original) => {
  const actual = await original<typeof import('../../src/indexer/incremental/cache-db.ts')>();
  return {
    ...actual,
    openCacheDb: (dir: string) => {
      const db = actual.openCacheDb(dir);
      seen.cacheDbs.push(db);
      return db;
    },
  };
});

vi.mock('../../src/indexer/workers/further-reading-task.ts', async (original) => {
  const actual = await original<typeof import('../../src/indexer/workers/further-reading-task.ts')>();
  return {
    ...actual,
    rankFurtherReadingHere: (...args: Parameters<typeof actual.rankFurtherReadingHere>) => {
      seen.closedAtTaskStart.push(seen.closed);
      return actual.rankFurtherReadingHere(...args);
    },
  };
});

vi.mock('../../src/indexer/output/search-head.ts', async (original) => {
  const actual = await original<typeof import('../../src/indexer/output/search-head.ts')>();
  return {
    ...actual,
    writeSearchHead: (...args: Parameters<typeof actual.writeSearchHead>) => {
      seen.closedAtTaskStart.push(seen.closed);
      return actual.writeSearchHead(...args);
    },
  };
});

const nothingToRank = (): WorkerRequest => ({
  type: 'further-reading',
  ids: [],
  titles: [],
  leads: { bytes: Buffer.alloc(0), ends: new Uint32Array(0) },
  links: new Uint32Array(0),
});

/** A search head of no rows, written into `dataRoot`. */
const headOfNothing = (dataRoot: string): WorkerRequest => ({
  type: 'search-head',
  runs: [],
  postCount: 0,
  shardBytes: undefined,
  tail: emptyTail(0),
  dataRoot,
  compression: 'none',
  before: [],
});

describe("a worker thread's openings of the build cache", () => {
  // Closed whatever the test found: an opening left open would hold its file into the next test.
  afterEach(async () => {
    await Promise.all(seen.cacheDbs.splice(0).map((db) => db.close()));
  });

  it.each([
    ['further reading is ranked', nothingToRank],
    ['the search head is written', headOfNothing],
  ])('are held after a task that writes post buckets (as the post files phase leaves them) and let go before %s', async (_, readingNone) => {
    const { cacheDir, store, built } = await parsePostsIntoCache(3);
    await store.close();
    Object.assign(seen, { opened: 0, closed: 0, closedAtTaskStart: [] });
    const dataRoot = mkdtempSync(join(tmpdir(), 'cna-reader-openings-data-'));
    const place = { id: 'a', relatedIds: [] };
    const buckets: WorkerRequest = {
      type: 'buckets',
      tasks: [{ file: 'posts/0/1.json', render: [{ key: built.storeKeys[0]!, place }], keep: [] }],
      storeDir: cacheDir,
      dataRoot,
    };

    await handle(buckets);
    await handle(buckets);
    // One opening of the files, from task to task: nothing closed it, as no drop round was on.
    expect(seen).toMatchObject({ opened: 1, closed: 0 });

    await handle(readingNone(dataRoot));
    // Closed before the task began, not while it ran or after it.
    expect(seen.closedAtTaskStart).toEqual([1]);
  });
});
