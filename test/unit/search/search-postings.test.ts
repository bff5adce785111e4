/** A token's postings as files hold them (src/shared/search-postings.ts). */
import { COMPACT_POSTINGS, decodePostings, encodePostings, plainPostings } from '../../../src/shared/search-postings.ts';
import { random } from '../../../src/tools/gen-corpus.ts';

/** A list of `count` rows from `first`, about one in `every`, with weights drawn from `weights`. */
function listOf(count: number, every: number, weights: number[], seed: number, first = 0): { rows: number[]; weights: number[] } {
  const next = random(seed);
  const rows: number[] = [];
  for (let row = first; rows.length < count; row += 1 + Math.floor(next() * (2 * every - 1))) rows.push(row);
  return { rows, weights: rows.map(() => weights[Math.floor(next() * weights.length)]!) };
}

/** The plain form: varint row deltas (the first the row itself), each followed by its weight byte. */
function plain({ rows, weights }: { rows: number[]; weights: number[] }): Uint8Array {
  const bytes: number[] = [];
  rows.forEach((row, n) => {
    let delta = n === 0 ? row : row - rows[n - 1]!;
    while (delta >= 0x80) {
      bytes.push((delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 128);
    }
    bytes.push(delta, weights[n]!);
  });
  return Uint8Array.from(bytes);
}

describe('postings as a file holds them', () => {
  it.each([
    ['a short list, left plain', 5, 3, [2, 3], 1, 0],
    ['a dense list, as a bitmap', 5000, 2, [2, 2, 2, 4, 3], 2, 1234],
    ['a sparse list, as deltas', 3000, 400, [2, 6, 8, 3, 255], 3, 99_999],
    ['a list of one weight', 800, 5, [2], 4, 0],
    ['a list of many weights, most of them exceptions', 900, 9, Array.from({ length: 60 }, (_, k) => 2 + k), 5, 7],
    ['a list of exactly the compact size', COMPACT_POSTINGS, 1, [2, 4, 6, 8], 6, 200_000],
  ])('reads back %s', (_, count, every, weights, seed, first) => {
    const list = listOf(count, every, weights, seed, first);
    const written = encodePostings(plain(list), count);
    const decoded = decodePostings(written, count);
    expect(Array.from(decoded.rows)).toEqual(list.rows);
    expect(Array.from(decoded.weights)).toEqual(list.weights);
    expect(plainPostings(written, count)).toEqual(plain(list));
  });

  it('writes a common token in under a byte a post', () => {
    // Two rows in three, one weight in ten not among the three commonest: a bitmap and 2-bit codes.
    const list = listOf(20_000, 1.25, [2, 2, 2, 2, 2, 2, 2, 4, 3, 6], 7);
    expect(encodePostings(plain(list), list.rows.length).length).toBeLessThan(0.6 * list.rows.length);
    expect(plain(list).length).toBeGreaterThanOrEqual(2 * list.rows.length);
  });
});
