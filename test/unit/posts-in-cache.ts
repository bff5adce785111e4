/** Posts parsed into a build cache of their own: what worker tests run their tasks over. A module apart, so that parse-only tests load no store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { diskStore, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import type { BuiltIndex } from '../../src/indexer/plan/build-index.ts';
import { writeNumberedPosts } from './helpers.ts';

/** Makes a new folder whose name starts with `prefix`: a test that removes its folders passes its own. */
export type FolderMaker = (prefix: string) => string;

const newTemporaryFolder: FolderMaker = (prefix) => mkdtempSync(join(tmpdir(), prefix));

/** `count` posts (writeNumberedPosts) parsed into the store of a cache folder of their own, the store left open. */
export async function parsePostsIntoCache(
  count: number,
  makeFolder: FolderMaker = newTemporaryFolder,
): Promise<{ cacheDir: string; store: PostStore; built: BuiltIndex }> {
  const postsDir = makeFolder('cna-reader-cached-posts-');
  const cacheDir = makeFolder('cna-reader-cached-posts-cache-');
  writeNumberedPosts(postsDir, count);
  const store = diskStore(cacheDir);
  const built = await ingestPosts({ postsDir, store, keepStale: true });
  return { cacheDir, store, built };
}
