/**
 * What the last build saw of each post file, in the build cache's `seen` database: path → size,
 * modification time and store key. A rebuild stats every file and, for one whose size and time are
 * unchanged, takes its key from here, and its digest head (the summary the index is planned from) from
 * the post store's `heads`: only new and changed files are read and parsed, as make and rsync do.
 *
 * The `meta` database names the record: its id (by which a build's plan names the record it was made
 * from, see last-build.ts) and the settings its keys were made under (other settings, nothing seen). A
 * build's changes are committed in one transaction with them: a killed build leaves the last record.
 *
 * The record is packed whole into one value of `meta` (`seen-packed`), and the changes since are keys
 * of `seen` ('' for a path gone), until more than CHANGES_KEPT are kept apart: a rebuild reads one
 * string and a few keys, not a key a file. Its id and settings go under names older code does not read
 * (`seen-packed-id`, `seen-packed-settings`), and its commit removes theirs: older code finds no record
 * and reads every file, where it would take the changes for the whole. A record of the layout before
 * (every path a key of `seen`, named by `seen-id`) is read as such, whoever wrote it, and packed at the
 * next commit.
 */
import { randomUUID } from 'node:crypto';
import type { FileSeen } from '../workers/ingest-file.ts';
import type { CacheDb } from './cache-db.ts';
import { joinStrings, splitStrings } from './joined-strings.ts';
import { missingEntryError } from './post-store.ts';

/** The layout before's id and settings, which older code reads; its commit writes both. */
const OLDER_ID = 'seen-id';
const OLDER_SETTINGS = 'seen-settings';
/** The whole record packed (path, seen, path, seen…), its id and its settings. */
const RECORD_PACKED = 'seen-packed';
const RECORD_ID = 'seen-packed-id';
const RECORD_SETTINGS = 'seen-packed-settings';

/**
 * Changes kept as keys of their own over the packed whole: at most this many, then the whole is packed
 * again. A one-edit rebuild changes a few files; 4,096 keys read one by one cost ~15-30 ms a build, less
 * than packing and writing the whole (~6 MB at 64k posts) at each one.
 */
const CHANGES_KEPT = 4096;
/** A change's value for a path gone (a record's value is never empty). */
const REMOVED = '';

/** A change to the record: a file seen, or (undefined) a file gone or not to be trusted any more. */
export type SeenChange = [path: string, seen: FileSeen | undefined];

/** The record of a build, as the next build of the same process finds it without reading it back. */
export interface RememberedRecord {
  id: string;
  settings: string;
  /**
   * The record the build started from (taken over, not copied) and its changes, applied when next used.
   * Its strings may be slices of the packed value read, kept whole while one lives (docs/build-speed.md).
   */
  base: Map<string, FileSeen>;
  changes: SeenChange[];
}

/** The last build's record. Heads are read from the post store when asked for: most rebuilds need a few. */
export class SeenFiles {
  constructor(
    readonly id: string,
    private readonly entries: ReadonlyMap<string, FileSeen>,
    /** The cache whose post store holds the heads: its part looked up at each read (see CacheDb.part). */
    private readonly db: CacheDb,
  ) {}

  /** Number of files seen. */
  get size(): number {
    return this.entries.size;
  }

  get(path: string): FileSeen | undefined {
    return this.entries.get(path);
  }

  /**
   * head(), read at a quiet point of the cache (see cache-map.ts), where a drop round may close the
   * opening: for a pass over many heads (the summaries). Not counted towards a drop: heads are in heads.lmdb.
   */
  async readHead(seen: FileSeen): Promise<string> {
    await this.db.beforeUse('small');
    return this.head(seen);
  }

  /** The digest head's JSON line (see serializeDigest) of a file as it was seen. */
  head(seen: FileSeen): string {
    const head = this.db.part<string>('heads').get(seen.key);
    if (head === undefined) throw missingEntryError(seen.key);
    return head;
  }

  /**
   * The paths seen that are not among `files`, given how many of them the record has (`known`): none
   * to look for when it has them all.
   */
  goneFrom(files: readonly { path: string }[], known: number): Set<string> {
    const gone = new Set<string>();
    if (known === this.entries.size) return gone;
    const here = new Set(files.map((file) => file.path));
    for (const path of this.entries.keys()) if (!here.has(path)) gone.add(path);
    return gone;
  }

  /** The entries, for the next build of this process to take over once this build is done with them. */
  takeEntries(): Map<string, FileSeen> {
    return this.entries as Map<string, FileSeen>;
  }
}

/**
 * What the last build saw, or undefined when there is no usable record (first build, other settings).
 * `remembered`: this process's last record, used while the cache still holds it (same id).
 */
export function loadSeenFiles(db: CacheDb, settings: string, remembered?: RememberedRecord): SeenFiles | undefined {
  const named = recordNamed(db);
  if (named === undefined || named.settings !== settings) return undefined;
  const { id } = named;
  if (remembered?.id === id && remembered.settings === settings) {
    const entries = remembered.base;
    for (const [path, seen] of remembered.changes) {
      if (seen) entries.set(path, seen);
      else entries.delete(path);
    }
    return new SeenFiles(id, entries, db);
  }
  return new SeenFiles(id, recordedFiles(db)!, db);
}

/** The record's entries whatever settings it was made under; undefined when there is none. */
export function recordedFiles(db: CacheDb): Map<string, FileSeen> | undefined {
  const named = recordNamed(db);
  if (named === undefined) return undefined;
  const entries = named.packed ? unpackSeen(db.part<string>('meta').get(RECORD_PACKED)) : new Map<string, FileSeen>();
  for (const { key, value } of db.part<string>('seen').getRange()) {
    if (value === REMOVED) entries.delete(key);
    else entries.set(key, decodeSeen(value));
  }
  return entries;
}

/** Whether a record is there at all (usable or not: see loadSeenFiles). */
export function hasSeenFiles(db: CacheDb): boolean {
  return recordNamed(db) !== undefined;
}

/** The record's id, its settings and whether it is packed; undefined when there is none to read. */
function recordNamed(db: CacheDb): { id: string; settings: string | undefined; packed: boolean } | undefined {
  const meta = db.part<string>('meta');
  const olderId = meta.get(OLDER_ID);
  // The same id under both names: a packed record committed by this layout's first code, which kept both.
  if (olderId !== undefined) return { id: olderId, settings: meta.get(OLDER_SETTINGS), packed: olderId === meta.get(RECORD_ID) };
  // Older code's forget removes only its id: its record's keys are not changes over the packed whole.
  if (meta.get(OLDER_SETTINGS) !== undefined) return undefined;
  const id = meta.get(RECORD_ID);
  return id === undefined ? undefined : { id, settings: meta.get(RECORD_SETTINGS), packed: true };
}

/**
 * Commits this build's record in one transaction: the changes over the last record (`base`, the one
 * loaded) as keys of their own while the cache holds it packed and they stay few, else the whole
 * packed again (without a base, the changes are the whole record). Returns the record's id.
 */
export async function commitSeenFiles(db: CacheDb, settings: string, base: SeenFiles | undefined, changes: readonly SeenChange[]): Promise<string> {
  const id = randomUUID();
  await db.transaction(() => {
    const seen = db.part<string>('seen');
    const meta = db.part<string>('meta');
    const named = recordNamed(db);
    const holdsBasePacked = base !== undefined && named?.packed === true && named.id === base.id;
    if (holdsBasePacked && seen.getKeysCount() + changes.length <= CHANGES_KEPT) {
      for (const [path, file] of changes) seen.put(path, file ? encodeSeen(file) : REMOVED);
    } else {
      for (const path of seen.getKeys()) seen.remove(path);
      meta.put(RECORD_PACKED, packSeen(base, changes));
    }
    meta.remove(OLDER_ID);
    meta.remove(OLDER_SETTINGS);
    meta.put(RECORD_SETTINGS, settings);
    meta.put(RECORD_ID, id);
  });
  return id;
}

/** The record after `changes` over `base` as one string: path, seen, path, seen… */
function packSeen(base: SeenFiles | undefined, changes: readonly SeenChange[]): string {
  const changed = new Map(changes);
  const parts: string[] = [];
  for (const [path, seen] of base?.takeEntries() ?? []) if (!changed.has(path)) parts.push(path, encodeSeen(seen));
  for (const [path, seen] of changed) if (seen) parts.push(path, encodeSeen(seen));
  return joinStrings(parts);
}

function unpackSeen(packed: string | undefined): Map<string, FileSeen> {
  const entries = new Map<string, FileSeen>();
  const parts = splitStrings(packed ?? '');
  for (let at = 0; at + 1 < parts.length; at += 2) entries.set(parts[at]!, decodeSeen(parts[at + 1]!));
  return entries;
}

/**
 * Drops the record: the next build checks every file against the store again. Called when a build
 * failed after reading, in case the record named an entry the store no longer has.
 */
export async function forgetSeenFiles(db: CacheDb): Promise<void> {
  await db.transaction(() => {
    db.part<string>('meta').remove(OLDER_ID);
    db.part<string>('meta').remove(RECORD_ID);
  });
}

/** A record's value: `size \t mtimeMs \t key`. */
function encodeSeen(seen: FileSeen): string {
  return `${seen.size}\t${seen.mtimeMs}\t${seen.key}`;
}

function decodeSeen(value: string): FileSeen {
  const first = value.indexOf('\t');
  const second = value.indexOf('\t', first + 1);
  return { size: Number(value.slice(0, first)), mtimeMs: Number(value.slice(first + 1, second)), key: value.slice(second + 1) };
}
