/**
 * The hashes of a folded text's shingles, as same-story.ts defines them: fnv1a of `size` consecutive
 * units (a CJK character or a Latin word) joined by spaces. Hashed over the text's own UTF-16 units as
 * the units are found, with no string per unit or shingle: made the plain way (a unit array, then
 * `slice(…).join(' ')` per shingle, counted in a Set) this was ~60 % of a story print's cost.
 */
import { codePointOfUnits, FoldedUnits, isCjk, isWordChar } from '../../shared/search-text.ts';
import { growArray } from '../../shared/grow-array.ts';
import { FNV_OFFSET, FNV_PRIME } from '../../shared/types.ts';

const SPACE = 0x20;

/**
 * The buffers hashing reuses from text to text, so that a text's hashing allocates nothing. Made by the
 * caller, one for each thread that hashes: one text at a time, as nothing here awaits.
 */
export class ShingleScratch {
  /** The text being hashed, folded, read unit by unit. */
  folded = new FoldedUnits();
  hashes = new Uint32Array(4096);
  /**
   * An open-addressing set of the hashes seen (signed 32-bit numbers), a slot its stamp and its hash side
   * by side: a probe reads one cache line, not one in each of two arrays. A slot is taken when its stamp
   * is this call's. A call uses only its first slots, as many as its text needs (see emptySet), so that a
   * short text's probes stay in a small part of memory.
   */
  slots = new Int32Array(2 * 1024);
  stamp = 0;
  /** Slots of this call, and 32 − log2 of them: a slot is the top bits of a hash. */
  slotCount = 1024;
  slotShift = 32 - Math.log2(1024);
  /** The text's units, each [start, end) in the folded text. */
  starts = new Int32Array(4096);
  ends = new Int32Array(4096);
  /** storyTerms' occurrences of a title's and lead's terms. */
  termOccurrences = new Float64Array(512);
}

/**
 * The distinct shingle hashes of a folded text, in the order they first occur. A view of the scratch's buffer,
 * which the next call overwrites: read it (or copy it) before hashing another text.
 */
export function shingleHashes({ units: folded, length }: FoldedUnits, size: number, scratch: ShingleScratch): Uint32Array {
  const units = findUnits(folded, length, scratch);
  const count = Math.max(0, units - size + 1);
  scratch.hashes = growArray(scratch.hashes, count, 0);
  emptySet(count, scratch);
  const { hashes, starts, ends } = scratch;
  let distinct = 0;
  // The hash stays a signed 32-bit number (Math.imul's own result): unsigned, most values are beyond a
  // small integer's range and each step would store a boxed number. The bits are the same.
  for (let at = 0; at < count; at++) {
    let hash = FNV_OFFSET | 0;
    for (let unit = at; unit < at + size; unit++) {
      if (unit > at) hash = Math.imul(hash ^ SPACE, FNV_PRIME);
      const end = ends[unit]!;
      for (let i = starts[unit]!; i < end; i++) hash = Math.imul(hash ^ folded[i]!, FNV_PRIME);
    }
    if (isNew(hash, scratch)) hashes[distinct++] = hash;
  }
  return hashes.subarray(0, distinct);
}

/** Finds the units of the folded text's first `length` units into `starts` and `ends`; returns how many there are. */
function findUnits(folded: Uint16Array, length: number, scratch: ShingleScratch): number {
  // At most one unit a UTF-16 unit of the text.
  scratch.starts = growArray(scratch.starts, length, 0);
  scratch.ends = growArray(scratch.ends, length, 0);
  const { starts, ends } = scratch;
  let units = 0;
  let wordStart = -1;
  for (let i = 0; i < length;) {
    const point = codePointOfUnits(folded, i, length);
    const width = point > 0xffff ? 2 : 1;
    if (isCjk(point)) {
      if (wordStart >= 0) {
        starts[units] = wordStart;
        ends[units++] = i;
        wordStart = -1;
      }
      starts[units] = i;
      ends[units++] = i + width;
    } else if (isWordChar(point)) {
      if (wordStart < 0) wordStart = i;
    } else if (wordStart >= 0) {
      starts[units] = wordStart;
      ends[units++] = i;
      wordStart = -1;
    }
    i += width;
  }
  if (wordStart >= 0) {
    starts[units] = wordStart;
    ends[units++] = length;
  }
  return units;
}

/** Whether `hash` (signed 32-bit) is seen for the first time since the set was emptied (see emptySet). */
function isNew(hash: number, scratch: ShingleScratch): boolean {
  const { slots, stamp } = scratch;
  const mask = scratch.slotCount - 1;
  // Fibonacci hashing: the hashes' low bits are FNV's, which follow the last characters too closely.
  let slot = Math.imul(hash, 0x9e3779b1) >>> scratch.slotShift;
  while (slots[slot * 2] === stamp) {
    if (slots[slot * 2 + 1] === hash) return false;
    slot = (slot + 1) & mask;
  }
  slots[slot * 2] = stamp;
  slots[slot * 2 + 1] = hash;
  return true;
}

/** Empties the set, sized for `count` hashes at most (half full at worst). */
function emptySet(count: number, scratch: ShingleScratch): void {
  const bits = Math.max(10, Math.ceil(Math.log2(count * 2)));
  scratch.slotCount = 2 ** bits;
  scratch.slotShift = 32 - bits;
  if (scratch.slots.length < scratch.slotCount * 2) {
    scratch.slots = new Int32Array(scratch.slotCount * 2);
    scratch.stamp = 0;
  }
  // A new stamp empties the set without touching it (stamps stay positive: the slots are signed).
  scratch.stamp = (scratch.stamp + 1) & 0x7fffffff;
  if (scratch.stamp === 0) {
    scratch.slots.fill(0);
    scratch.stamp = 1;
  }
}
