/**
 * Writing post files and feeding the search index, for a run of rows in ascending order. Runs on the
 * build's worker threads (each over its own contiguous range of rows, with its own index builder), or
 * inline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PostStore } from './post-store.ts';
import { renderPostFile, type PostPlacement } from './render-post.ts';
import type { SearchIndexBuilder } from './search-index.ts';

export interface RowTask {
  row: number;
  /** Post store key. */
  key: string;
  /** Set when the post file must be (re)written: its path under the data folder, and its placement. */
  write?: { file: string; place: PostPlacement };
}

/**
 * Returns the number of post files written. `madeFolders` remembers the folders made during this build
 * (256 buckets, each made once).
 */
export async function writeRows(tasks: RowTask[], store: PostStore, dataRoot: string, search: SearchIndexBuilder, madeFolders: Set<string>): Promise<number> {
  // The batch's reads and writes run at once (the disk works while this thread indexes); the index is
  // fed in row order.
  const digests = Promise.all(tasks.map((task) => store.getDigest(task.key)));
  const writes = Promise.all(tasks.map(async (task) => {
    if (!task.write) return 0;
    const outcome = await store.get(task.key);
    if (!outcome || !('post' in outcome)) throw new Error(`post ${task.key} vanished from the store during the build`);
    const path = join(dataRoot, task.write.file);
    const folder = dirname(path);
    if (!madeFolders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeFolders.add(folder);
    }
    // Synchronous: see post-store.ts.
    writeFileSync(path, renderPostFile(outcome.post, task.write.place));
    return 1;
  }));
  (await digests).forEach((digest, n) => {
    if (!digest || !('summary' in digest)) throw new Error(`post ${tasks[n]!.key} has no digest in the store`);
    search.add(tasks[n]!.row, digest.search);
  });
  return (await writes).reduce((sum: number, one) => sum + one, 0);
}
