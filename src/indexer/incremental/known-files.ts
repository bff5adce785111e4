/**
 * The post files a build that stays up (vite build --watch) knows of between its builds: listed once,
 * then kept from what the watch on the posts folder hears (see watch-posts.ts). A one-shot build lists
 * the folder and stats every file, ~1 s at 200k posts; a build that knows which files changed stats
 * only those.
 */
import { resolve } from 'node:path';
import type { KnownFiles } from '../ingest.ts';
import { isFileTarget, listPostFiles, POST_EXTENSIONS, type PostFileRef } from '../read-posts.ts';
import { watchPostsFolder, type PostsWatcher } from '../vite/watch-posts.ts';
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';

/**
 * Post paths heard between two builds past which the next build checks every file, as at a start:
 * inotify drops what overflows its queue (16,384 events by default) and libuv says nothing of it. A
 * burst this large costs more to build than the stats (~1 s at 200k); a loss in a smaller one is not seen.
 */
const CHECK_EVERY_FILE_PAST = 2_000;

export class KnownPostFiles {
  private readonly root: string;
  private files: PostFileRef[] | undefined;
  private changed = new Set<string>();
  /** Whether a folder may have been made, removed or renamed since the folder was last listed. */
  private foldersMayDiffer = true;
  /** Whether the next build is to check every file (see forget): at a start, what changed while nothing watched is unknown. */
  private checkEveryFile = true;

  constructor(postsDir: string) {
    this.root = resolve(postsDir);
  }

  /** What the watch heard: an entry's absolute path, or undefined for what may have been a folder. */
  saw(path: string | undefined): void {
    if (path === undefined || !path.startsWith(`${this.root}/`)) this.foldersMayDiffer = true;
    else this.changed.add(path.slice(this.root.length + 1));
    if (this.changed.size > CHECK_EVERY_FILE_PAST) this.checkEveryFile = true;
  }

  /** Whether anything was heard since the last take: without, a build would change nothing. */
  get hasNews(): boolean {
    return this.changed.size > 0 || this.foldersMayDiffer || this.checkEveryFile;
  }

  /**
   * The next build lists and checks every file: at a start (what changed while nothing watched is
   * unknown), and after a failed build.
   */
  forget(): void {
    this.checkEveryFile = true;
  }

  /**
   * For a build about to list the folder itself (one that checks every file): its list is kept for the
   * next build, which then need not list the folder again (~1.3 CPU s at 200k posts) unless the watch
   * hears of a folder meanwhile. Call right before that build; pass what it returns to it as `listed`.
   * Builds run one at a time, and a failed one is forgotten after it listed: the last listing is its.
   */
  listedBy(): (files: readonly PostFileRef[]) => void {
    // What happens from here on is heard; what happened before, the build's listing sees.
    this.foldersMayDiffer = false;
    // Until the build lists: a build failing before then leaves the next to list the folder.
    this.files = undefined;
    return (files) => {
      this.files = [...files];
    };
  }

  /**
   * What the next build is to know, and from now on the changes are the following build's; undefined
   * when it is to list and check every file, as a one-shot build does.
   */
  async take(): Promise<KnownFiles | undefined> {
    const changed = this.changed;
    this.changed = new Set();
    if (this.checkEveryFile) {
      this.checkEveryFile = false;
      this.files = undefined;
      this.foldersMayDiffer = true;
      return undefined;
    }
    if (this.foldersMayDiffer || !this.files) {
      this.foldersMayDiffer = false;
      this.files = await listPostFiles(this.root);
    }
    for (const path of changed) this.update(path);
    return { files: this.files, changed };
  }

  /** A post file added or removed at `path`, as listPostFiles would find it now. */
  private update(path: string): void {
    const files = this.files!;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const isPost = POST_EXTENSIONS.test(name) && isFileTarget(`${this.root}/${path}`);
    // Sorted by code units, as listPostFiles sorts them.
    const low = firstIndexWhere(files.length, (n) => compareCodeUnits(files[n]!.path, path) >= 0);
    const listed = files[low]?.path === path;
    if (isPost && !listed) files.splice(low, 0, { path, absolutePath: `${this.root}/${path}` });
    else if (!isPost && listed) files.splice(low, 1);
  }
}

/** Quiet time that ends a burst of changes: an editor writes a file in several steps, a fetch many files. */
const BURST_MS = 100;

/** What a build is told of the posts folder (IngestOptions): the files it knows, or where to hand the list it makes. */
export type PostsListing = { known: KnownFiles } | { listed: (files: readonly PostFileRef[]) => void };

/** A watch over the posts folder feeding what a build that stays up knows of it. */
export interface WatchedPostFiles {
  posts: KnownPostFiles;
  watcher: PostsWatcher;
  /** Call right before each build, which is to be given what it returns. */
  nextListing(): Promise<PostsListing>;
  close(): void;
}

/** Watches the posts folder into a KnownPostFiles, and calls `burst` once each burst of changes is over. */
export function watchPostFiles(postsDir: string, burst: () => void): WatchedPostFiles {
  const posts = new KnownPostFiles(postsDir);
  let timer: NodeJS.Timeout | undefined;
  const watcher = watchPostsFolder(postsDir, (path) => {
    posts.saw(path);
    clearTimeout(timer);
    timer = setTimeout(burst, BURST_MS);
  });
  return {
    posts,
    watcher,
    async nextListing() {
      // New folders are watched before anything is listed: a post written in one from now on is heard.
      watcher.refresh();
      const known = await posts.take();
      // take() waits on no I/O when it returns undefined: no event ran since the refresh to be missed.
      return known ? { known } : { listed: posts.listedBy() };
    },
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
