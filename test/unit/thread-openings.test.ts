/**
 * A worker thread's openings of the build cache (ingest-worker.ts): kept from task to task, and let go
 * before a task that reads none of the cache (further reading, the search head), so that a drop round
 * started meanwhile does not wait for that task's end. Run here, on this thread, through the handler.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import handle from '../../src/indexer/workers/ingest-worker.ts';
import type { WorkerRequest } from '../../src/indexer/workers/worker-pool.ts';
import { parsePostsIntoCache } from './posts-in-cache.ts';

/** Every opening the handler makes, its letGo spied on. */
const openings = vi.hoisted(() => [] as CacheDb[]);

vi.mock('../../src/indexer/incremental/cache-db.ts', async (original) => {
  const actual = await original<typeof import('../../src/indexer/incremental/cache-db.ts')>();
  return {
    ...actual,
    openCacheDb: (dir: string) => {
      const db = actual.openCacheDb(dir);
      vi.spyOn(db, 'letGo');
      openings.push(db);
      return db;
    },
  };
});

const nothingToRank = {
  type: 'further-reading',
  ids: [],
  titles: [],
  leads: { bytes: Buffer.alloc(0), ends: new Uint32Array(0) },
  links: new Uint32Array(0),
} as const;

describe("a worker thread's openings of the build cache", () => {
  it('are held after a task that writes post buckets (as the post files phase leaves them) and let go before further reading is ranked', async () => {
    const { cacheDir, store, built } = await parsePostsIntoCache(3);
    await store.close();
    openings.length = 0;
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
    // One opening, from task to task: nothing let it go, as no drop round was on.
    expect(openings).toHaveLength(1);
    expect(openings[0]!.letGo).not.toHaveBeenCalled();

    await handle(nothingToRank);
    expect(openings[0]!.letGo).toHaveBeenCalledTimes(1);
    await openings[0]!.close();
  });
});
