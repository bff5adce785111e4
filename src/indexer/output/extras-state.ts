/**
 * What the last build's extras were made from and what they found (`extras-state.json` in the build
 * cache), so that a rebuild redoes only what its changes touch (docs/build-speed.md, "One edit"):
 * digests of the inputs (every post's id, name terms and further-reading inputs; each post's same-story
 * inputs), the same-story pairs, what each post excludes from further reading, and its suggestions.
 * Anything that does not match is simply found again over all posts, as a fresh build does.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importedCodeFingerprint } from '../incremental/code-version.ts';
import { SIGNATURE_SIZE, type StoryTable } from '../plan/same-story.ts';
import type { SameStories } from '../plan/same-story-update.ts';

const STATE_FILE = 'extras-state.json';
/** Bumped when the file's shape changes. */
const STATE_VERSION = 1;
/** Bytes of a post's same-story digest (sha1, cut): a collision would take 2^64 tries. */
const ROW_DIGEST_BYTES = 8;

export interface ExtrasState {
  /** The extras' code (see extrasCode): other rules find other pairs. */
  code: string;
  /** Digests over every row, in row order: ids; name terms (what each term's idf is made of); further-reading inputs. */
  ids: string;
  terms: string;
  reading: string;
  /** Each row's same-story inputs (title, time, outlet, print), ROW_DIGEST_BYTES a row. */
  stories: Buffer;
  /** The pairs, by row: [row, [[other row, similarity], …]]. */
  found: [number, [number, number][]][];
  /** Each post's further reading: [row, …suggested rows]. */
  further: number[][];
  /** What each post excluding any left out of its further reading: [row, …ids]. */
  excluded: [number, ...string[]][];
}

/** The last build's state, or undefined when there is none or it cannot be read. */
export async function loadExtrasState(cacheDir: string): Promise<ExtrasState | undefined> {
  try {
    const raw = JSON.parse(await readFile(join(cacheDir, STATE_FILE), 'utf8')) as Omit<ExtrasState, 'stories'> & { version: number; stories: string };
    if (raw.version !== STATE_VERSION) return undefined;
    return { ...raw, stories: Buffer.from(raw.stories, 'base64') };
  } catch {
    return undefined;
  }
}

export async function saveExtrasState(cacheDir: string, state: ExtrasState): Promise<void> {
  const path = join(cacheDir, STATE_FILE);
  await writeFile(`${path}.partial`, JSON.stringify({ version: STATE_VERSION, ...state, stories: state.stories.toString('base64') }));
  await rename(`${path}.partial`, path);
}

/** A fingerprint of the code that makes the extras: every module write-story-extras.ts imports, and the lock file. */
export function extrasCode(): Promise<string> {
  const entry = fileURLToPath(new URL('./write-story-extras.ts', import.meta.url));
  return importedCodeFingerprint([entry], fileURLToPath(new URL('../../../package-lock.json', import.meta.url)));
}

/** The digests of a table of posts: of its ids, of its name terms, and each post's of its same-story inputs. */
export function storyDigests(table: StoryTable): Pick<ExtrasState, 'ids' | 'terms' | 'stories'> {
  const ids = createHash('sha1');
  for (let at = 0; at < table.count; at++) ids.update(table.ids[at]!).update('\n');
  const end = table.termStarts[table.count]!;
  const terms = createHash('sha1')
    .update(bytes(table.termStarts.subarray(0, table.count + 1)))
    .update(bytes(table.termHashes.subarray(0, end)))
    .update(bytes(table.termCounts.subarray(0, end)));
  const stories = Buffer.alloc(table.count * ROW_DIGEST_BYTES);
  for (let at = 0; at < table.count; at++) {
    const row = createHash('sha1')
      .update(table.titles[at]!)
      .update(bytes(table.times.subarray(at, at + 1)))
      .update(`\n${table.outlets[at]! < 0 ? '' : table.outletNames[table.outlets[at]!]}\n${table.shingles[at]}\n${table.hasSignature[at]}`)
      .update(bytes(table.signatures.subarray(at * SIGNATURE_SIZE, (at + 1) * SIGNATURE_SIZE)))
      .update(bytes(table.termHashes.subarray(table.termStarts[at]!, table.termStarts[at + 1]!)))
      .update(bytes(table.termCounts.subarray(table.termStarts[at]!, table.termStarts[at + 1]!)));
    row.digest().copy(stories, at * ROW_DIGEST_BYTES, 0, ROW_DIGEST_BYTES);
  }
  return { ids: ids.digest('base64'), terms: terms.digest('base64'), stories };
}

/** The rows whose same-story digest differs between two builds of the same rows. */
export function changedRows(before: Buffer, after: Buffer): Set<number> {
  const changed = new Set<number>();
  for (let at = 0; at * ROW_DIGEST_BYTES < after.length; at++) {
    const start = at * ROW_DIGEST_BYTES;
    if (before.compare(after, start, start + ROW_DIGEST_BYTES, start, start + ROW_DIGEST_BYTES) !== 0) changed.add(at);
  }
  return changed;
}

export function foundByRow(found: SameStories, rowOf: ReadonlyMap<string, number>): ExtrasState['found'] {
  return [...found].map(([id, others]) => [rowOf.get(id)!, others.map((other): [number, number] => [rowOf.get(other.id)!, other.similarity])]);
}

export function foundOfState(found: ExtrasState['found'], ids: readonly string[]): SameStories {
  return new Map(found.map(([row, others]) => [ids[row]!, others.map(([other, similarity]) => ({ id: ids[other]!, similarity }))]));
}

export function furtherByRow(further: ReadonlyMap<number, readonly number[]>): number[][] {
  return [...further].map(([row, others]) => [row, ...others]);
}

export function furtherOfState(further: number[][]): Map<number, number[]> {
  return new Map(further.map(([row, ...others]) => [row!, others]));
}

function bytes(array: Float64Array | Int32Array | Uint32Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
