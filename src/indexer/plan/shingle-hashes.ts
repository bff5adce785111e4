/**
 * The hashes of a folded text's shingles, as same-story.ts defines them: fnv1a of `size` consecutive
 * units (a CJK character or a Latin word) joined by spaces. Hashed over the text's own UTF-16 units as
 * the units are found, with no string per unit or shingle: made the plain way (a unit array, then
 * `slice(…).join(' ')` per shingle, counted in a Set) this was ~60 % of a story print's cost.
 */
import { isCjk, isWordChar } from '../../shared/search-text.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SPACE = 0x20;

/** Reused from text to text (one at a time: nothing here awaits); see shingleHashes. */
let hashes = new Uint32Array(4096);
/** An open-addressing set of the hashes seen: a slot is taken when its stamp is this call's. */
let slotHashes = new Uint32Array(8192);
let slotStamps = new Uint32Array(8192);
let stamp = 0;
let slotShift = 32 - Math.log2(8192);
/** The text's units, each [start, end) in the folded text. */
let starts = new Int32Array(4096);
let ends = new Int32Array(4096);

/**
 * The distinct shingle hashes of `folded`, in the order they first occur. A view of a buffer the next call overwrites:
 * read it (or copy it) before hashing another text.
 */
export function shingleHashes(folded: string, size: number): Uint32Array {
  const units = findUnits(folded);
  const count = Math.max(0, units - size + 1);
  if (hashes.length < count) hashes = new Uint32Array(count * 2);
  emptySet(count);
  let distinct = 0;
  for (let at = 0; at < count; at++) {
    let hash = FNV_OFFSET;
    for (let unit = at; unit < at + size; unit++) {
      if (unit > at) hash = Math.imul(hash ^ SPACE, FNV_PRIME) >>> 0;
      for (let i = starts[unit]!; i < ends[unit]!; i++) hash = Math.imul(hash ^ folded.charCodeAt(i), FNV_PRIME) >>> 0;
    }
    if (isNew(hash)) hashes[distinct++] = hash;
  }
  return hashes.subarray(0, distinct);
}

/** Finds the units of `folded` into `starts` and `ends`; returns how many there are. */
function findUnits(folded: string): number {
  // At most one unit a UTF-16 unit of the text.
  if (starts.length < folded.length) {
    starts = new Int32Array(folded.length * 2);
    ends = new Int32Array(folded.length * 2);
  }
  let units = 0;
  let wordStart = -1;
  for (let i = 0; i < folded.length;) {
    const point = folded.codePointAt(i)!;
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
    ends[units++] = folded.length;
  }
  return units;
}

/** Whether `hash` is seen for the first time since the set was emptied (see emptySet). */
function isNew(hash: number): boolean {
  const mask = slotHashes.length - 1;
  // Fibonacci hashing: the hashes' low bits are FNV's, which follow the last characters too closely.
  let slot = Math.imul(hash, 0x9e3779b1) >>> slotShift;
  while (slotStamps[slot] === stamp) {
    if (slotHashes[slot] === hash) return false;
    slot = (slot + 1) & mask;
  }
  slotStamps[slot] = stamp;
  slotHashes[slot] = hash;
  return true;
}

/** Empties the set, sized for `count` hashes at most (half full at worst). */
function emptySet(count: number): void {
  if (slotHashes.length < count * 2) {
    let size = slotHashes.length;
    while (size < count * 2) size *= 2;
    slotHashes = new Uint32Array(size);
    slotStamps = new Uint32Array(size);
    slotShift = 32 - Math.log2(size);
    stamp = 0;
  }
  // A new stamp empties the set without touching it.
  stamp = (stamp + 1) >>> 0;
  if (stamp === 0) {
    slotStamps.fill(0);
    stamp = 1;
  }
}
