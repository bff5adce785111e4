/**
 * The dev server's watch over the posts folder: one fs.watch per folder (on Linux, an inotify watch on
 * a folder reports what happens to every entry in it), not one per file. Vite's own watcher (chokidar)
 * took a watch per post and statted each at start: at 100k posts, ~10 s of the server's thread before
 * it answered, and more watches than many systems allow a user.
 */
import { statSync, watch, type FSWatcher } from 'node:fs';
import { listPostFolders, POST_EXTENSIONS } from '../read-posts.ts';

export interface PostsWatcher {
  /** Folders watched. */
  readonly size: number;
  /**
   * Watches the folders made since, and lets go of those gone (call after each rebuild). Walks the
   * folders again only after an event that may have been a folder's: after a post's edit, nothing to do
   * (the walk reads every folder, 200k entries at 200k posts).
   */
  refresh(): void;
  close(): void;
}

/**
 * Calls `changed` when a post file, or what may be a folder, is added, changed, renamed or removed
 * below `root`: with the post file's absolute path, or undefined for what may be a folder.
 */
export function watchPostsFolder(root: string, changed: (path?: string) => void): PostsWatcher {
  const watchers = new Map<string, FSWatcher>();
  /** Whether an event since the last walk may have been a folder's (made, removed or renamed). */
  let foldersMayDiffer = true;
  const onEvent = (folder: string, name: string | null) => {
    // Not the editors' swap and backup files; a name without a dot may be a folder made or removed, and
    // one with a dot (a post's `x.md/` too) is a folder if it is one now, or was one watched (moved away or removed).
    const mayBeFolder = name === null || !name.includes('.') || watchers.has(`${folder}/${name}`) || isFolder(`${folder}/${name}`);
    if (mayBeFolder) foldersMayDiffer = true;
    if (mayBeFolder) changed();
    else if (POST_EXTENSIONS.test(name)) changed(`${folder}/${name}`);
  };
  const refresh = () => {
    if (!foldersMayDiffer) return;
    foldersMayDiffer = false;
    const folders = new Set(listPostFolders(root));
    for (const [folder, watcher] of watchers) {
      if (folders.has(folder)) continue;
      watcher.close();
      watchers.delete(folder);
    }
    for (const folder of folders) {
      if (watchers.has(folder)) continue;
      try {
        // Not persistent: a watch must not keep the process alive after the server closes.
        const watcher = watch(folder, { persistent: false }, (_, name) => onEvent(folder, name));
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(folder);
          foldersMayDiffer = true;
          changed();
        });
        watchers.set(folder, watcher);
      } catch {
        // Gone since it was listed: the rebuild this change brings finds out.
      }
    }
  };
  refresh();
  return {
    get size() {
      return watchers.size;
    },
    refresh,
    close() {
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
