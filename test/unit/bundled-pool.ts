/** A worker pool for tests, started as a build starts its own: a module apart, so that parse-only tests load none of it. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { diskStore, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import type { BuiltIndex } from '../../src/indexer/plan/build-index.ts';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { WorkerPool, type WorkerPoolOptions } from '../../src/indexer/workers/worker-pool.ts';
import { writeNumberedPosts } from './helpers.ts';

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

/** `count` posts (writeNumberedPosts) parsed into the store of a cache folder of their own, the store left open. */
export async function cachedPosts(count: number): Promise<{ cacheDir: string; store: PostStore; built: BuiltIndex }> {
  const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-cached-posts-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-cached-posts-cache-'));
  writeNumberedPosts(postsDir, count);
  const store = diskStore(cacheDir);
  const built = await ingestPosts({ postsDir, store, keepStale: true });
  return { cacheDir, store, built };
}

/** A cache holding three parsed posts (their keys), and a pool of `size` threads running the bundled worker over it. */
export async function poolOverPosts(size: number): Promise<{ pool: WorkerPool; cacheDir: string; keys: string[] }> {
  const { cacheDir, store, built } = await cachedPosts(3);
  await store.close();
  return { pool: await bundledPool(size, { cacheDir }), cacheDir, keys: built.storeKeys };
}
