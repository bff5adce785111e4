/** Posts parsed into a build cache of their own: what worker tests run their tasks over. A module apart, so that parse-only tests load no store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { diskStore, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import type { BuiltIndex } from '../../src/indexer/plan/build-index.ts';
import { writeNumberedPosts } from './helpers.ts';

/** `count` posts (writeNumberedPosts) parsed into the store of a cache folder of their own, the store left open. */
export async function parsePostsIntoCache(count: number): Promise<{ cacheDir: string; store: PostStore; built: BuiltIndex }> {
  const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-cached-posts-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-cached-posts-cache-'));
  writeNumberedPosts(postsDir, count);
  const store = diskStore(cacheDir);
  const built = await ingestPosts({ postsDir, store, keepStale: true });
  return { cacheDir, store, built };
}
