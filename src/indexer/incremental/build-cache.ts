/**
 * The build cache, behind one entry point: what changed since the last build (`whatChanged`), the
 * parsed posts (`posts`), and what each output folder was last given (`output`). All of it lives in two
 * LMDB files (cache-db.ts); each step a build must not leave half-done is one transaction: a post's
 * entry (post-store.ts), the record of files seen (seen-files.ts), an output folder's state, plan and
 * search rows (last-build.ts). A build killed at any point leaves a cache the next build uses or
 * rebuilds from.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PostFileRef } from '../read-posts.ts';
import type { IngestedFile } from '../workers/ingest-file.ts';
import { CACHE_DB_FILE, CACHE_PARTS, fileOf, HEADS_DB_FILE, openCacheDb, RETIRED_PARTS, type CacheDb, type CacheFile, type CachePart } from './cache-db.ts';
import { OutputRecord, removeDeadOutputs, type RememberedOutput } from './last-build.ts';
import { diskStore, type PostStore } from './post-store.ts';
import { isRecordExactly, readPruneMark, setPruneMark, takePruneMark } from './prune-mark.ts';
import {
  commitSeenFiles,
  forgetSeenFiles,
  hasSeenFiles,
  loadSeenFiles,
  SeenPlaces,
  type RememberedRecord,
  type SeenChange,
  type SeenFiles,
} from './seen-files.ts';

/**
 * The layout of the cache's databases. A cache of another format is discarded, not read: changed
 * whenever what a database holds changes. 1: posts in LMDB, the rest in files of their own; 2: all in LMDB;
 * 3: posts' large parts compressed (see cache-db.ts); 4: a post's related links with its body, its search
 * tokens not in JSON (see post-store.ts and post-digest.ts); 5: no part compressed (reverted); 6: the
 * posts' heads and prints in a file of their own (see cache-db.ts); the next format is 7.
 */
export const CACHE_FORMAT = '6';

/**
 * A stamp each of the two files holds, the same in both, made when the cache is emptied: a `heads.lmdb`
 * of another cache (copied in, or one missing) is never read beside the main file.
 */
const PAIR = 'pair';

/** What the cache folder held before format 2, removed with an older cache. */
const LEGACY_FILES = /^(?:files-seen\.(?:tsv|ndjson)|file-heads-.*\.ndjson|output-[0-9a-f]+\.(?:state|json).*|packs)$/;

/**
 * What a process remembers of the last build it wrote, for its next one: a build that stays up (vite
 * build --watch, the dev server) keeps one and hands it to each build, which then does not read the
 * record of files and the output's state back. Each is used only while the cache still holds it.
 */
export interface BuildMemory {
  record?: RememberedRecord;
  output?: RememberedOutput;
}

export interface BuildCache {
  readonly dir: string;
  /** Parsed posts, by content key. */
  readonly posts: PostStore;
  /** Why the cache found in the folder was discarded (an older format); undefined when it was used. */
  readonly discarded: string | undefined;
  /** Whether a last build's record of files is there: a rebuild, which stats every file. */
  hasRecord(): boolean;
  /**
   * What changed in `files` since the last build made under the same `settings`: `isAsSeen(at, seen)`
   * says whether a file the last build saw has the size and time the record gives it; a promise of it is
   * awaited once the record is read, so that stats made elsewhere meanwhile overlap the read, and only
   * when there is a record to compare them with (the promise must not reject).
   */
  whatChanged(files: readonly PostFileRef[], settings: string, isAsSeen: IsAsSeen | Promise<IsAsSeen>): Promise<FileChanges>;
  /**
   * The part of the cache about one output folder (its `data/`); `from`: the same folder's record on an
   * opening since closed, whose read of the last build it goes on from.
   */
  output(dataRoot: string, from?: OutputRecord): OutputRecord;
  /** Drops the record of files: the next build reads every file (after a build that lost store entries). */
  forgetFiles(): Promise<void>;
  /**
   * Forgets every post entry but these (this build's keys, those of the record it committed), and the
   * output folders that are gone. Only the last build's keys of files changed or gone are looked at
   * when the store held nothing else (see prune-mark.ts); else every key. The store is marked as
   * holding only the record's keys when `keep` is exactly those.
   */
  prune(keep: Iterable<string>): Promise<void>;
  /** Waits for every commit. */
  close(): Promise<void>;
}

/**
 * Whether the file at `at` of the files has the size and time the last build's record gives it (`seen`,
 * by place: see SeenPlaces.sizeAt); false when it cannot be statted.
 */
export type IsAsSeen = (at: number, seen: SeenPlaces) => boolean;

/**
 * Opens the cache in `dir` (made when missing). A cache of an older format is emptied first, and says
 * so in `discarded`.
 */
export function openBuildCache(dir: string, memory: BuildMemory = {}): BuildCache {
  const db = openCacheDb(dir);
  const discarded = discardOlderFormat(dir, db);
  const posts = diskStore(dir, db);
  let changes: FileChanges | undefined;
  return {
    dir,
    posts,
    discarded,
    hasRecord: () => hasSeenFiles(db),
    async whatChanged(files, settings, isAsSeen) {
      const previous = loadSeenFiles(db, settings, memory.record);
      memory.record = undefined;
      // Without a record no file is compared: its stats are not waited for (their threads end on their own).
      const isAsSeenNow = previous ? await isAsSeen : () => false;
      const storeHoldsOnlyPrevious = previous !== undefined && readPruneMark(db) === previous.id;
      changes = new FileChanges(db, settings, files, previous, isAsSeenNow, memory, storeHoldsOnlyPrevious);
      // Taken before the first put: should the build die before its prune, the next one walks every key. A
      // build that reads no file puts nothing: the mark stays, and its new record's id no longer matches it.
      if (changes.toRead.length > 0) takePruneMark(db);
      return changes;
    },
    output: (dataRoot, from) => new OutputRecord(db, dataRoot, memory, from),
    forgetFiles: () => forgetSeenFiles(db),
    async prune(keep) {
      const recordId = changes?.recordId;
      const kept = [...keep];
      await posts.prune(kept, recordId === undefined ? undefined : changes?.maybeUnusedKeys());
      await removeDeadOutputs(db);
      // A caller keeping more, or other keys, leaves the store holding what no record names: no mark.
      await setPruneMark(db, isRecordExactly(changes?.recordKeys, kept) ? recordId : undefined);
    },
    async close() {
      await posts.close();
      // Each opening holds one of LMDB's 126 reader slots until closed: a build that stays up opens one a rebuild.
      await db.close();
    },
  };
}

/**
 * The files of this build against the last build's record: those unchanged (same size and time) have
 * their key already; the others (`toRead`) are read, and each result is told to `saw`. `commit` then
 * saves this build's record, in one transaction.
 */
export class FileChanges {
  /** Where the last build's record has each file, if it does. */
  readonly seen: SeenPlaces;
  /** Each file's store key: known for an unchanged file; the caller fills in the others. */
  readonly keys: (string | undefined)[];
  /** The positions of the files to read (new, or changed since the last build). */
  readonly toRead: number[] = [];
  /** The paths of the last build's record that are gone. */
  readonly gone: ReadonlySet<string>;
  private readonly changes: SeenChange[] = [];
  /** The record this build committed: its id and the keys it names. */
  private committed: { id: string; keys: string[] } | undefined;
  /**
   * The last build's keys of the files read or gone: the only entries this build may leave unused, when
   * the store held only the last record's keys; undefined when it may hold others.
   */
  private maybeUnused: string[] | undefined;

  constructor(
    private readonly db: CacheDb,
    private readonly settings: string,
    files: readonly PostFileRef[],
    /** The last build's record (undefined: none usable). */
    readonly previous: SeenFiles | undefined,
    isAsSeen: IsAsSeen,
    private readonly memory: BuildMemory,
    /** Whether the store holds only the keys of `previous` (see prune-mark.ts). */
    storeHoldsOnlyPrevious: boolean,
  ) {
    const seen = previous ? previous.placesOf(files) : SeenPlaces.none(files.length);
    this.seen = seen;
    this.keys = Array.from({ length: files.length });
    this.gone = previous?.goneFrom(files, seen) ?? new Set();
    for (const path of this.gone) this.changes.push([path, undefined]);
    for (let at = 0; at < files.length; at++) {
      if (seen.has(at) && isAsSeen(at, seen)) this.keys[at] = seen.key(at);
      else this.toRead.push(at);
    }
    if (!storeHoldsOnlyPrevious || !previous) return;
    const maybeUnused: string[] = [];
    for (const at of this.toRead) if (seen.has(at)) maybeUnused.push(seen.key(at)!);
    for (const path of this.gone) maybeUnused.push(previous.get(path)!.key);
    this.maybeUnused = maybeUnused;
  }

  /** The id of the record this build committed (undefined before its commit). */
  get recordId(): string | undefined {
    return this.committed?.id;
  }

  /** The store keys the committed record names, in the order of the files; each once (a key folds in its file's path). */
  get recordKeys(): readonly string[] | undefined {
    return this.committed?.keys;
  }

  /**
   * The entries this build may leave unused, when the store held only the last record's keys: the
   * last build's keys of the files read or gone (a file read stores only what this build keeps).
   * Undefined when the store may hold others: every key is looked at.
   */
  maybeUnusedKeys(): readonly string[] | undefined {
    return this.maybeUnused;
  }

  /** A parse whose result was lost (its worker died): its entry, if stored, is one no record names. */
  noteLostPuts(): void {
    this.maybeUnused = undefined;
  }

  /** A file read this build: recorded when it was stored, else read again next time. */
  saw(file: IngestedFile, at: number): void {
    this.keys[at] = file.key;
    if (file.key && file.seen) this.changes.push([file.path, file.seen]);
    else if (this.seen.has(at)) this.changes.push([file.path, undefined]);
  }

  /** Saves this build's record (once the store entries it names are committed); returns its id. */
  async commit(): Promise<string> {
    const record = await commitSeenFiles(this.db, this.settings, this.previous, this.changes);
    // Kept apart: the caller empties `keys` once it has planned (see ingest.ts).
    this.committed = { id: record.id, keys: this.keys.filter((key): key is string => key !== undefined) };
    this.memory.record = record;
    return record.id;
  }
}

/** Empties a cache of another format; returns why, or undefined when the cache is of this format or new. */
function discardOlderFormat(dir: string, db: CacheDb): string | undefined {
  const meta = db.part<string>('meta');
  const format = meta.get('format');
  const pair = meta.get(PAIR);
  const paired = pair !== undefined && db.part<string>('heads-meta').get(PAIR) === pair;
  const legacy = readdirSync(dir).filter((name) => LEGACY_FILES.test(name));
  const removeLegacy = () => legacy.forEach((name) => rmSync(join(dir, name), { recursive: true, force: true }));
  if (format === CACHE_FORMAT && paired) {
    removeLegacy();
    return undefined;
  }
  const parts = Object.keys(CACHE_PARTS) as CachePart[];
  const isFileEmpty = (file: CacheFile) => parts.every((part) => fileOf(part) !== file || isEmpty(db, part));
  const unmarked = format === undefined && legacy.length === 0;
  const mainEmpty = isFileEmpty('main');
  const used = !unmarked || !mainEmpty || !isFileEmpty('heads');
  // A main file with nothing in it beside a heads file with something: cache.lmdb was deleted, not of format 1.
  const mainLost = unmarked && mainEmpty;
  // A new cache has nothing to empty: each clearSync is a transaction of its own, flushed to disk
  // (~0.13 s of a cold build of 24 posts).
  // The format goes last: a build killed while emptying leaves a cache the next build empties again.
  if (used) for (const part of parts) db.part(part).clearSync();
  if (used) for (const name of RETIRED_PARTS) db.dropRetired(name);
  removeLegacy();
  const stamp = randomUUID();
  // One synchronous commit a file, not one a value: the heads file's stamp, then the main file's with the format.
  db.part<string>('heads-meta').putSync(PAIR, stamp);
  meta.transactionSync(() => {
    meta.put(PAIR, stamp);
    meta.put('format', CACHE_FORMAT);
  });
  if (!used) return undefined;
  if (mainLost) return `the build cache in ${dir} had lost its main file (${CACHE_DB_FILE}), its heads file kept: discarded, every post is parsed again`;
  if (format === CACHE_FORMAT) return `the build cache in ${dir} had a heads file (${HEADS_DB_FILE}) not its own: discarded, every post is parsed again`;
  return `the build cache in ${dir} was made by another version (cache format ${format ?? '1'}, now ${CACHE_FORMAT}): discarded, every post is parsed again`;
}

function isEmpty(db: CacheDb, part: CachePart): boolean {
  for (const _ of db.part(part).getKeys({ limit: 1 })) return false;
  return true;
}
