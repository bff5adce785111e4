/** The two-level directory of shards (src/shared/search-directory.ts, src/indexer/search/directory-pages.ts). */
import { beginsDirectoryPage, cutDirectory } from '../../../src/indexer/search/directory-pages.ts';
import { directoryPagesFor, joinDirectoryPages, type SearchDirectoryPage } from '../../../src/shared/search-directory.ts';
import { isTokenOfRun, shardHolding, shardsHoldingPrefix } from '../../../src/shared/search-format.ts';
import { random } from '../../../src/tools/gen-corpus.ts';

/** Four pages of shards, written by hand: the directory is their first tokens. */
const PAGES: SearchDirectoryPage[] = [
  { firstTokens: ['ab', 'ba'], pieces: { ab: 2 } },
  { firstTokens: ['bax', 'bd'], pieces: { bdx: 3 } },
  { firstTokens: ['ca', 'cc'], pieces: {} },
  { firstTokens: ['da'], pieces: { dz: 1 } },
];
const DIRECTORY = PAGES.map((page) => page.firstTokens[0]!);
const ALL = PAGES.flatMap((page) => page.firstTokens);

/** What a query for `tokens` and `prefixes` reads: the pages it fetches, joined. */
const listingFor = (tokens: string[], prefixes: string[] = []) =>
  joinDirectoryPages(directoryPagesFor(DIRECTORY, tokens, prefixes).map((first) => PAGES.find((page) => page.firstTokens[0] === first)!));

describe('finding a shard through the directory', () => {
  it.each([
    ['before the first shard', 'aa', 'ab', 'ab'],
    ['on the first shard', 'ab', 'ab', 'ab'],
    ['between two shards of a page', 'bc', 'bax', 'bax'],
    ['after the last shard of a page, before the next page', 'bz', 'bax', 'bd'],
    ['on a page boundary', 'ca', 'ca', 'ca'],
    ['after the last shard', 'zz', 'da', 'da'],
  ])('finds a token %s in the page that lists its shard', (_, token, page, shard) => {
    expect(directoryPagesFor(DIRECTORY, [token], [])).toEqual([page]);
    expect(shardHolding(listingFor([token]).firstTokens, token)).toBe(shard);
    expect(shardHolding(ALL, token)).toBe(shard);
  });

  it('fetches every page a prefix spans, and finds the shards the whole list gives', () => {
    expect(directoryPagesFor(DIRECTORY, [], ['ba'])).toEqual(['ab', 'bax']);
    expect(shardsHoldingPrefix(listingFor([], ['ba']).firstTokens, 'ba')).toEqual(shardsHoldingPrefix(ALL, 'ba'));
    expect(shardsHoldingPrefix(ALL, 'ba')).toEqual(['ba', 'bax']);
  });

  it('spans a lone character and its pairs for a prefix of one character, not its longer tokens', () => {
    const firstTokens = ['a', 'b', 'b!a', 'b!m', 'ba', 'bab', 'c'];
    expect(shardsHoldingPrefix(firstTokens, 'b')).toEqual(['b', 'b!a', 'b!m']);
    expect(['b', 'b!z', 'ba', 'bab'].filter((token) => isTokenOfRun(token, 'b'))).toEqual(['b', 'b!z']);
  });

  it("gives a token's pieces from its page", () => {
    expect(listingFor(['bdx', 'aa']).pieces).toEqual({ ab: 2, bdx: 3 });
  });

  it('finds no shard in an empty directory', () => {
    expect(directoryPagesFor([], ['ab'], ['b'])).toEqual([]);
    expect(shardHolding(joinDirectoryPages([]).firstTokens, 'ab')).toBeUndefined();
  });

  it('answers as the whole list of shards for random tokens and prefixes over random pages', () => {
    const next = random(23);
    const letter = () => String.fromCharCode(97 + Math.floor(next() * 6));
    const word = () => Array.from({ length: 1 + Math.floor(next() * 4) }, letter).join('');
    const firstTokens = [...new Set(Array.from({ length: 300 }, word))].sort();
    const pieces = Object.fromEntries(firstTokens.filter(() => next() < 0.1).map((token) => [`${token}q`, 2]));
    const { directory, pages } = cutDirectory(firstTokens, pieces, 3);
    expect(pages.length).toBeGreaterThan(30);
    for (let n = 0; n < 300; n++) {
      const pieced = Object.keys(pieces);
      const tokens = [word(), word(), pieced[Math.floor(next() * pieced.length)]!];
      const prefixes = [letter() + (next() < 0.5 ? letter() : '')];
      const listing = joinDirectoryPages(directoryPagesFor(directory, tokens, prefixes).map((first) => pages.find((page) => page.firstTokens[0] === first)!));
      for (const token of tokens) expect(shardHolding(listing.firstTokens, token)).toBe(shardHolding(firstTokens, token));
      for (const prefix of prefixes) expect(shardsHoldingPrefix(listing.firstTokens, prefix)).toEqual(shardsHoldingPrefix(firstTokens, prefix));
      for (const token of [...tokens, ...pieced.filter((token) => isTokenOfRun(token, prefixes[0]!))]) expect(listing.pieces[token]).toBe(pieces[token]);
    }
  });
});

describe('cutting the directory into pages', () => {
  const tokens = Array.from({ length: 2000 }, (_, n) => `t${String(n).padStart(5, '0')}`);

  it('lists every shard once, in order, each page beginning where a first token says so', () => {
    const { directory, pages } = cutDirectory(tokens, { t00007: 4, t01999x: 2 }, 16);
    expect(pages.flatMap((page) => page.firstTokens)).toEqual(tokens);
    expect(directory).toEqual(pages.map((page) => page.firstTokens[0]));
    pages.slice(1).forEach((page, n) => expect(beginsDirectoryPage(page.firstTokens[0]!, 16) || pages[n]!.firstTokens.length === 64).toBe(true));
    expect(pages.find((page) => page.firstTokens.includes('t00007'))!.pieces).toEqual({ t00007: 4 });
    expect(pages.at(-1)!.pieces).toEqual({ t01999x: 2 });
    // About 16 shards a page, never more than four times that.
    expect(pages.length).toBeGreaterThan(2000 / 32);
    expect(pages.length).toBeLessThan(2000 / 8);
    expect(Math.max(...pages.map((page) => page.firstTokens.length))).toBeLessThanOrEqual(64);
  });

  it('changes only the page of a shard added or removed', () => {
    const before = cutDirectory(tokens, {}, 16).pages.map((page) => JSON.stringify(page));
    for (const changed of [tokens.toSpliced(1000, 0, 't01000a'), tokens.toSpliced(700, 1)]) {
      const after = cutDirectory(changed, {}, 16).pages.map((page) => JSON.stringify(page));
      expect(after.filter((page) => !before.includes(page)).length).toBeLessThanOrEqual(2);
    }
  });
});
