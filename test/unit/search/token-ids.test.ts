/**
 * TokenIds (src/indexer/search/token-ids.ts) against a Map of strings: the same id for the same token, through
 * the table's growth, for tokens of every length, including the one- and two-unit ones it keeps apart.
 */
import { describe, expect, it } from 'vitest';
import { TokenIds } from '../../../src/indexer/search/token-ids.ts';
import { seededRandom } from '../../seeded-random.ts';

/** Holds `token` (as a build would, read in place from a text of its own), and its id. */
function add(ids: TokenIds, token: string): number {
  return ids.idOf(token, 0, token.length);
}

/** `ids.sortedUnits()` lists every token held in the order of `<` on strings, each with its own id. */
function expectCodeUnitOrder(ids: TokenIds): void {
  const expected = [...ids.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const { units, starts, ids: sortedIds } = ids.sortedUnits();
  const tokens = Array.from(sortedIds, (_, k) => String.fromCharCode(...units.subarray(starts[k], starts[k + 1])));
  expect(tokens).toEqual(expected.map(([token]) => token));
  expect([...sortedIds]).toEqual(expected.map(([, id]) => id));
}

describe('TokenIds', () => {
  it('gives each token one id, as a Map would, whatever its length', () => {
    const ids = new TokenIds();
    const reference = new Map<string, number>();
    const units = ['a', 'b', '台', '灣', '\ud842', '\udfb7', '\u0001', 'é', ' ', '\uffff'];
    const next = seededRandom(12345);
    for (let n = 0; n < 60_000; n++) {
      let token = '';
      const length = 1 + Math.floor(next() * 5);
      for (let k = 0; k < length; k++) token += n % 3 === 0 ? String.fromCharCode(0x4e00 + Math.floor(next() * 400)) : units[Math.floor(next() * units.length)];
      const id = ids.get(token);
      expect(id).toBe(reference.get(token));
      if (id === undefined) reference.set(token, add(ids, token));
    }
    expect(ids.size).toBe(reference.size);
    // Read in place from tokens joined by line breaks, as the builder reads them.
    const tokens = [...reference.keys()].slice(0, 500);
    const joined = tokens.join('\n');
    let start = 0;
    for (const token of tokens) {
      expect(ids.idOf(joined, start, start + token.length)).toBe(reference.get(token));
      start += token.length + 1;
    }
    expect(ids.size).toBe(reference.size);
    expect(new Map(ids.entries())).toEqual(reference);
  });

  it('gives a token read in place its id when held and the next id when not, whatever its length', () => {
    const ids = new TokenIds();
    const tokens = ['台', '台灣', '台!灣', '乌克兰总', 'taiwanese', '台灣', 'taiwanese', '台!灣', '台', '乌克兰总', 'a\u0000'];
    const joined = tokens.join('\n');
    const given: number[] = [];
    let start = 0;
    for (const token of tokens) {
      given.push(ids.idOf(joined, start, start + token.length));
      start += token.length + 1;
    }
    expect(given).toEqual([0, 1, 2, 3, 4, 1, 4, 2, 0, 3, 5]);
    expect(ids.size).toBe(6);
    expect(tokens.map((token) => ids.get(token))).toEqual(given);
  });

  it('keeps a one-unit token and a two-unit token that would share a number apart', () => {
    const ids = new TokenIds();
    const single = add(ids, '\u0001');
    const pair = add(ids, '\u0000\u0001');
    expect([ids.get('\u0001'), ids.get('\u0000\u0001')]).toEqual([single, pair]);
  });

  it('keeps three- and four-unit tokens that would share numbers apart', () => {
    const ids = new TokenIds();
    const tokens = ['abc', 'abc\u0001', 'ab\u0000', 'ab\u0000\u0001', '\u0000abc', 'abc\u0000', '乌克兰总', '乌克兰'];
    const given = tokens.map((token) => add(ids, token));
    expect(tokens.map((token) => ids.get(token))).toEqual(given);
    expect(new Map(ids.entries())).toEqual(new Map(tokens.map((token, i) => [token, given[i]])));
  });

  it('lists every token in code-unit order with its id, whatever its length or units', () => {
    const ids = new TokenIds();
    const edge = [
      'a',
      'a\u0000',
      'ab',
      'ab\u0000',
      'ab\u0000d',
      'a\u0000cd',
      'abc',
      'abcd',
      'abcde',
      '\u0000a',
      '\uffff\uffff',
      '\ud842\udfb7',
      '台',
      '台灣',
      '台灣人',
      '台灣人民',
      '台灣人民的',
    ];
    const next = seededRandom(99);
    const drawn = Array.from({ length: 20_000 }, () => {
      let token = '';
      const length = 1 + Math.floor(next() * 6);
      for (let k = 0; k < length; k++) token += String.fromCharCode(next() < 0.1 ? 0x41 + Math.floor(next() * 3) : 0x4e00 + Math.floor(next() * 40));
      return token;
    });
    for (const token of [...edge, ...drawn]) if (ids.get(token) === undefined) add(ids, token);
    expectCodeUnitOrder(ids);
  });

  // Few units, so that long runs of tokens share every unit up to a depth, then part; U+FFFF and a high
  // surrogate (as real CJK and surrogate pairs) order after 'a' only if the keys are read unsigned.
  it.each([
    { units: 'below U+8000', alphabet: ['\u0000', 'a', 'b'] },
    { units: 'up to U+FFFF', alphabet: ['\u0000', 'a', '\uffff', '\ud842'] },
  ])('lists long tokens in code-unit order when thousands share their first units, end early or hold U+0000 ($units)', ({ alphabet }) => {
    const ids = new TokenIds();
    const next = seededRandom(7);
    for (let n = 0; n < 20_000; n++) {
      let token = 'abab';
      const length = 1 + Math.floor(next() * 12);
      for (let k = 0; k < length; k++) token += alphabet[Math.floor(next() * alphabet.length)];
      if (ids.get(token) === undefined) add(ids, token);
    }
    expectCodeUnitOrder(ids);
  });

  it('gives the same ids and order when its tables are sized for many posts from the start', () => {
    const small = new TokenIds();
    const large = new TokenIds(50_000);
    for (let n = 0; n < 30_000; n++) {
      const token = String.fromCharCode(0x4e00 + (n % 97), 0x4e00 + (n % 89), ...(n % 3 === 0 ? [0x4e00 + (n % 83)] : []));
      if (small.get(token) === undefined) expect(add(large, token)).toBe(add(small, token));
    }
    expect(new Map(large.entries())).toEqual(new Map(small.entries()));
    expect(large.sortedUnits()).toEqual(small.sortedUnits());
  });

  it('lists its tokens in order when short ones outnumber the mid table’s slots (sorted in an array of their own)', () => {
    const ids = new TokenIds();
    // Two-unit tokens (the short table), more than the 4,096 slots of an unsized mid table, and a few mid ones.
    for (let n = 0; n < 6_000; n++) add(ids, String.fromCharCode(0x4e00 + (n % 100), 0x4e00 + Math.floor(n / 100)));
    for (const token of ['乌克兰', '乌克兰总', '台灣人民的']) add(ids, token);
    expectCodeUnitOrder(ids);
  });

  it('holds nothing once it has listed its tokens in order (the sort reuses its tables)', () => {
    const ids = new TokenIds();
    add(ids, '台灣');
    add(ids, 'taiwan');
    add(ids, '乌克兰总');
    expect(ids.sortedUnits().ids).toHaveLength(3);
    expect([ids.size, ids.get('台灣'), ids.get('taiwan'), ids.get('乌克兰总'), [...ids.entries()]]).toEqual([0, undefined, undefined, undefined, []]);
  });
});
