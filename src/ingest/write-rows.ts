/**
 * Writing post files and feeding the search index, for a run of rows in ascending order. Runs on the
 * build's worker threads (each over its own contiguous range of rows, with its own index builder), or
 * inline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { missingEntryError, type PostStore } from './post-store.ts';
import { postFileFromBody, type PostPlacement } from './render-post.ts';
import type { SearchIndexBuilder } from './search-index.ts';

export interface RowTask {
  row: number;
  /** Post store key. */
  key: string;
  /** Set when the post file must be (re)written: its path under the data folder, and its placement. */
  write?: { file: string; place: PostPlacement };
  /** The post's tokens are not fed to the search index (a patched index holds them already). */
  skipIndex?: boolean;
}

/**
 * Returns the number of post files written. `madeFolders` remembers the folders made during this build
 * (256 buckets, each made once).
 */
export async function writeRows(tasks: RowTask[], store: PostStore, dataRoot: string, search: SearchIndexBuilder, madeFolders: Set<string>): Promise<number> {
  // A post whose file is written is read up to its file's body, once; the others only up to their search tokens.
  const entries = await Promise.all(
    tasks.map((task) => (task.write ? store.getForFile(task.key) : task.skipIndex ? undefined : store.getSearch(task.key).then((search) => search && { search, body: undefined, related: [] }))),
  );
  let written = 0;
  entries.forEach((entry, n) => {
    const task = tasks[n]!;
    if (!task.write && task.skipIndex) return;
    if (!entry) throw missingEntryError(task.key);
    if (!task.skipIndex) search.add(task.row, entry.search);
    if (!task.write) return;
    if (!entry.body) throw missingEntryError(task.key);
    const path = join(dataRoot, task.write.file);
    const folder = dirname(path);
    if (!madeFolders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeFolders.add(folder);
    }
    // Synchronous: see post-store.ts.
    writeFileSync(path, postFileFromBody(entry.body, entry.related, task.write.place));
    written++;
  });
  return written;
}
