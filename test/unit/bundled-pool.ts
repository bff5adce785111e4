/** A worker pool for tests, started as a build starts its own: a module apart, so that parse-only tests load none of it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { WorkerPool, type WorkerPoolOptions } from '../../src/indexer/workers/worker-pool.ts';
import { parsePostsIntoCache, type FolderMaker } from './posts-in-cache.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * A pool of `size` threads running the worker bundled from the current sources (bundled into a fresh
 * folder, or `cacheDir`), as a build starts it.
 */
export async function bundledPool(size: number, options: WorkerPoolOptions & { cacheDir?: string } = {}): Promise<WorkerPool> {
  const { cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-pool-')), ...poolOptions } = options;
  const entry = await bundledWorker(cacheDir, [join(ROOT, 'src/indexer'), join(ROOT, 'src/shared')], join(ROOT, 'package-lock.json'));
  return WorkerPool.start(size, entry, poolOptions);
}

/**
 * A cache holding three parsed posts (their keys), and a pool of `size` threads running the bundled worker
 * over it; its folders made by `makeFolder`.
 */
export async function poolOverPosts(size: number, makeFolder?: FolderMaker): Promise<{ pool: WorkerPool; cacheDir: string; keys: string[] }> {
  const { cacheDir, store, built } = await parsePostsIntoCache(3, makeFolder);
  await store.close();
  return { pool: await bundledPool(size, { cacheDir }), cacheDir, keys: built.storeKeys };
}
