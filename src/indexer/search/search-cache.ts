/**
 * Patching the last build's search index instead of making it again from every post's tokens (at 200k
 * posts: reading 200k token lists back from the store and feeding ~80M postings, ~25 s of a rebuild
 * that changed one post).
 *
 * The index is read back from the files the last build wrote (search-patch.ts); the build cache keeps
 * next to the output state only the store key of every row they number, and the index's size. A
 * rebuild maps each old row to its new row through the keys (an unchanged post keeps its key, whatever
 * its row now is; a patched plan gives the mapping itself), drops the rows of posts that are gone or
 * changed, and merges in the postings of the posts that are new or changed.
 */
import type { SearchIndexStats } from '../../shared/types.ts';
import { varintAt, varintEnd, varintLength, writeVarint } from '../../shared/varint.ts';
import type { TokenPostings } from './search-index.ts';

/**
 * The build the written index belongs to, the size of its head (the shards before the tail, see
 * search-format.ts), its tail, and the keys of all the rows it numbers.
 */
export interface CachedRows {
  buildId: string;
  stats: Pick<SearchIndexStats, 'tokens' | 'bytes' | 'shards' | 'pieces'>;
  /**
   * The tail's first row and directory (as meta.json names them), its tokens, bytes and shards, and
   * the search format it was written in. Absent in a cache written before indexes had a tail: such an
   * index is not patched (nor one of another format).
   */
  tail?: { from: number; tokens: number; bytes: number; shards: number; directory: string[]; version: number };
  keys: string[];
}

/**
 * How the last build's rows become this build's: `newRowOf[oldRow]` (-1 for a post gone or changed),
 * and the rows whose posts the cache does not hold (new or changed), ascending. Undefined when old rows
 * would change their order (ids reassigned, say): the patch keeps each list's order, so such a build
 * makes its index from scratch.
 */
export interface RowMapping {
  newRowOf: Int32Array;
  freshRows: number[];
  /**
   * Set when every kept old row moved by this same amount (an edit: 0; posts added on top: their
   * number). Then a token without fresh postings keeps its encoded list but for its first delta (its
   * row), unless it names a dropped row: the common rebuild copies bytes instead of re-encoding ~90M postings.
   */
  shift?: number;
  /** Whether any old row was dropped (its post gone or changed). */
  dropsRows: boolean;
}

export function mapRows(oldKeys: readonly string[], newKeys: readonly string[]): RowMapping | undefined {
  const oldRowOf = new Map<string, number>();
  oldKeys.forEach((key, row) => oldRowOf.set(key, row));
  const newRowOf = new Int32Array(oldKeys.length).fill(-1);
  const freshRows: number[] = [];
  newKeys.forEach((key, row) => {
    const old = oldRowOf.get(key);
    if (old === undefined) freshRows.push(row);
    else newRowOf[old] = row;
  });
  return rowMapping(newRowOf, freshRows);
}

/** The mapping of these rows (see RowMapping), or undefined when it would reorder old rows. */
export function rowMapping(newRowOf: Int32Array, freshRows: number[]): RowMapping | undefined {
  let last = -1;
  let shift: number | undefined;
  let uniform = true;
  let dropsRows = false;
  for (let old = 0; old < newRowOf.length; old++) {
    const row = newRowOf[old]!;
    if (row < 0) {
      dropsRows = true;
      continue;
    }
    if (row <= last) return undefined;
    last = row;
    shift ??= row - old;
    if (row - old !== shift) uniform = false;
  }
  const mapping: RowMapping = { newRowOf, freshRows, dropsRows };
  if (uniform) mapping.shift = shift ?? 0;
  return mapping;
}

/**
 * Whether the last build's tail (from `oldFrom` on) is this build's (from `newFrom` on), row for row:
 * each of its rows holds the same post (the same store key) as before, and there are as many rows.
 * Then no row of it can be fresh: the posts edited are older.
 */
export function sameTail(mapping: RowMapping, oldFrom: number, newFrom: number, postCount: number): boolean {
  if (oldFrom !== newFrom || mapping.newRowOf.length !== postCount) return false;
  for (let old = oldFrom; old < postCount; old++) if (mapping.newRowOf[old] !== old) return false;
  return true;
}

/**
 * How the last build's head (the rows before its tail, see search-format.ts) becomes this build's:
 * the old head held the rows before `oldFrom`, the new one holds those before `newFrom`. A row of the
 * old tail now in the head is fresh to it (its postings were not there); a row of the old head now in
 * the tail (the archive shrank) leaves it, as a dropped row does. `dropped`: the old rows that leave
 * the head, ascending. Undefined when the mapping would reorder old rows.
 */
export function headMapping(mapping: RowMapping, oldFrom: number, newFrom: number): { mapping: RowMapping; dropped: number[] } | undefined {
  const newRowOf = new Int32Array(oldFrom);
  const dropped: number[] = [];
  for (let old = 0; old < oldFrom; old++) {
    const row = mapping.newRowOf[old]!;
    newRowOf[old] = row < newFrom ? row : -1;
    if (newRowOf[old]! < 0) dropped.push(old);
  }
  const fresh = mapping.freshRows.filter((row) => row < newFrom);
  for (let old = oldFrom; old < mapping.newRowOf.length; old++) {
    const row = mapping.newRowOf[old]!;
    if (row >= 0 && row < newFrom) fresh.push(row);
  }
  const head = rowMapping(
    newRowOf,
    fresh.sort((a, b) => a - b),
  );
  return head && { mapping: head, dropped };
}

/**
 * The last build's index (`old`: its whole lists in token order, see readWrittenIndex) with its rows
 * renumbered by `mapping`, merged with `fresh` (the postings of the fresh rows, already numbered as this
 * build's): the token stream of this build's whole index. `dropped`, when known: every token of the
 * posts whose old rows are dropped (see shiftPostings).
 */
export function* patchIndex(
  old: Iterable<TokenPostings>,
  mapping: RowMapping,
  fresh: Iterable<TokenPostings>,
  dropped?: ReadonlySet<string>,
): Generator<TokenPostings> {
  const reader = old[Symbol.iterator]();
  const freshLists = fresh[Symbol.iterator]();
  let last = reader.next();
  let added = freshLists.next();
  while (!last.done || !added.done) {
    const cached = last.done ? undefined : last.value;
    const freshList = added.done ? undefined : added.value;
    const order = !cached ? 1 : !freshList ? -1 : cached.token < freshList.token ? -1 : cached.token > freshList.token ? 1 : 0;
    const merged =
      order < 0 && mapping.shift !== undefined
        ? shiftPostings(cached!, mapping, mapping.shift, !dropped || dropped.has(cached!.token))
        : order === 0 && mapping.shift !== undefined
          ? mergeShifted(cached!.postings, freshList!.postings, mapping.newRowOf)
          : mergePostings(order <= 0 ? cached!.postings : undefined, order >= 0 ? freshList!.postings : undefined, mapping.newRowOf);
    if (merged.count > 0) yield { token: order <= 0 ? cached!.token : freshList!.token, count: merged.count, postings: merged.postings };
    if (order <= 0) last = reader.next();
    if (order >= 0) added = freshLists.next();
  }
}

/**
 * A cached list without fresh postings, under a uniform shift (see RowMapping.shift): the same bytes with
 * a new first delta, when none of its rows was dropped. Checked by walking the list when rows were
 * dropped and it may hold one of them: `dropped` (patchIndex), when known, names every token of the
 * dropped posts, and the lists of all other tokens are not walked.
 */
function shiftPostings(list: TokenPostings, mapping: RowMapping, shift: number, mayDrop: boolean): { count: number; postings: Uint8Array } {
  const { postings } = list;
  if (mapping.dropsRows && mayDrop) {
    let row = 0;
    for (let at = 0; at < postings.length;) {
      row += varintAt(postings, at);
      at = varintEnd(postings, at) + 1; // past the weight byte
      if (mapping.newRowOf[row]! < 0) return mergeShifted(postings, undefined, mapping.newRowOf);
    }
  }
  if (shift === 0) return { count: list.count, postings };
  const first = varintAt(postings, 0);
  const rest = varintEnd(postings, 0);
  // Nearly always the new first row takes as many bytes as the old: rewritten in place (the list is
  // the reader's own copy), with no new array for each of ~700k tokens.
  if (varintLength(first + shift) === rest) {
    writeVarint(postings, 0, first + shift);
    return { count: list.count, postings };
  }
  const out = new Uint8Array(postings.length - rest + 10);
  const at = writeVarint(out, 0, first + shift);
  out.set(postings.subarray(rest), at);
  return { count: list.count, postings: out.subarray(0, at + postings.length - rest) };
}

export const NONE = new Uint8Array(0);

/**
 * mergePostings for a uniform shift (see RowMapping.shift): two kept postings in a row keep their delta,
 * so the cached list is copied in spans, and only the postings after a dropped or a fresh one (and the
 * first) are encoded again. An edited or added post merges into the lists of each of its few hundred
 * tokens, the commonest ones with ~200k postings: copying them costs a fraction of encoding them.
 */
export function mergeShifted(cached: Uint8Array, freshList: Uint8Array | undefined, newRowOf: Int32Array): { count: number; postings: Uint8Array } {
  const fresh = freshList ?? NONE;
  const out = new Uint8Array(cached.length + fresh.length + 8);
  let at = 0;
  let count = 0;
  let lastRow = 0;
  // Whether the last posting written was the previous cached one (then this one's delta stands), and
  // where the span of cached postings not yet copied begins (-1: none). Everything is a local of this
  // one loop, and each varint is decoded in place: this runs once per posting of the longest lists.
  let inStep = false;
  let spanStart = -1;
  const { rows: freshRows, weights: freshWeights } = decodeRows(fresh);
  let nextFresh = 0;
  let oldRow = 0;
  for (let c = 0; c < cached.length;) {
    const start = c;
    let byte = cached[c++]!;
    let delta = byte & 0x7f;
    for (let scale = 128; byte >= 0x80; scale *= 128) {
      byte = cached[c++]!;
      delta += (byte & 0x7f) * scale;
    }
    c++; // the weight
    oldRow += delta;
    const row = newRowOf[oldRow]!;
    if (row >= 0 && inStep && (nextFresh === freshRows.length || freshRows[nextFresh]! > row)) {
      if (spanStart < 0) spanStart = start;
      lastRow = row;
      count++;
      continue;
    }
    if (spanStart >= 0) {
      out.set(cached.subarray(spanStart, start), at);
      at += start - spanStart;
      spanStart = -1;
    }
    if (row < 0) {
      inStep = false;
      continue;
    }
    for (; nextFresh < freshRows.length && freshRows[nextFresh]! < row; nextFresh++) {
      const freshRow = freshRows[nextFresh]!;
      at = writeVarint(out, at, count === 0 ? freshRow : freshRow - lastRow);
      out[at++] = freshWeights[nextFresh]!;
      lastRow = freshRow;
      count++;
    }
    at = writeVarint(out, at, count === 0 ? row : row - lastRow);
    out[at++] = cached[c - 1]!;
    lastRow = row;
    count++;
    inStep = true;
  }
  if (spanStart >= 0) {
    out.set(cached.subarray(spanStart), at);
    at += cached.length - spanStart;
  }
  for (; nextFresh < freshRows.length; nextFresh++) {
    const freshRow = freshRows[nextFresh]!;
    at = writeVarint(out, at, count === 0 ? freshRow : freshRow - lastRow);
    out[at++] = freshWeights[nextFresh]!;
    lastRow = freshRow;
    count++;
  }
  return { count, postings: out.slice(0, at) };
}

/** A short list's rows and weights (the fresh postings of a patch: a few per token). */
export function decodeRows(postings: Uint8Array): { rows: number[]; weights: number[] } {
  const rows: number[] = [];
  const weights: number[] = [];
  let row = 0;
  for (let at = 0; at < postings.length;) {
    row += varintAt(postings, at);
    at = varintEnd(postings, at);
    rows.push(row);
    weights.push(postings[at++]!);
  }
  return { rows, weights };
}

/**
 * One token's cached postings (renumbered, gone rows dropped) and its fresh ones, in row order, encoded.
 * One loop with every cursor in a local: this decodes the whole of each list it is given, and the
 * commonest tokens have ~200k postings.
 */
function mergePostings(cachedList: Uint8Array | undefined, freshList: Uint8Array | undefined, newRowOf: Int32Array): { count: number; postings: Uint8Array } {
  const cached = cachedList ?? NONE;
  const fresh = freshList ?? NONE;
  const out = new Uint8Array(cached.length + fresh.length + 8);
  let at = 0;
  let count = 0;
  let lastRow = 0;
  // Each side's read position and row, and its next posting (row -1: none read yet) and weight.
  let c = 0;
  let oldRow = 0;
  let cachedNext = -1;
  let cachedWeight = 0;
  let f = 0;
  let freshRow = 0;
  let freshNext = -1;
  let freshWeight = 0;
  for (;;) {
    // A cached posting whose post is gone or changed (new row -1) is skipped.
    while (cachedNext < 0 && c < cached.length) {
      oldRow += varintAt(cached, c);
      c = varintEnd(cached, c);
      cachedWeight = cached[c++]!;
      cachedNext = newRowOf[oldRow]!;
    }
    if (freshNext < 0 && f < fresh.length) {
      freshRow += varintAt(fresh, f);
      f = varintEnd(fresh, f);
      freshWeight = fresh[f++]!;
      freshNext = freshRow;
    }
    if (cachedNext < 0 && freshNext < 0) break;
    const takeCached = freshNext < 0 || (cachedNext >= 0 && cachedNext < freshNext);
    const row = takeCached ? cachedNext : freshNext;
    at = writeVarint(out, at, count === 0 ? row : row - lastRow);
    out[at++] = takeCached ? cachedWeight : freshWeight;
    lastRow = row;
    count++;
    if (takeCached) cachedNext = -1;
    else freshNext = -1;
  }
  return { count, postings: out.slice(0, at) };
}
