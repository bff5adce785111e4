/**
 * The build cache's one file: an LMDB environment (as Parcel's cache), `<cache dir>/cache.lmdb`, holding
 * each part of the cache as a named database. Writes are transactions: a build or a thread that dies
 * half-way leaves the last committed state, and threads and processes may open the file at once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';

export const CACHE_DB_FILE = 'cache.lmdb';

/**
 * Every named database of the file, with how its values are stored: posts' parts (post-store.ts), the
 * files seen (seen-files.ts), the output folders' states and plans (last-build.ts), and the format.
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
} as const;

export type CachePart = keyof typeof CACHE_PARTS;

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
  root: RootDatabase;
  /** A named database (see CACHE_PARTS); bytes are read with lmdb's `getBinary`. */
  part<V = string | Buffer>(name: CachePart): Database<V, string>;
  close(): Promise<void>;
}

export function openCacheDb(dir: string): CacheDb {
  mkdirSync(dir, { recursive: true });
  const root = open<unknown, string>({ path: join(dir, CACHE_DB_FILE), maxDbs: 16, mapSize: MAP_SIZE });
  const parts = new Map<CachePart, Database<unknown, string>>();
  // In one transaction: opened one by one, each part's opening commits on its own, and a new file's
  // creations each wait for the disk.
  root.transactionSync(() => {
    for (const name of Object.keys(CACHE_PARTS) as CachePart[]) {
      parts.set(name, root.openDB({ name, encoding: CACHE_PARTS[name], ...(COMPRESSED.has(name) ? { compression: true } : {}) }));
    }
  });
  return {
    root,
    part: <V>(name: CachePart) => parts.get(name) as Database<V, string>,
    close: () => root.close(),
  };
}
