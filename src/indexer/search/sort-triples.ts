/**
 * Sorts keys that carry an id along: a search builder's short and mid tokens, each a 64-bit key (two
 * 32-bit numbers) and its id, sorted without a comparator call or a second lookup for the id.
 */

/**
 * At most this many keys sort by 8-bit digits: 8 passes over the keys and 8 × 256 counts, against 4
 * passes and 4 × 65,536 counts to clear and add up, the larger cost for a small archive's builder
 * (a few thousand keys; the bound: docs/build-speed.md, stop 46).
 */
const BYTE_DIGITS_AT_MOST = 1 << 14;

/**
 * Sorts the first `n` triples (high, low, id) of `triples` by their key, high then low as unsigned
 * numbers, carrying each id along: a stable counting sort a 16-bit digit (8-bit for few keys), lowest
 * first, a digit every key shares skipped. Returns the array now holding them in order: `triples`, or a
 * new array of 3 × n.
 */
export function sortTriples(triples: Uint32Array, n: number): Uint32Array {
  const bits = n <= BYTE_DIGITS_AT_MOST ? 8 : 16;
  const digitValues = 1 << bits;
  const mask = digitValues - 1;
  const digits = 64 / bits;
  // One table of counts a digit: digit d's at d × digitValues, read from word 1 - ⌊d × bits / 32⌋, shifted by (d × bits) mod 32.
  const counts = bits === 16 ? countUnits(triples, n) : countBytes(triples, n);
  let from = triples;
  let to: Uint32Array | undefined;
  for (let digit = 0; digit < digits; digit++) {
    const base = digit * digitValues;
    let start = 0;
    let shared = false;
    for (let value = base; value < base + digitValues; value++) {
      const held = counts[value]!;
      if (held === n) shared = true;
      counts[value] = start;
      start += held;
    }
    if (shared) continue;
    to ??= new Uint32Array(3 * n);
    const word = 1 - ((digit * bits) >>> 5);
    const shift = (digit * bits) & 31;
    for (let k = 0; k < n; k++) {
      const value = base + ((from[3 * k + word]! >>> shift) & mask);
      const place = 3 * counts[value]!++;
      to[place] = from[3 * k]!;
      to[place + 1] = from[3 * k + 1]!;
      to[place + 2] = from[3 * k + 2]!;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** The counts of each 16-bit digit's values, lowest digit first. */
function countUnits(triples: Uint32Array, n: number): Uint32Array {
  const counts = new Uint32Array(4 << 16);
  for (let k = 0; k < n; k++) {
    const high = triples[3 * k]!;
    const low = triples[3 * k + 1]!;
    counts[low & 0xffff]!++;
    counts[(1 << 16) + (low >>> 16)]!++;
    counts[(2 << 16) + (high & 0xffff)]!++;
    counts[(3 << 16) + (high >>> 16)]!++;
  }
  return counts;
}

/** The counts of each 8-bit digit's values, lowest digit first. */
function countBytes(triples: Uint32Array, n: number): Uint32Array {
  const counts = new Uint32Array(8 << 8);
  for (let k = 0; k < n; k++) {
    const high = triples[3 * k]!;
    const low = triples[3 * k + 1]!;
    for (let byte = 0; byte < 4; byte++) {
      counts[(byte << 8) + ((low >>> (8 * byte)) & 0xff)]!++;
      counts[((4 + byte) << 8) + ((high >>> (8 * byte)) & 0xff)]!++;
    }
  }
  return counts;
}
