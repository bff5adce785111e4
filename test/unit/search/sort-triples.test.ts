/**
 * sortTriples (src/indexer/search/sort-triples.ts): triples (high, low, id) in the order of their keys as
 * unsigned 64-bit numbers, high half first, each id still beside its key.
 */
import { describe, expect, it } from 'vitest';
import { sortTriples } from '../../../src/indexer/search/sort-triples.ts';

/** A seeded stream of 32-bit numbers (a linear congruential generator): the same keys every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
}

/** The triples of `keys` ([high, low] each), id k for key k, sorted; and the same by BigInt keys. */
function sortBoth(keys: [number, number][]): { sorted: number[][]; expected: number[][] } {
  const triples = new Uint32Array(keys.flatMap(([high, low], id) => [high, low, id]));
  const out = sortTriples(triples, keys.length);
  const sorted = keys.map((_, k) => [out[3 * k]!, out[3 * k + 1]!, out[3 * k + 2]!]);
  const key = ([high, low]: number[]) => (BigInt(high!) << 32n) | BigInt(low!);
  const expected = keys.map(([high, low], id) => [high, low, id]).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { sorted, expected };
}

describe('sortTriples', () => {
  it('orders distinct keys by their high then low number, unsigned, each with its own id', () => {
    const next = random(2024);
    const seen = new Set<string>();
    const keys: [number, number][] = [];
    // Few values a unit, so that many keys share their high number, or all but their last unit.
    const units = [0, 1, 0x21, 0x7fff, 0x8000, 0x4e00, 0x4e01, 0x9fff, 0xd842, 0xdfb7, 0xfffe, 0xffff];
    const unit = () => units[(next() >>> 16) % units.length]!;
    // Of the 12⁴ keys those units make.
    while (keys.length < 3_000) {
      const high = ((unit() << 16) | unit()) >>> 0;
      const low = ((unit() << 16) | unit()) >>> 0;
      if (seen.has(`${high},${low}`)) continue;
      seen.add(`${high},${low}`);
      keys.push([high, low]);
    }
    const { sorted, expected } = sortBoth(keys);
    expect(sorted).toEqual(expected);
  });

  it('orders as many keys as a large builder holds (16-bit digits) as it orders a few (8-bit ones)', () => {
    const next = random(7);
    const seen = new Set<string>();
    const keys: [number, number][] = [];
    // Past the 8-bit digits' bound; the high numbers from few values, so that some digits are shared.
    while (keys.length < 20_000) {
      const high = ((0x4e00 + (next() % 5)) << 16) >>> 0;
      const low = next();
      if (seen.has(`${high},${low}`)) continue;
      seen.add(`${high},${low}`);
      keys.push([high, low]);
    }
    const { sorted, expected } = sortBoth(keys);
    expect(sorted).toEqual(expected);
  });

  it('sorts keys that share some of their units (a digit they all hold is skipped), and none', () => {
    const keys: [number, number][] = Array.from({ length: 300 }, (_, k) => [(0x4e00 << 16) | 0x21, ((0x4e00 + ((k * 37) % 300)) << 16) >>> 0]);
    const { sorted, expected } = sortBoth(keys);
    expect(sorted).toEqual(expected);
    expect(sortBoth([]).sorted).toEqual([]);
  });

  it('keeps triples past the first n where they are', () => {
    const triples = new Uint32Array([5, 0, 0, 3, 0, 1, 1, 0, 2]);
    const out = sortTriples(triples, 2);
    expect([...out.subarray(0, 6)]).toEqual([3, 0, 1, 5, 0, 0]);
    expect([...triples.subarray(6)]).toEqual([1, 0, 2]);
  });
});
