/**
 * The build cache's one file: an LMDB environment (as Parcel's cache), `<cache dir>/cache.lmdb`, holding
 * each part of the cache as a named database. Writes are transactions: a build or a thread that dies
 * half-way leaves the last committed state, and threads and processes may open the file at once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';

export const CACHE_DB_FILE = 'cache.lmdb';

export interface CacheDb {
  root: RootDatabase;
  /** A named database of strings, or of bytes (read with lmdb's `getBinary`), keyed by strings. */
  part(name: string, encoding: 'string' | 'binary'): Database<string | Buffer, string>;
  close(): Promise<void>;
}

export function openCacheDb(dir: string): CacheDb {
  mkdirSync(dir, { recursive: true });
  const root = open<string | Buffer, string>({ path: join(dir, CACHE_DB_FILE), maxDbs: 16 });
  return {
    root,
    part: (name, encoding) => root.openDB<string | Buffer, string>({ name, encoding }),
    close: () => root.close(),
  };
}
