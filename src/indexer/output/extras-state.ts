/**
 * What the last build's extras were made from and what they found (`extras-state.bin` in the build
 * cache), so that a rebuild redoes only what its changes touch (docs/build-speed.md, "One edit", "Posts
 * added or removed"): every post's id and time, a digest of each one's same-story inputs and one of all
 * further-reading inputs, the same-story pairs and the candidate pairs the names rules decided, what each
 * post excludes from further reading, and its suggestions.
 * Anything that does not match is simply found again over all posts, as a fresh build does.
 */
import { createHash } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importedCodeFingerprint } from '../incremental/code-version.ts';
import { packageLock } from '../tool-cache.ts';
import { mix32 } from '../../shared/types.ts';
import { SIGNATURE_SIZE, type StoryTable } from '../plan/same-story.ts';
import type { SameStories, StoryChanges } from '../plan/same-story-update.ts';
import type { TermFrequencies } from '../plan/term-frequencies.ts';
import type { ExtrasFilesState } from './extras-files.ts';
import { ownBuffer, readCacheFile, readSections, sectionChunks, type SectionsHeader } from './data-file.ts';

const STATE_FILE = 'extras-state.bin';
/** The state's file of earlier versions (JSON, its long lists in base64): removed when a state is saved. */
const OLD_STATE_FILE = 'extras-state.json';
/** Bumped when the file's shape changes. */
const STATE_VERSION = 6;
/** Bytes of a post's same-story digest (see RowDigest). */
export const ROW_DIGEST_BYTES = 8;

export interface ExtrasState {
  /** The extras' code (see extrasCode): other rules find other pairs. */
  code: string;
  /** Every row's id and time (epoch ms), in row order: what a later build's rows are matched with. */
  ids: string[];
  times: number[];
  /** A digest of every row's further-reading inputs, in row order. */
  reading: string;
  /** A digest of the term frequencies the pairs were weighed with (see frequenciesDigest). */
  frequencies: string;
  /** Each row's digest of its same-story inputs (see storyDigests), ROW_DIGEST_BYTES a row. */
  stories: Buffer;
  /** The pairs, by row: [row, [[other row, similarity], …]]. */
  found: [number, [number, number][]][];
  /** The candidate pairs the names rules decided (see StoryPairs), by row. */
  byNames: [number, number][];
  /** Each post's further reading: its row, and the rows suggested. */
  further: ReadonlyMap<number, readonly number[]>;
  /** What each post excluding any left out of its further reading: [row, …ids]. */
  excluded: [number, ...string[]][];
  /** How the extras files were left (see extras-files.ts): absent, every file is made again. */
  files?: ExtrasFilesState;
}

/**
 * The state's file, in the layout of the cache's files of sections (see readSections in data-file.ts): a
 * JSON header (the short fields), then the long fields as bytes: no base64 to encode and decode, no
 * string of the whole to parse.
 */
type Header = Omit<ExtrasState, 'ids' | 'times' | 'further' | 'stories' | 'files'> &
  SectionsHeader & {
    version: number;
    files?: Omit<ExtrasFilesState, 'refs'>;
  };

/** The binary sections in file order: the ids (joined, UTF-8), times (float64), stories, further reading (packed), refs. */
const SECTIONS = ['ids', 'times', 'stories', 'further', 'refs'] as const;

/** Ids are file-name slugs: never a line break. */
const ID_SEPARATOR = '\n';

/**
 * The last build's state, or undefined when there is none or it cannot be read (a file cut short is not
 * trusted). Its ids are `rowIds` themselves when they are the same (compared as bytes, not decoded).
 */
export function loadExtrasState(cacheDir: string, rowIds?: string[]): ExtrasState | undefined {
  try {
    const read = readSections<Header, (typeof SECTIONS)[number]>(readCacheFile(join(cacheDir, STATE_FILE)), SECTIONS);
    if (read?.header.version !== STATE_VERSION) return undefined;
    const { version: _version, sections: _sections, files, ...rest } = read.header;
    const { ids: idBytes, times, stories, further: packed, refs } = read.sections;
    const ids =
      rowIds && idBytes.equals(Buffer.from(rowIds.join(ID_SEPARATOR))) ? rowIds : idBytes.length === 0 ? [] : idBytes.toString('utf8').split(ID_SEPARATOR);
    // Sections that disagree on the rows: not this writer's file.
    if (times.length !== ids.length * 8 || stories.length !== ids.length * ROW_DIGEST_BYTES || packed.length % 4 !== 0) return undefined;
    const further = unpackFurther(new Uint32Array(ownBuffer(packed)), ids.length);
    if (!further) return undefined;
    return {
      ...rest,
      ids,
      times: Array.from(new Float64Array(ownBuffer(times))),
      stories: Buffer.from(stories),
      further,
      ...(files ? { files: { ...files, refs: Buffer.from(refs) } } : {}),
    };
  } catch {
    return undefined;
  }
}

export async function saveExtrasState(cacheDir: string, state: ExtrasState): Promise<void> {
  const path = join(cacheDir, STATE_FILE);
  const { files, ids, times, stories, further, ...rest } = state;
  const times64 = Float64Array.from(times);
  const packed = packFurther(further);
  const parts: Record<(typeof SECTIONS)[number], Uint8Array> = {
    ids: Buffer.from(ids.join(ID_SEPARATOR)),
    times: new Uint8Array(times64.buffer, times64.byteOffset, times64.byteLength),
    stories,
    further: new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength),
    refs: files?.refs ?? Buffer.alloc(0),
  };
  const header: Omit<Header, 'sections'> = {
    version: STATE_VERSION,
    ...rest,
    ...(files ? { files: { dataRoot: files.dataRoot, files: files.files } } : {}),
  };
  await writeFile(`${path}.partial`, sectionChunks(header, SECTIONS, parts));
  await rename(`${path}.partial`, path);
  await rm(join(cacheDir, OLD_STATE_FILE), { force: true });
}

/** Each post's further reading in one array: its list's length (the row and those suggested), its row, the rows suggested. */
function packFurther(further: ReadonlyMap<number, readonly number[]>): Uint32Array {
  let length = 0;
  for (const others of further.values()) length += 2 + others.length;
  const packed = new Uint32Array(length);
  let at = 0;
  for (const [row, others] of further) {
    packed[at++] = 1 + others.length;
    packed[at++] = row;
    packed.set(others, at);
    at += others.length;
  }
  return packed;
}

/** The lists packed by packFurther, or undefined when one does not fit the array or names a row past `rows`. */
function unpackFurther(packed: Uint32Array, rows: number): Map<number, number[]> | undefined {
  const further = new Map<number, number[]>();
  // A plain loop, no view or closure a list: there is a list for most posts.
  for (let at = 0; at < packed.length;) {
    const length = packed[at++]!;
    if (length < 1 || at + length > packed.length) return undefined;
    const row = packed[at]!;
    const others: number[] = [];
    let past = row >= rows;
    for (let n = 1; n < length; n++) {
      const other = packed[at + n]!;
      others.push(other);
      past ||= other >= rows;
    }
    if (past) return undefined;
    further.set(row, others);
    at += length;
  }
  return further;
}

/** A digest of term frequencies: a saved table's are the last pairs' only when it matches the state's. */
export function frequenciesDigest({ hashes, counts }: TermFrequencies): string {
  return createHash('sha1')
    .update(new Uint8Array(hashes.buffer, hashes.byteOffset, hashes.byteLength))
    .update(new Uint8Array(counts.buffer, counts.byteOffset, counts.byteLength))
    .digest('base64');
}

/** A fingerprint of the code that makes the extras: every module write-story-extras.ts imports, and the lock file. */
export function extrasCode(): Promise<string> {
  const entry = fileURLToPath(new URL('./write-story-extras.ts', import.meta.url));
  return importedCodeFingerprint([entry], packageLock());
}

/**
 * Each row's digest of its print alone (signature, shingles, name terms), ROW_DIGEST_BYTES a row, for
 * the rows given (all by default), into `into`: what a row's same-story digest takes of its print. The
 * story table keeps it (story-table-cache.ts), so that a rebuild makes it only for the prints it read.
 */
export function printDigests(table: StoryTable, rows?: Iterable<number>, into = Buffer.alloc(table.count * ROW_DIGEST_BYTES)): Buffer {
  const digest = new RowDigest();
  for (const at of rows ?? Array.from({ length: table.count }, (_, row) => row)) {
    digest.start();
    digest.word(table.shingles[at]!);
    digest.word(table.hasSignature[at]!);
    digest.words(table.signatures, at * SIGNATURE_SIZE, (at + 1) * SIGNATURE_SIZE);
    digest.words(table.termHashes, table.termStarts[at]!, table.termStarts[at + 1]!);
    digest.words(table.termCounts, table.termStarts[at]!, table.termStarts[at + 1]!);
    digest.end(into, at * ROW_DIGEST_BYTES);
  }
  return into;
}

/**
 * The rows' ids and times, and each one's digest of its same-story inputs: its digest of what the list
 * shows of it (`shown`: title, date and tags, see shownDigests in extras-files.ts) with its print's
 * (`prints`, see printDigests). A change of a tag past the outlet weighs the row again: more work, never
 * a wrong pair.
 */
export function storyDigests(table: StoryTable, prints: Buffer, shown: Buffer): Pick<ExtrasState, 'ids' | 'times' | 'stories'> {
  const stories = Buffer.alloc(table.count * ROW_DIGEST_BYTES);
  const words = (digests: Buffer) => new Uint32Array(digests.buffer, digests.byteOffset, table.count * 2);
  const [shownWords, printWords] = [words(ownAligned(shown)), words(ownAligned(prints))];
  const digest = new RowDigest();
  for (let at = 0; at < table.count; at++) {
    digest.start();
    digest.words(shownWords, 2 * at, 2 * at + 2);
    digest.words(printWords, 2 * at, 2 * at + 2);
    digest.end(stories, at * ROW_DIGEST_BYTES);
  }
  return { ids: table.ids.slice(0, table.count), times: Array.from(table.times.subarray(0, table.count)), stories };
}

/** The bytes at an offset a 32-bit view can start at (a pooled Buffer's may not be), copied only when not. */
function ownAligned(bytes: Buffer): Buffer {
  return bytes.byteOffset % 4 === 0 ? bytes : Buffer.from(bytes);
}

/**
 * Two 32-bit lanes over a row's values (murmur3's mixing, and FNV's), ROW_DIGEST_BYTES in all: cheaper
 * than a sha1 fed piece by piece. A change is what it tells, not a forgery.
 */
export class RowDigest {
  private a = 0;
  private b = 0;
  private length = 0;

  start(): void {
    this.a = 0x9747b28c;
    this.b = 0x811c9dc5;
    this.length = 0;
  }

  word(value: number): void {
    let k = Math.imul(value, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    const a = this.a ^ k;
    this.a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
    this.b = Math.imul(this.b ^ value, 0x01000193);
    this.length++;
  }

  words(values: ArrayLike<number>, from: number, to: number): void {
    // The count first: [1, 2] then [] is not [1] then [2].
    this.word(to - from);
    for (let at = from; at < to; at++) this.word(values[at]!);
  }

  text(text: string): void {
    this.word(text.length);
    for (let at = 0; at < text.length; at++) this.word(text.charCodeAt(at));
  }

  end(into: Buffer, offset: number): void {
    // murmur3's finalizer: every bit of a lane moves every bit of its half.
    into.writeUInt32LE(mix32(this.a ^ this.length), offset);
    into.writeUInt32LE(mix32(this.b ^ this.length), offset + 4);
  }
}

/** The posts added, removed or changed (their same-story digest differs) since the last build, by id. */
export function storyChanges(
  last: Pick<ExtrasState, 'ids' | 'times' | 'stories'>,
  now: Pick<ExtrasState, 'ids' | 'times' | 'stories'>,
  sameRows = sameIds(last.ids, now.ids),
): StoryChanges {
  const gone = new Set<string>();
  const times: number[] = [];
  // The same rows (an edit): compared row by row, with no map of the last build's rows.
  if (sameRows) {
    for (let row = 0; row < now.ids.length; row++) {
      if (sameDigest(last.stories, row, now.stories, row)) continue;
      gone.add(now.ids[row]!);
      times.push(last.times[row]!, now.times[row]!);
    }
    return { gone, times };
  }
  const lastRow = new Map(last.ids.map((id, row) => [id, row]));
  for (let row = 0; row < now.ids.length; row++) {
    const before = lastRow.get(now.ids[row]!);
    lastRow.delete(now.ids[row]!);
    if (before === undefined) times.push(now.times[row]!);
    else if (!sameDigest(last.stories, before, now.stories, row)) {
      gone.add(now.ids[row]!);
      times.push(last.times[before]!, now.times[row]!);
    }
  }
  for (const [id, row] of lastRow) {
    gone.add(id);
    times.push(last.times[row]!);
  }
  return { gone, times };
}

/** Whether row `beforeRow` of one build's digests (ROW_DIGEST_BYTES a row) is row `afterRow`'s of another. */
export function sameDigest(before: Buffer, beforeRow: number, after: Buffer, afterRow: number): boolean {
  const [start, end] = [afterRow * ROW_DIGEST_BYTES, (afterRow + 1) * ROW_DIGEST_BYTES];
  return before.compare(after, start, end, beforeRow * ROW_DIGEST_BYTES, (beforeRow + 1) * ROW_DIGEST_BYTES) === 0;
}

/** Whether two builds list the same posts in the same rows. */
export function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((id, row) => id === b[row]));
}

export function foundByRow(found: SameStories, rowOf: ReadonlyMap<string, number>): ExtrasState['found'] {
  return [...found].map(([id, others]) => [rowOf.get(id)!, others.map((other): [number, number] => [rowOf.get(other.id)!, other.similarity])]);
}

export function foundOfState(found: ExtrasState['found'], ids: readonly string[]): SameStories {
  return new Map(found.map(([row, others]) => [ids[row]!, others.map(([other, similarity]) => ({ id: ids[other]!, similarity }))]));
}

export function byNamesByRow(byNames: readonly [string, string][], rowOf: ReadonlyMap<string, number>): ExtrasState['byNames'] {
  return byNames.map(([a, b]) => [rowOf.get(a)!, rowOf.get(b)!]);
}

export function byNamesOfState(byNames: ExtrasState['byNames'], ids: readonly string[]): [string, string][] {
  return byNames.map(([a, b]) => [ids[a]!, ids[b]!]);
}
