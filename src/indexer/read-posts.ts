/**
 * Finding post files: every `*.md`, `*.markdown`, `*.html` below the posts folder, at any depth, whatever
 * their names hold (spaces, quotes, `#`, `%`, `\`, newlines, CJK).
 */
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { resolve } from 'node:path';
import { compareCodeUnits } from '../shared/code-unit-order.ts';

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
  // Synchronous, and paths joined by hand: at 200k files, promises per folder and path.join per file were
  // two thirds of the listing (~1 s; now ~0.35 s).
  walkPostFolders(resolve(postsDir), (absoluteDir, relativeDir, entries) => {
    for (const entry of entries) {
      if (entry.isDirectory()) continue;
      const absolutePath = `${absoluteDir}/${entry.name}`;
      // Links to files are followed (links to folders never are: see walkPostFolders).
      const isFile = entry.isSymbolicLink() ? isFileTarget(absolutePath) : entry.isFile();
      if (isFile && POST_EXTENSIONS.test(entry.name)) found.push({ path: childPath(relativeDir, entry.name), absolutePath });
    }
  });
  // Sorted by code units, so every build sees the same order whatever the file system returns.
  found.sort((a, b) => compareCodeUnits(a.path, b.path));
  return found;
}

/**
 * Every folder where listPostFiles looks for posts (`postsDir` first, absolute paths); one that cannot
 * be read (gone meanwhile) is passed over. For the dev server's watch (see watch-posts.ts).
 */
export function listPostFolders(postsDir: string): string[] {
  const folders: string[] = [];
  const readOrSkip = (folder: string) => {
    try {
      return readFolder(folder);
    } catch {
      return [];
    }
  };
  walkPostFolders(resolve(postsDir), (absoluteDir) => folders.push(absoluteDir), readOrSkip);
  return folders;
}

function readFolder(folder: string): Dirent[] {
  return readdirSync(folder, { withFileTypes: true });
}

/**
 * Calls `visit` with each folder below `root` (itself first) and its entries. Walks into every folder
 * but SKIPPED_FOLDERS, never through a link to a folder, which could loop.
 */
function walkPostFolders(root: string, visit: (absoluteDir: string, relativeDir: string, entries: Dirent[]) => void, read = readFolder): void {
  const walk = (absoluteDir: string, relativeDir: string): void => {
    const entries = read(absoluteDir);
    visit(absoluteDir, relativeDir, entries);
    for (const entry of entries) {
      // A link's entry is not a folder's, whatever it leads to.
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(`${absoluteDir}/${entry.name}`, childPath(relativeDir, entry.name));
    }
  };
  walk(root, '');
}

/** A folder's entry, relative to the posts folder ('' is the posts folder itself). */
function childPath(relativeDir: string, name: string): string {
  return relativeDir === '' ? name : `${relativeDir}/${name}`;
}

/** Whether a path leads to a file, itself or through a link (a broken or unreadable link leads nowhere). */
export function isFileTarget(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
