/**
 * Writes the extras files (`extras/<n>.json`, an ExtrasBucket each). Over the last build's files, left
 * as it wrote them (same size and time), only the files holding a post whose entry may have changed are
 * made: its lists, or the title, date or tags of a post it lists. Otherwise every file is made and
 * compared with what is there. Either way a file is written only when its text changed.
 */
import { statSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { extrasBucketCount, postBucket, type ExtrasBucket, type PostExtras, type StoryRef } from '../../shared/types.ts';
import { MAX_SAME_STORY } from '../plan/same-story.ts';
import type { SameStories } from '../plan/same-story-update.ts';
import { readDataFileSync, writeDataFile, type DataCompression } from './data-file.ts';
import { ROW_DIGEST_BYTES, sameDigest, sameIds } from './extras-state.ts';

export const EXTRAS_FOLDER = 'extras';

/** The posts as the metadata shards list them, by row: what an extras entry names of a post. */
export interface Rows {
  ids: string[];
  titles: string[];
  dates: string[];
  tags: string[][];
  rowOf: Map<string, number>;
}

/** How a build left the extras files, kept in the extras' state for the next one. */
export interface ExtrasFilesState {
  /** The data folder written. */
  dataRoot: string;
  /** Each file's size and modification time (ms), as left; -1 for a file not there. */
  files: [size: number, mtimeMs: number][];
  /** Each row's digest of its title, date and tags (what an entry lists of it), ROW_DIGEST_BYTES a row. */
  refs: Buffer;
}

/** The entries: each post's other reports (by id), and its further reading (by row). */
export interface ExtrasEntries {
  found: SameStories;
  further: ReadonlyMap<number, readonly number[]>;
}

/** The last build's entries, by its rows, and how it left the files. */
export interface LastEntries {
  ids: readonly string[];
  found: [number, [number, number][]][];
  further: ReadonlyMap<number, readonly number[]>;
  files?: ExtrasFilesState;
  /** Whether `ids` are this build's rows, in order, when the caller has compared them. */
  sameRows?: boolean;
}

export interface WrittenExtrasFiles {
  written: number;
  unchanged: number;
  /** Files made and compared with what was there (the others were known to be unchanged). */
  made: number;
  state: ExtrasFilesState;
}

export async function writeExtrasFiles(
  dataRoot: string,
  rows: Rows,
  entries: ExtrasEntries,
  last: LastEntries | undefined,
  { postBuckets, compression, shown }: { postBuckets: number; compression: DataCompression; shown: Buffer },
): Promise<WrittenExtrasFiles> {
  const fileCount = extrasBucketCount(postBuckets);
  const fileOf = (id: string) => postBucket(id, fileCount);
  const folder = join(dataRoot, EXTRAS_FOLDER);
  await mkdir(folder, { recursive: true });
  const pathOf = (n: number) => join(folder, `${n}.json`);
  const stats = Array.from({ length: fileCount }, (_, n) => statOf(pathOf(n)));
  const toMake = last?.files ? filesToMake(rows, entries, { ...last, files: last.files }, { dataRoot, stats, refs: shown, fileOf }) : undefined;

  // Each file's posts, in id order; its entries made, written and let go one file at a time. Only the
  // files to make are gathered: no list or map of every post's entry for an edit's few files.
  // Arrays, not sets (a cold pass made ~16k small ones): an id is added once, from found or else from further.
  const postsOfFile = new Map<number, string[]>();
  const add = (id: string) => {
    const n = fileOf(id);
    if (toMake && !toMake.has(n)) return;
    const posts = postsOfFile.get(n);
    if (posts) posts.push(id);
    else postsOfFile.set(n, [id]);
  };
  for (const id of entries.found.keys()) add(id);
  for (const row of entries.further.keys()) {
    const id = rows.ids[row]!;
    if (!entries.found.has(id)) add(id);
  }
  const refOf = (id: string): StoryRef => {
    const row = rows.rowOf.get(id)!;
    return { id, title: rows.titles[row]!, date: rows.dates[row]!, tags: rows.tags[row]! };
  };
  let written = 0;
  let made = 0;
  for (let n = 0; n < fileCount; n++) {
    if (toMake && !toMake.has(n)) continue;
    made++;
    const file: ExtrasBucket = {};
    for (const id of (postsOfFile.get(n) ?? []).sort()) {
      const extras: PostExtras = {};
      const others = entries.found.get(id);
      if (others) extras.sameStory = others.slice(0, MAX_SAME_STORY).map((other) => refOf(other.id));
      const suggested = entries.further.get(rows.rowOf.get(id)!);
      if (suggested) extras.furtherReading = suggested.map((other) => refOf(rows.ids[other]!));
      file[id] = extras;
    }
    if (await writeIfChanged(dataRoot, `${EXTRAS_FOLDER}/${n}.json`, JSON.stringify(file), compression)) {
      written++;
      stats[n] = statOf(pathOf(n));
    }
  }
  for (const name of await readdir(folder)) {
    const number = /^(\d+)\.json$/.exec(name)?.[1];
    if (number === undefined || Number(number) >= fileCount) await rm(join(folder, name), { force: true });
  }
  return { written, unchanged: fileCount - written, made, state: { dataRoot, files: stats, refs: shown } };
}

/** What filesToMake compares with the last build: this build's files, row digests and bucket of a post. */
interface FilesNow {
  dataRoot: string;
  stats: readonly [number, number][];
  refs: Buffer;
  fileOf: (id: string) => number;
}

/**
 * The files holding a post whose entry may differ from the last build's, or that are not as it left
 * them; undefined (every file) when the last build wrote another folder or another number of files.
 */
function filesToMake(rows: Rows, entries: ExtrasEntries, last: LastEntries & { files: ExtrasFilesState }, now: FilesNow): Set<number> | undefined {
  const { files } = last;
  if (files.dataRoot !== now.dataRoot || files.files.length !== now.stats.length || files.refs.length !== last.ids.length * ROW_DIGEST_BYTES) return undefined;
  const toMake = filesNotAsLeft(files, now.stats);
  const sameRows = last.sameRows ?? sameIds(last.ids, rows.ids);
  const rowBefore = lastRowOfEach(rows, last.ids, sameRows);
  const shownChanged = rowsShownOtherwise(rowBefore, files.refs, now.refs);
  for (const row of rowsWithOtherEntries(rows, entries, last, { rowBefore, sameRows, shownChanged })) toMake.add(now.fileOf(rows.ids[row]!));
  // A post gone takes its entry out of its file.
  for (const row of [...last.found.map(([row]) => row), ...last.further.keys()]) if (!rows.rowOf.has(last.ids[row]!)) toMake.add(now.fileOf(last.ids[row]!));
  return toMake;
}

/** The files whose size or time is not what the last build left (or that are not there). */
function filesNotAsLeft(files: ExtrasFilesState, stats: readonly [number, number][]): Set<number> {
  const notAsLeft = new Set<number>();
  stats.forEach(([size, mtimeMs], n) => {
    const [lastSize, lastMtimeMs] = files.files[n]!;
    if (size < 0 || size !== lastSize || mtimeMs !== lastMtimeMs) notAsLeft.add(n);
  });
  return notAsLeft;
}

/** Each row's row at the last build (-1: new); the same rows in the same order (an edit) need no map. */
function lastRowOfEach(rows: Rows, lastIds: readonly string[], sameRows: boolean): Int32Array {
  const count = rows.ids.length;
  const rowBefore = new Int32Array(count);
  if (sameRows) for (let row = 0; row < count; row++) rowBefore[row] = row;
  else {
    const lastRowOf = new Map(lastIds.map((id, at) => [id, at]));
    for (let row = 0; row < count; row++) rowBefore[row] = lastRowOf.get(rows.ids[row]!) ?? -1;
  }
  return rowBefore;
}

/**
 * A byte a row: 1 where the title, date or tags an entry shows of the row are not the last build's (or
 * the row is new); undefined when no row's are, so that the lists need not be looked at for them.
 */
function rowsShownOtherwise(rowBefore: Int32Array, lastRefs: Buffer, refs: Buffer): Uint8Array | undefined {
  let shownChanged: Uint8Array | undefined;
  for (let row = 0; row < rowBefore.length; row++) {
    const before = rowBefore[row]!;
    if (before >= 0 && sameDigest(lastRefs, before, refs, row)) continue;
    (shownChanged ??= new Uint8Array(rowBefore.length))[row] = 1;
  }
  return shownChanged;
}

/** The rows whose entry lists other posts than at the last build, or a post whose title, date or tags changed. */
function* rowsWithOtherEntries(
  rows: Rows,
  entries: ExtrasEntries,
  last: LastEntries,
  { rowBefore, sameRows, shownChanged }: { rowBefore: Int32Array; sameRows: boolean; shownChanged: Uint8Array | undefined },
): Generator<number> {
  const lastFound = new Map(last.found);
  const listsShownChange = (listed: Iterable<number>) => {
    if (!shownChanged) return false;
    for (const other of listed) if (shownChanged[other]) return true;
    return false;
  };
  const samePost = (other: number, lastOther: number) => (sameRows ? other === lastOther : rows.ids[other] === last.ids[lastOther]);
  const sameStoryRows = (others: readonly { id: string }[]) => others.slice(0, MAX_SAME_STORY).map((other) => rows.rowOf.get(other.id)!);
  for (let row = 0; row < rows.ids.length; row++) {
    const before = rowBefore[row]!;
    const same = entries.found.get(rows.ids[row]!);
    const further = entries.further.get(row);
    const sameBefore = before < 0 ? undefined : lastFound.get(before);
    const furtherBefore = before < 0 ? undefined : last.further.get(before);
    if (same === undefined && further === undefined && sameBefore === undefined && furtherBefore === undefined) continue;
    if (
      !sameStoryAsBefore(same, sameBefore, last.ids) ||
      !furtherAsBefore(further, furtherBefore, samePost) ||
      (same !== undefined && listsShownChange(sameStoryRows(same))) ||
      (further !== undefined && listsShownChange(further))
    )
      yield row;
  }
}

/** Whether a post's other reports list the same posts as at the last build (by its rows: [row, similarity]). */
function sameStoryAsBefore(now: readonly { id: string }[] | undefined, before: readonly [number, number][] | undefined, lastIds: readonly string[]): boolean {
  if (now === undefined || before === undefined) return now === before;
  const length = Math.min(now.length, MAX_SAME_STORY);
  if (length !== Math.min(before.length, MAX_SAME_STORY)) return false;
  for (let at = 0; at < length; at++) if (now[at]!.id !== lastIds[before[at]![0]]) return false;
  return true;
}

/** Whether a post's further reading (rows now) lists the same posts as at the last build (rows then). */
function furtherAsBefore(
  now: readonly number[] | undefined,
  before: readonly number[] | undefined,
  samePost: (row: number, lastRow: number) => boolean,
): boolean {
  if (now === undefined || before === undefined) return now === before;
  if (now.length !== before.length) return false;
  for (let at = 0; at < now.length; at++) if (!samePost(now[at]!, before[at]!)) return false;
  return true;
}

/** A file's size and modification time, or -1 for both when it is not there. */
function statOf(path: string): [number, number] {
  // Synchronous: the files are small and many, and each awaited stat costs a promise.
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? [stat.size, stat.mtimeMs] : [-1, -1];
}

/** Writes a data file unless it holds this JSON already; returns whether it wrote. */
export async function writeIfChanged(dataRoot: string, path: string, json: string, compression: DataCompression): Promise<boolean> {
  // Read synchronously, as statOf: the files are small and many.
  if (readIfThere(join(dataRoot, path)) === json) return false;
  await writeDataFile(dataRoot, path, json, compression);
  return true;
}

/** A data file's text, or undefined when it cannot be read. */
function readIfThere(file: string): string | undefined {
  try {
    return readDataFileSync(file).toString('utf8');
  } catch {
    return undefined;
  }
}
