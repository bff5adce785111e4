/**
 * The build cache's two files, each an LMDB environment (as Parcel's cache) holding parts of the cache as
 * named databases: `<cache dir>/cache.lmdb`, and `heads.lmdb` for the posts' small parts, read one by one
 * after the parse. Writes are transactions of one file: a build or a thread that dies half-way leaves
 * each file's last committed state, and threads and processes may open the files at once.
 */
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { dropMapNow, isDroppedEveryAwait, isRoundOn, onRoundStart, openingClosed, openingOpens, roundEnded, touchMap } from './cache-map.ts';

export const CACHE_DB_FILE = 'cache.lmdb';

/**
 * The file of the posts' heads and story prints. In the main file their pages lay among the posts'
 * bodies: a pass over 64k heads or prints mapped ~850 MB of it, and here maps only this small file.
 * Its reads count towards no drop round (see beforeUse), by design: a pass reading only heads or prints
 * starts none, and keeps this file's map, which stays small; a round started otherwise closes both files.
 */
export const HEADS_DB_FILE = 'heads.lmdb';

export type CacheFile = 'main' | 'heads';

/**
 * Every named database of the files, with how its values are stored: posts' parts (post-store.ts), the
 * files seen (seen-files.ts), the output folders' states and plans (last-build.ts), and the format; in
 * `heads.lmdb`, the posts' small parts and the stamp that pairs the file with its main file (build-cache.ts).
 */
export const CACHE_PARTS = {
  heads: 'string',
  search: 'string',
  bodies: 'binary',
  rests: 'string',
  stories: 'string',
  meta: 'string',
  seen: 'string',
  outputs: 'msgpack',
  files: 'string',
  plans: 'msgpack',
  'search-rows': 'msgpack',
  'heads-meta': 'string',
} as const;

export type CachePart = keyof typeof CACHE_PARTS;

/** The parts kept in `heads.lmdb`; the others are in `cache.lmdb`. */
const HEADS_FILE_PARTS: ReadonlySet<CachePart> = new Set(['heads', 'stories', 'heads-meta']);

export function fileOf(part: CachePart): CacheFile {
  return HEADS_FILE_PARTS.has(part) ? 'heads' : 'main';
}

/** Databases of older formats, dropped with an older cache: a post's related links, now in `bodies`. */
export const RETIRED_PARTS = ['related'];

/**
 * Parts whose values are large (a post's HTML, its search tokens, its text) are LZ4-compressed by lmdb:
 * a third less file to map and read (20k real-shaped posts: 580 → 383 MB, read back in 3.9 s, not 4.9).
 * Values under 1 KB stay as they are.
 */
const COMPRESSED: ReadonlySet<CachePart> = new Set(['search', 'bodies', 'rests']);

/**
 * Address space reserved for the file's map at once, never memory: grown step by step (lmdb's default),
 * every old map stayed mapped beside the new one, and a 64k build's 1.9 GB file counted ~3.7 GB of RSS.
 */
const MAP_SIZE = 2 ** 40;

export interface CacheDb {
  /**
   * A named database (see CACHE_PARTS) of the opening now; bytes are read with lmdb's `getBinary`. Looked
   * up at each use and never kept across an await: the opening may be closed there (see cache-map.ts).
   */
  part<V = string | Buffer>(name: CachePart): Database<V, string>;
  /** A write transaction of one file (the main one unless said); `work` looks up the parts it writes itself, all of that file. */
  transaction(work: () => void, file?: CacheFile): Promise<unknown>;
  /** Drops a database of an older format (see RETIRED_PARTS), at once. */
  dropRetired(name: string): void;
  /** Counts post reads or writes: the main file's pages they touch (see cache-map.ts). */
  touched(count?: number): void;
  /**
   * Before a read or write of a value: waits at this quiet point (see quiet), then counts a use of the
   * main file's large values towards a drop; a read of `heads.lmdb` (a head, a print) does not count.
   */
  beforeUse(size: 'small' | 'large'): Promise<void>;
  /**
   * Where a caller holds nothing of the cache: during a drop round, closes this opening and resolves
   * once the round has ended; undefined when there is nothing to wait for.
   */
  quiet(): Promise<void> | undefined;
  /**
   * Where a caller holds nothing of the cache and starts work without it: during a drop round, closes this
   * opening once its writes are on disk, so that the round ends without waiting for this thread's next
   * store call; outside a round, does nothing.
   */
  pause(): Promise<void> | undefined;
  /** Closes this opening once its writes are on disk, now; its next use opens the file again. */
  letGo(): Promise<void>;
  /** Starts a drop round now (see dropMapNow) and resolves once it has ended. */
  dropMap(): Promise<void>;
  /** Waits for every commit, on disk, and closes. */
  close(): Promise<void>;
}

interface Opening {
  roots: Record<CacheFile, RootDatabase>;
  parts: Map<CachePart, Database<unknown, string>>;
}

/** This thread's open openings (how each lets go): an idle thread closes them when a round starts. */
const openHere = new Set<() => Promise<void>>();
let listening = false;

/** Closes this thread's openings at the event loop's turn after a round starts: nothing of them is held then. */
function listenForRounds(): void {
  if (listening) return;
  listening = true;
  onRoundStart(() => {
    listening = false;
    void Promise.all([...openHere].map((letGo) => letGo())).then(() => openHere.size > 0 && listenForRounds());
  });
}

export function openCacheDb(dir: string): CacheDb {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, CACHE_DB_FILE);
  let opened: Opening | undefined;
  let closed = false;
  const writes = new Set<Promise<unknown>>();
  let closing: Promise<void> | undefined;
  // A file deleted under the build reads as small: its next use fails with the missing entry's advice.
  const fileBytes = () => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  const use = (): Opening => {
    if (closed) throw new Error(`the build cache in ${dir} is closed`);
    if (opened) return opened;
    opened = openFiles(dir);
    // Counted once both files are open: a failed opening is never waited for by a drop round.
    openingOpens();
    openHere.add(letGo);
    listenForRounds();
    // Opened during a round (another task of this thread closed it for the round after this one passed
    // its quiet point): closed again once the caller's synchronous use is done, not at its next store call.
    if (isDroppedEveryAwait() || isRoundOn()) queueMicrotask(() => void letGo());
    return opened;
  };
  /** Closes this opening once its writes are on disk; its next use opens the file again. */
  function letGo(): Promise<void> {
    return (closing ??= (async () => {
      // An opening made while one closed is closed too: a caller awaiting this holds none.
      while (opened) {
        // Writes queued meanwhile are awaited too: a transaction's work runs on the opening that queued it.
        while (writes.size > 0) await Promise.allSettled(writes);
        const { roots } = opened;
        opened = undefined;
        openHere.delete(letGo);
        // Closed at once (a database of it kept across an await fails from here); done once on disk.
        await Promise.all([roots.main.close(), roots.heads.close()]);
        openingClosed();
      }
    })().finally(() => (closing = undefined)));
  }
  function quiet(): Promise<void> | undefined {
    if (!isRoundOn()) return closing;
    return (async () => {
      await letGo();
      await roundEnded();
    })();
  }
  return {
    part: <V>(name: CachePart) => use().parts.get(name) as Database<V, string>,
    transaction(work, file = 'main') {
      const write = use().roots[file].transaction(work);
      writes.add(write);
      void write.finally(() => writes.delete(write)).catch(() => {});
      return write;
    },
    dropRetired: (name) => void use().roots.main.openDB({ name }).dropSync(),
    touched: (count = 1) => touchMap(count, fileBytes),
    async beforeUse(size) {
      const waiting = quiet();
      if (waiting) await waiting;
      if (size === 'large') touchMap(1, fileBytes);
    },
    quiet,
    pause: () => (isRoundOn() ? letGo() : undefined),
    letGo,
    async dropMap() {
      dropMapNow(fileBytes);
      await quiet();
    },
    async close() {
      closed = true;
      await closing;
      await letGo();
    },
  };
}

/** LMDB's meta pages (the first two) each hold this magic number after their page header (lmdb-js 3.5: 24 bytes). */
const META_MAGIC = 0xbeefc0de;
const META_MAGIC_AT = 24;
/** Where the first meta page keeps the file's page size (its free database's `md_pad`). */
const PAGE_SIZE_AT = 48;

/** What a file's header pages are: LMDB's two meta pages, only the first of them, or something else. */
type Header = 'lmdb' | 'first-meta-page' | 'other';

/**
 * Reads a file's header pages: a missing or empty file (lmdb makes it) counts as LMDB's. lmdb-js crashes
 * the process (a segmentation fault, not an error) on opening a file whose header is not: a torn or garbage one.
 */
function lmdbHeaderOf(path: string): Header {
  const size = statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  if (size === 0) return 'lmdb';
  const fd = openSync(path, 'r');
  try {
    const first = Buffer.alloc(PAGE_SIZE_AT + 4);
    if (readSync(fd, first, 0, first.length, 0) < first.length || first.readUInt32LE(META_MAGIC_AT) !== META_MAGIC) return 'other';
    const pageSize = first.readUInt32LE(PAGE_SIZE_AT);
    if (pageSize === 0) return 'other';
    if (size < 2 * pageSize) return 'first-meta-page';
    const second = Buffer.alloc(4);
    return readSync(fd, second, 0, 4, pageSize + META_MAGIC_AT) === 4 && second.readUInt32LE(0) === META_MAGIC ? 'lmdb' : 'other';
  } finally {
    closeSync(fd);
  }
}

/** How long a file showing only its first meta page is given to show the second (see openFile). */
const SECOND_LOOK_MS = 100;

/** Opens one file, removed first when it is not LMDB's: the pair check then finds the cache incomplete and discards it (see build-cache.ts). */
function openFile(path: string, maxDbs: number): RootDatabase {
  let header = lmdbHeaderOf(path);
  // Another opening may be creating the file: lmdb writes both meta pages in one pwrite, which a stat may see half-done.
  if (header === 'first-meta-page') {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SECOND_LOOK_MS);
    header = lmdbHeaderOf(path);
  }
  if (header !== 'lmdb') rmSync(path, { force: true });
  return open<unknown, string>({ path, maxDbs, mapSize: MAP_SIZE });
}

function openFiles(dir: string): Opening {
  const main = openFile(join(dir, CACHE_DB_FILE), 16);
  let heads: RootDatabase | undefined;
  try {
    heads = openFile(join(dir, HEADS_DB_FILE), 4);
    return openParts({ main, heads });
  } catch (error) {
    // Neither file stays open without the other: the caller holds no opening to close.
    void main.close();
    void heads?.close();
    throw error;
  }
}

function openParts(roots: Record<CacheFile, RootDatabase>): Opening {
  const parts = new Map<CachePart, Database<unknown, string>>();
  // In one transaction a file: opened one by one, each part's opening commits on its own, and a new
  // file's creations each wait for the disk.
  for (const file of ['main', 'heads'] as const) {
    roots[file].transactionSync(() => {
      for (const name of Object.keys(CACHE_PARTS) as CachePart[]) {
        if (fileOf(name) !== file) continue;
        const compression = COMPRESSED.has(name) ? { compression: true } : {};
        parts.set(name, roots[file].openDB({ name, encoding: CACHE_PARTS[name], ...compression }));
      }
    });
  }
  return { roots, parts };
}
