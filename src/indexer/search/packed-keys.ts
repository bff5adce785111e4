/**
 * 64-bit sort keys written as two 32-bit halves, so that a key is made from two numbers with no BigInt
 * each, then sorted by a BigUint64Array's own sort (no comparator call): the high half orders first.
 * Keys that must carry an id along are sorted as triples instead (sortTriples).
 */
import { endianness } from 'node:os';

// Key k's low half is word 2k, its high half word 2k + 1 only on a little-endian machine (every platform
// Node runs on): a big-endian one would sort by the low half first.
if (endianness() !== 'LE') throw new Error('The search index builder sorts its keys as little-endian halves; this machine is big-endian.');

/** The words of `keys`: key k's low half at `2 * k`, its high half at `2 * k + 1`. */
export function keyHalves(keys: BigUint64Array): Uint32Array {
  return new Uint32Array(keys.buffer, keys.byteOffset, 2 * keys.length);
}

/** Values a digit of the sort below takes: a UTF-16 unit. */
const DIGIT_VALUES = 1 << 16;

/**
 * Sorts the first `n` triples (high, low, id) of `triples` by their key, high then low as unsigned
 * numbers, carrying each id along: a stable counting sort a 16-bit digit, lowest first, a digit every
 * key shares skipped. Returns the array now holding them in order: `triples` or one of its size.
 */
export function sortTriples(triples: Uint32Array, n: number): Uint32Array {
  // One table of counts a digit: digit d's at d × DIGIT_VALUES, read from word 1 - (d >> 1), shifted by 16 × (d & 1).
  const counts = new Uint32Array(4 * DIGIT_VALUES);
  for (let k = 0; k < n; k++) {
    const high = triples[3 * k]!;
    const low = triples[3 * k + 1]!;
    counts[low & 0xffff]!++;
    counts[DIGIT_VALUES + (low >>> 16)]!++;
    counts[2 * DIGIT_VALUES + (high & 0xffff)]!++;
    counts[3 * DIGIT_VALUES + (high >>> 16)]!++;
  }
  let from = triples;
  let to: Uint32Array | undefined;
  for (let digit = 0; digit < 4; digit++) {
    const base = digit * DIGIT_VALUES;
    let start = 0;
    let shared = false;
    for (let value = base; value < base + DIGIT_VALUES; value++) {
      const held = counts[value]!;
      if (held === n) shared = true;
      counts[value] = start;
      start += held;
    }
    if (shared) continue;
    to ??= new Uint32Array(3 * n);
    const word = 1 - (digit >>> 1);
    const shift = 16 * (digit & 1);
    for (let k = 0; k < n; k++) {
      const value = base + ((from[3 * k + word]! >>> shift) & 0xffff);
      const place = 3 * counts[value]!++;
      to[place] = from[3 * k]!;
      to[place + 1] = from[3 * k + 1]!;
      to[place + 2] = from[3 * k + 2]!;
    }
    [from, to] = [to, from];
  }
  return from;
}
