/**
 * SortedOccurrences (src/indexer/search/sorted-occurrences.ts) against SearchIndexBuilder: the same tokens,
 * counts and postings from the same posts, for tokens of every length and posts far apart.
 */
import { describe, expect, it } from 'vitest';
import { BlockPool, HOT_STRIDE, LENGTH, SearchIndexBuilder, mergePartialIndexes, type PartialIndex } from '../../../src/indexer/search/search-index.ts';
import { SORTED_AT_MOST, searchIndexBuilder } from '../../../src/indexer/search/index-builder.ts';
import { SortedOccurrences } from '../../../src/indexer/search/sorted-occurrences.ts';
import type { SearchTokens } from '../../../src/indexer/parse/count-tokens.ts';
import { seededRandom } from '../../seeded-random.ts';

/** A partial index's tokens with their counts and postings, in token order. */
const plain = (part: PartialIndex) => Array.from(mergePartialIndexes([part]), ({ token, count, postings }) => ({ token, count, postings: [...postings] }));

/** What a builder exports, as plain lists (the builder is spent). */
const tokensOf = (builder: { exportPartial(): PartialIndex }) => plain(builder.exportPartial());

/** Each post's distinct tokens (1 to 7 units, from a few units so that posts share many) with weights. */
function randomPosts(count: number, seed: number): { row: number; tokens: SearchTokens }[] {
  const next = seededRandom(seed);
  const units = ['台', '灣', '人', 'a', 'b', '\u0000', '\ud842', '\udfb7', '\uffff', '\u0001'];
  let row = 0;
  return Array.from({ length: count }, () => {
    // Rows far apart now and then: deltas of several varint bytes.
    row += next() < 0.1 ? 1 + Math.floor(next() * 3_000_000) : 1 + Math.floor(next() * 3);
    const tokens = new Set<string>();
    const wanted = 1 + Math.floor(next() * 40);
    while (tokens.size < wanted) {
      const length = 1 + Math.floor(next() * 7);
      let token = '';
      for (let k = 0; k < length; k++) token += units[Math.floor(next() * units.length)]!;
      tokens.add(token);
    }
    const list = [...tokens];
    return { row, tokens: { joined: list.join('\n'), weights: Uint8Array.from(list, () => Math.floor(next() * 256)) } };
  });
}

function exported(
  builder: { add(row: number, tokens: SearchTokens): void; exportPartial: SearchIndexBuilder['exportPartial'] },
  posts: { row: number; tokens: SearchTokens }[],
) {
  for (const post of posts) builder.add(post.row, post.tokens);
  return tokensOf(builder);
}

describe('SortedOccurrences', () => {
  it('exports the same tokens, counts and postings as SearchIndexBuilder, for tokens of every length and U+0000 in any place', () => {
    const posts = randomPosts(600, 7);
    const expected = exported(new SearchIndexBuilder(), posts);
    const sorted = exported(new SortedOccurrences(), posts);
    expect(sorted).toEqual(expected);
    // What the comparison covered: a token in every other post (a chain of many blocks), long tokens beside
    // packed ones they begin with, tokens holding U+0000.
    expect(Math.max(...sorted.map((list) => list.count))).toBeGreaterThan(100);
    expect(sorted.some((list) => list.token.length > 4 && sorted.some((other) => other.token.length <= 4 && list.token.startsWith(other.token)))).toBe(true);
    expect(sorted.some((list) => list.token.includes('\u0000') && list.token.length <= 4)).toBe(true);
    // Both builders order tokens through unitsInOrder: check the order itself, by code units.
    const tokens = sorted.map((list) => list.token);
    expect(tokens).toEqual([...tokens].sort());
  });

  it('exports the same index as SearchIndexBuilder when its postings fill more than one page of blocks', () => {
    // 40,000 tokens each in the first post and one other, every fifth in all 20 posts (three blocks):
    // more chains than a page's 32,768 blocks, one of them running from the first page into the second.
    const rows = Array.from({ length: 20 }, (_, n) => n * 200_000);
    const lists = rows.map(() => [] as string[]);
    for (let k = 0; k < 40_000; k++) {
      const token = `w${k}`;
      for (let post = 0; post < rows.length; post++) if (post === 0 || k % 5 === 0 || post === 1 + (k % 19)) lists[post]!.push(token);
    }
    const posts = rows.map((row, n) => ({ row, tokens: { joined: lists[n]!.join('\n'), weights: Uint8Array.from(lists[n]!, (_, k) => k & 0xff) } }));
    const builder = new SortedOccurrences();
    for (const post of posts) builder.add(post.row, post.tokens);
    const part = builder.exportPartial();
    const blocks = (id: number) => Math.ceil(part.hot[id * HOT_STRIDE + LENGTH]! / BlockPool.DATA);
    expect(part.pages.length).toBeGreaterThan(1);
    expect(part.heads.some((head, id) => head < BlockPool.PAGE_BLOCKS && head + blocks(id) > BlockPool.PAGE_BLOCKS)).toBe(true);
    expect(plain(part)).toEqual(exported(new SearchIndexBuilder(), posts));
  });

  it('orders more than 16 long tokens that are equal up to a U+0000 pair as SearchIndexBuilder does', () => {
    // 40 long tokens `abcd\0\0…`, past it 0 to 3 units of a few (U+0000 among them), in shuffled posts: one
    // range of equal units that ends in U+0000, too long to be sorted by insertion (sortWhole's comparator).
    const next = seededRandom(5);
    const suffixes = new Set<string>();
    while (suffixes.size < 40) {
      let suffix = '';
      for (let k = Math.floor(next() * 4); k > 0; k--) suffix += ['x', '\u0000', '台', '\uffff'][Math.floor(next() * 4)]!;
      suffixes.add(suffix);
    }
    const tokens = [...suffixes].map((suffix) => `abcd\u0000\u0000${suffix}`);
    const posts = Array.from({ length: 30 }, (_, n) => {
      const some = tokens.filter(() => next() < 0.4);
      return { row: 3 * n, tokens: { joined: some.join('\n'), weights: Uint8Array.from(some, () => 1 + Math.floor(next() * 200)) } };
    }).filter((post) => post.tokens.weights.length > 0);
    const sorted = exported(new SortedOccurrences(), posts);
    expect(sorted.filter((list) => list.token.startsWith('abcd\u0000\u0000')).length).toBeGreaterThan(16);
    expect(sorted).toEqual(exported(new SearchIndexBuilder(), posts));
    expect(sorted.map((list) => list.token)).toEqual(sorted.map((list) => list.token).sort());
  });

  it('writes postings that cross from one block into the next as SearchIndexBuilder does', () => {
    // One token in 60 posts 2^21 rows apart: postings of five bytes (a varint of four, the weight), so that
    // every block of 28 bytes ends inside one.
    const posts = Array.from({ length: 60 }, (_, n) => ({ row: n * 2 ** 21, tokens: { joined: 'a\n台灣', weights: Uint8Array.of(n, 255 - n) } }));
    const builder = new SortedOccurrences();
    for (const post of posts) builder.add(post.row, post.tokens);
    const part = builder.exportPartial();
    expect(Math.max(...part.hot.filter((_, at) => at % HOT_STRIDE === LENGTH))).toBe(59 * 5);
    expect(plain(part)).toEqual(exported(new SearchIndexBuilder(), posts));
  });

  it('exports the same index when sized for the posts it gets as when its column grows', () => {
    const posts = randomPosts(300, 11);
    expect(exported(new SortedOccurrences(posts.length), posts)).toEqual(exported(new SortedOccurrences(), posts));
  });

  it('orders a token before the longer tokens it begins, whichever table holds them', () => {
    const tokens = ['台灣人民', '台灣', '台灣人民的', '台', 'ab\u0000', 'ab', 'taiwanese', '台灣人民之'];
    const builder = new SortedOccurrences();
    builder.add(0, { joined: tokens.join('\n'), weights: new Uint8Array(tokens.length) });
    expect(tokensOf(builder).map((list) => list.token)).toEqual([...tokens].sort());
  });

  it('exports an empty index when given no post, or posts without tokens', () => {
    expect(tokensOf(new SortedOccurrences())).toEqual([]);
    const builder = new SortedOccurrences();
    builder.add(3, { joined: '', weights: new Uint8Array(0) });
    expect(tokensOf(builder)).toEqual([]);
    expect(builder.postCount).toBe(1);
  });

  it('refuses rows out of order (postings are delta-encoded)', () => {
    const builder = new SortedOccurrences();
    builder.addText(5, 'a', '');
    expect(() => builder.addText(5, 'b', '')).toThrow(RangeError);
  });
});

describe('searchIndexBuilder', () => {
  it('sorts occurrences up to SORTED_AT_MOST posts and numbers tokens as they come beyond', () => {
    expect(searchIndexBuilder(SORTED_AT_MOST)).toBeInstanceOf(SortedOccurrences);
    expect(searchIndexBuilder(SORTED_AT_MOST + 1)).toBeInstanceOf(SearchIndexBuilder);
  });
});
