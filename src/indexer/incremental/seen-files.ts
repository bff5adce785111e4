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
 * The record is kept whole as three columns in `meta` (the paths sorted by code units, as the listing
 * is; their sizes and times as float64; their keys), and the changes since as keys of `seen` ('' for a
 * path gone), until more than CHANGES_KEPT are kept apart: a rebuild reads three values and a few keys,
 * decodes no number, and meets the record's paths in the listing's order (no map of every path). Two
 * older layouts are read, and replaced at the next commit: the record packed as one string
 * (`seen-packed`, named by `seen-packed-id`), and before it a key of `seen` a path (named by `seen-id`).
 * A commit removes their names: older code then finds no record and reads every file, where it would
 * take the changes for the whole; a name older code wrote is read before this layout's.
 */
import { randomUUID } from 'node:crypto';
import { isSameStamp, type FileSeen, type FileStamp } from '../workers/ingest-file.ts';
import type { CacheDb } from './cache-db.ts';
import { splitStrings } from './joined-strings.ts';
import { missingEntryError } from './post-store.ts';
import { putColumns, readColumns, SeenColumns } from './seen-columns.ts';

/** The first layout (a key of `seen` a path): its id and settings, which code of that layout reads. */
const OLDER_ID = 'seen-id';
const OLDER_SETTINGS = 'seen-settings';
/** The second (path, seen, path, seen… joined in one string), its id and settings. */
const PACKED = 'seen-packed';
const PACKED_ID = 'seen-packed-id';
const PACKED_SETTINGS = 'seen-packed-settings';
/** This layout's id and settings (its columns' values: see seen-columns.ts). */
const RECORD_ID = 'seen-columns-id';
const RECORD_SETTINGS = 'seen-columns-settings';

/**
 * Changes kept as keys of their own over the columns: at most this many, then the whole is written
 * again. A rebuild changes a few files: reading a few thousand keys costs less than rewriting the whole.
 */
const CHANGES_KEPT = 4096;
/** A change's value for a path gone (a record's value is never empty). */
const REMOVED = '';

/** A change to the record: a file seen, or (undefined) a file gone or not to be trusted any more. */
export type SeenChange = [path: string, seen: FileSeen | undefined];

/** A record as the cache holds it: the columns, and the changes since (undefined: a path gone). */
interface SeenState {
  columns: SeenColumns;
  changes: ReadonlyMap<string, FileSeen | undefined>;
}

/** The record of a build, as the next build of the same process finds it without reading it back. */
export interface RememberedRecord extends SeenState {
  id: string;
  settings: string;
}

/** The last build's record. Heads are read from the post store when asked for: most rebuilds need a few. */
export class SeenFiles {
  /** Number of files seen. */
  readonly size: number;

  constructor(
    readonly id: string,
    /** Whether the cache holds this record as columns (else it is of an older layout, written whole at the next commit). */
    readonly isColumns: boolean,
    private readonly state: SeenState,
    /** The cache whose post store holds the heads: its part looked up at each read (see CacheDb.part). */
    private readonly db: CacheDb,
  ) {
    let size = state.columns.count;
    for (const [path, seen] of state.changes) {
      const recorded = state.columns.indexOf(path) >= 0;
      if (recorded && !seen) size--;
      else if (!recorded && seen) size++;
    }
    this.size = size;
  }

  get(path: string): FileSeen | undefined {
    const { columns, changes } = this.state;
    if (changes.has(path)) return changes.get(path);
    const n = columns.indexOf(path);
    return n < 0 ? undefined : columns.at(n);
  }

  /**
   * Where the record has each of `files`: for files sorted as the columns are (a listing), one
   * comparison a file, each found where the last one was left; a file out of that order is searched for.
   */
  placesOf(files: readonly { path: string }[]): SeenPlaces {
    const { columns, changes } = this.state;
    const { paths } = columns;
    const places = new Int32Array(files.length).fill(NOWHERE);
    const changed: FileSeen[] = [];
    let next = 0;
    for (let at = 0; at < files.length; at++) {
      const path = files[at]!.path;
      if (changes.size > 0 && changes.has(path)) {
        const seen = changes.get(path);
        if (seen) places[at] = changePlace(changed.push(seen) - 1);
        continue;
      }
      const n = paths[next] === path ? next : columns.indexOf(path);
      if (n < 0) continue;
      places[at] = n;
      next = n + 1;
    }
    return new SeenPlaces(columns, places, changed);
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
   * The paths seen that are not among `files` (`places`: where the record has them): none to look for
   * when it has them all. Marks, not a set of every path listed.
   */
  goneFrom(files: readonly { path: string }[], places: SeenPlaces): Set<string> {
    const gone = new Set<string>();
    if (places.known === this.size) return gone;
    const { columns, changes } = this.state;
    const met = new Uint8Array(columns.count);
    const changesMet = new Set<string>();
    for (let at = 0; at < files.length; at++) {
      const n = places.columnAt(at);
      if (n >= 0) met[n] = 1;
      else if (places.has(at)) changesMet.add(files[at]!.path);
    }
    for (let n = 0; n < columns.count; n++) if (!met[n] && !changes.has(columns.paths[n]!)) gone.add(columns.paths[n]!);
    for (const [path, seen] of changes) if (seen && !changesMet.has(path)) gone.add(path);
    return gone;
  }

  /** Every file seen, in no set order. */
  *entries(): Generator<[string, FileSeen]> {
    const { columns, changes } = this.state;
    for (let n = 0; n < columns.count; n++) if (!changes.has(columns.paths[n]!)) yield [columns.paths[n]!, columns.at(n)];
    for (const [path, seen] of changes) if (seen) yield [path, seen];
  }

  /** The record as the cache holds it, for a commit over it. */
  heldState(): SeenState {
    return this.state;
  }
}

/** A file the record does not have; a place below it is a change kept apart (see changePlace). */
const NOWHERE = -1;

/** The place of the `n`th change met, below NOWHERE. */
function changePlace(n: number): number {
  return NOWHERE - 1 - n;
}

/**
 * Where the record has each listed file, by its position in the list: a place in the columns, a change
 * kept apart, or none. Read by position: no object made a file, where most files are only compared.
 */
export class SeenPlaces {
  /** Number of listed files the record has. */
  readonly known: number;

  constructor(
    private readonly columns: SeenColumns,
    private readonly places: Int32Array,
    /** The changes met, by place (see changePlace). */
    private readonly changed: readonly FileSeen[],
  ) {
    let known = 0;
    for (const place of places) if (place !== NOWHERE) known++;
    this.known = known;
  }

  /** No file has a place: there is no record. */
  static none(count: number): SeenPlaces {
    return new SeenPlaces(SeenColumns.of([]), new Int32Array(count).fill(NOWHERE), []);
  }

  has(at: number): boolean {
    return this.places[at]! !== NOWHERE;
  }

  /** The file's place in the columns; -1 when it has none there (not recorded, or a change kept apart). */
  columnAt(at: number): number {
    return Math.max(this.places[at]!, -1);
  }

  /** The record's entry of the file, made when asked for. */
  at(at: number): FileSeen | undefined {
    const place = this.places[at]!;
    if (place >= 0) return this.columns.at(place);
    return this.changeAt(place);
  }

  key(at: number): string | undefined {
    const place = this.places[at]!;
    if (place >= 0) return this.columns.keys[place];
    return this.changeAt(place)?.key;
  }

  /** The size the record has for the file; NaN for none. */
  sizeAt(at: number): number {
    return this.stampAt(at, 0);
  }

  /** The modification time (ms) the record has for the file; NaN for none. */
  mtimeAt(at: number): number {
    return this.stampAt(at, 1);
  }

  /** Whether the record has the file with this size and time (undefined: not statted). */
  isStamp(at: number, stamp: FileStamp | undefined): boolean {
    return stamp !== undefined && isSameStamp(stamp.size, stamp.mtimeMs, this.sizeAt(at), this.mtimeAt(at));
  }

  private stampAt(at: number, field: 0 | 1): number {
    const place = this.places[at]!;
    if (place >= 0) return this.columns.stamps[2 * place + field]!;
    const seen = this.changeAt(place);
    if (!seen) return Number.NaN;
    return field === 0 ? seen.size : seen.mtimeMs;
  }

  /** The change kept apart at a place below the columns (see changePlace); undefined at NOWHERE. */
  private changeAt(place: number): FileSeen | undefined {
    return place === NOWHERE ? undefined : this.changed[NOWHERE - 1 - place];
  }
}

/**
 * What the last build saw, or undefined when there is no usable record (first build, other settings).
 * `remembered`: this process's last record, used while the cache still holds it (same id).
 */
export function loadSeenFiles(db: CacheDb, settings: string, remembered?: RememberedRecord): SeenFiles | undefined {
  const named = recordNamed(db);
  if (named === undefined || named.settings !== settings) return undefined;
  const { id, layout } = named;
  if (remembered?.id === id && remembered.settings === settings) return new SeenFiles(id, true, remembered, db);
  const state = readState(db, layout);
  return state && new SeenFiles(id, layout === 'columns', state, db);
}

/** The record's entries whatever settings it was made under; undefined when there is none. For tests. */
export function recordedFiles(db: CacheDb): Map<string, FileSeen> | undefined {
  const named = recordNamed(db);
  const state = named && readState(db, named.layout);
  return state && new Map(new SeenFiles(named.id, false, state, db).entries());
}

/** Whether a record is there at all (usable or not: see loadSeenFiles). */
export function hasSeenFiles(db: CacheDb): boolean {
  return recordNamed(db) !== undefined;
}

type Layout = 'keys' | 'packed' | 'columns';

/** The record's id, its settings and its layout; undefined when there is none to read. */
function recordNamed(db: CacheDb): { id: string; settings: string | undefined; layout: Layout } | undefined {
  const meta = db.part<string>('meta');
  const olderId = meta.get(OLDER_ID);
  // The same id under both names: a packed record committed by the packed layout's first code, which kept both.
  if (olderId !== undefined) return { id: olderId, settings: meta.get(OLDER_SETTINGS), layout: olderId === meta.get(PACKED_ID) ? 'packed' : 'keys' };
  // Older code's forget removes only its id: its record's keys are not changes over a whole.
  if (meta.get(OLDER_SETTINGS) !== undefined) return undefined;
  const packedId = meta.get(PACKED_ID);
  if (packedId !== undefined) return { id: packedId, settings: meta.get(PACKED_SETTINGS), layout: 'packed' };
  if (meta.get(PACKED_SETTINGS) !== undefined) return undefined;
  const id = meta.get(RECORD_ID);
  return id === undefined ? undefined : { id, settings: meta.get(RECORD_SETTINGS), layout: 'columns' };
}

/** The record held in `layout`; undefined when its columns do not agree (not trusted: every file is read). */
function readState(db: CacheDb, layout: Layout): SeenState | undefined {
  const changes = new Map<string, FileSeen | undefined>();
  for (const { key, value } of db.part<string>('seen').getRange()) changes.set(key, value === REMOVED ? undefined : decodeSeen(value));
  if (layout === 'columns') {
    const columns = readColumns(db);
    return columns && { columns, changes };
  }
  // An older layout: its whole (none for a key a path) with its changes applied, as columns.
  const entries = layout === 'packed' ? unpackSeen(db.part<string>('meta').get(PACKED)) : new Map<string, FileSeen>();
  for (const [path, seen] of changes) {
    if (seen) entries.set(path, seen);
    else entries.delete(path);
  }
  return { columns: SeenColumns.of(entries), changes: new Map() };
}

/**
 * Commits this build's record in one transaction: the changes over the last record (`base`, the one
 * loaded) as keys of their own while the cache holds it as columns and they stay few, else the whole
 * written again (without a base, the changes are the whole record). Returns the record, as the cache
 * now holds it.
 */
export async function commitSeenFiles(db: CacheDb, settings: string, base: SeenFiles | undefined, changes: readonly SeenChange[]): Promise<RememberedRecord> {
  const id = randomUUID();
  let state: SeenState | undefined;
  await db.transaction(() => {
    const seen = db.part<string>('seen');
    const meta = db.part<string>('meta');
    const named = recordNamed(db);
    const held = base?.isColumns && named?.layout === 'columns' && named.id === base.id ? base.heldState() : undefined;
    if (held && held.changes.size + changes.length <= CHANGES_KEPT) {
      const kept = new Map(held.changes);
      for (const [path, file] of changes) {
        seen.put(path, file ? encodeSeen(file) : REMOVED);
        kept.set(path, file);
      }
      state = { columns: held.columns, changes: kept };
    } else {
      for (const path of seen.getKeys()) seen.remove(path);
      state = { columns: columnsAfter(base, changes), changes: new Map() };
      putColumns(db, state.columns);
    }
    for (const name of [OLDER_ID, OLDER_SETTINGS, PACKED, PACKED_ID, PACKED_SETTINGS]) meta.remove(name);
    meta.put(RECORD_SETTINGS, settings);
    meta.put(RECORD_ID, id);
  });
  return { id, settings, ...state! };
}

/** The record after `changes` over `base`, as columns. */
function columnsAfter(base: SeenFiles | undefined, changes: readonly SeenChange[]): SeenColumns {
  const entries = new Map(base?.entries());
  for (const [path, seen] of changes) {
    if (seen) entries.set(path, seen);
    else entries.delete(path);
  }
  return SeenColumns.of(entries);
}

/** The packed layout's whole: path, `size \t mtimeMs \t key`, path… joined by NUL. */
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
    for (const name of [OLDER_ID, PACKED_ID, RECORD_ID]) db.part<string>('meta').remove(name);
  });
}

/** A change's value: `size \t mtimeMs \t key`. */
function encodeSeen(seen: FileSeen): string {
  return `${seen.size}\t${seen.mtimeMs}\t${seen.key}`;
}

function decodeSeen(value: string): FileSeen {
  const first = value.indexOf('\t');
  const second = value.indexOf('\t', first + 1);
  return { size: Number(value.slice(0, first)), mtimeMs: Number(value.slice(first + 1, second)), key: value.slice(second + 1) };
}
