/**
 * Finding post files: every `*.md`, `*.markdown`, `*.html` below the posts folder, at any depth, whatever
 * their names hold (spaces, quotes, `#`, `%`, `\`, newlines, CJK).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const POST_EXTENSIONS = /\.(md|markdown|html?)$/i;

/** Folders that are never posts: version control, dependencies, and this project's own build output. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.cache', '_site']);

export interface PostFileRef {
  /** `/`-separated path relative to the posts folder, byte-for-byte the on-disk name otherwise. */
  path: string;
  absolutePath: string;
}

export async function listPostFiles(postsDir: string): Promise<PostFileRef[]> {
  const found: PostFileRef[] = [];
  const walk = async (absoluteDir: string, relativeDir: string): Promise<void> => {
    const entries = await readdir(absoluteDir, { withFileTypes: true });
    for (const entry of entries) {
      const absolutePath = join(absoluteDir, entry.name);
      const path = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        // Follow links to files; never links to folders, which could loop.
        const target = await stat(absolutePath).catch(() => undefined);
        isFile = target?.isFile() ?? false;
        isDirectory = false;
      }
      if (isDirectory && !SKIPPED_FOLDERS.has(entry.name)) await walk(absolutePath, path);
      else if (isFile && POST_EXTENSIONS.test(entry.name)) found.push({ path, absolutePath });
    }
  };
  await walk(postsDir, '');
  // Sorted by code units, so every build sees the same order whatever the file system returns.
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return found;
}
