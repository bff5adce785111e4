/**
 * The record of files seen, whole, as three columns of the build cache's `meta` (seen-files.ts keeps
 * the changes since apart): the paths sorted by code units, as the listing is, joined in UTF-16; each
 * path's size and modification time as float64; its store key. Read back, no number is parsed.
 */
import type { FileSeen } from '../workers/ingest-file.ts';
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';
import type { CacheDb } from './cache-db.ts';
import { encodeStrings, joinStrings, splitStrings } from './joined-strings.ts';

const COLUMN_PATHS = 'seen-columns-paths';
const COLUMN_STAMPS = 'seen-columns-stamps';
const COLUMN_KEYS = 'seen-columns-keys';

/** The whole record as a build last wrote it, sorted by path in code units. */
export class SeenColumns {
  constructor(
    readonly paths: readonly string[],
    /** Each path's size and modification time (ms), in turn. */
    readonly stamps: Float64Array,
    readonly keys: readonly string[],
  ) {}

  get count(): number {
    return this.paths.length;
  }

  at(n: number): FileSeen {
    return { size: this.stamps[2 * n]!, mtimeMs: this.stamps[2 * n + 1]!, key: this.keys[n]! };
  }

  /** The place of `path`, or -1. */
  indexOf(path: string): number {
    const n = firstIndexWhere(this.paths.length, (at) => compareCodeUnits(this.paths[at]!, path) >= 0);
    return this.paths[n] === path ? n : -1;
  }

  /** The columns of `entries`, in any order. */
  static of(entries: Iterable<[string, FileSeen]>): SeenColumns {
    const sorted = [...entries].sort(([a], [b]) => compareCodeUnits(a, b));
    const stamps = new Float64Array(2 * sorted.length);
    sorted.forEach(([, seen], n) => {
      stamps[2 * n] = seen.size;
      stamps[2 * n + 1] = seen.mtimeMs;
    });
    return new SeenColumns(
      sorted.map(([path]) => path),
      stamps,
      sorted.map(([, seen]) => seen.key),
    );
  }
}

/** The columns as the cache holds them; undefined when there are none or they do not agree in length. */
export function readColumns(db: CacheDb): SeenColumns | undefined {
  const meta = db.part<string>('meta');
  // Views, not copies: each is valid only until the next get. Past lmdb's 16 MB read buffer a view is a
  // plain Uint8Array; below it, a Buffer whose `length` (not its byteLength) is the value's.
  const decode = (name: string, encoding: BufferEncoding) => {
    const view = meta.getBinaryFast(name);
    return view === undefined ? '' : Buffer.from(view.buffer, view.byteOffset, view.length).toString(encoding);
  };
  const paths = splitStrings(decode(COLUMN_PATHS, 'utf16le'));
  const keys = splitStrings(decode(COLUMN_KEYS, 'utf8'));
  const bytes = meta.getBinary(COLUMN_STAMPS);
  if (keys.length !== paths.length || bytes?.byteLength !== 2 * paths.length * Float64Array.BYTES_PER_ELEMENT) return undefined;
  // Copied to a buffer of its own: the bytes read need not sit at a multiple of 8.
  const stamps = new Float64Array(2 * paths.length);
  new Uint8Array(stamps.buffer).set(bytes);
  return new SeenColumns(paths, stamps, keys);
}

/** Puts the columns, in the caller's write transaction. */
export function putColumns(db: CacheDb, columns: SeenColumns): void {
  const meta = db.part<string | Buffer>('meta');
  meta.put(COLUMN_PATHS, encodeStrings(columns.paths));
  // UTF-8: store keys are hexadecimal, read back as strings of one byte a character.
  meta.put(COLUMN_KEYS, Buffer.from(joinStrings(columns.keys), 'utf8'));
  meta.put(COLUMN_STAMPS, Buffer.from(columns.stamps.buffer, columns.stamps.byteOffset, columns.stamps.byteLength));
}
