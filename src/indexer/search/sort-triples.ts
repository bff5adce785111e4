/**
 * Sorts keys that carry an id along: a search builder's short and mid tokens, each a 64-bit key (two
 * 32-bit numbers) and its id, sorted without a comparator call or a second lookup for the id.
 */

/** Values a digit of the sort below takes: a UTF-16 unit. */
const DIGIT_VALUES = 1 << 16;

/**
 * Sorts the first `n` triples (high, low, id) of `triples` by their key, high then low as unsigned
 * numbers, carrying each id along: a stable counting sort a 16-bit digit, lowest first, a digit every
 * key shares skipped. Returns the array now holding them in order: `triples`, or a new array of 3 × n.
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
