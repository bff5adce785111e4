/** Runs of five or more characters match only where the run occurs (issue 23, item 14; search-contexts.ts). */
import { runSearch } from '../../../src/features/search/run-search.ts';
import { CONTEXT_MARK, contextMarker, contextTokensOf, windowTests } from '../../../src/shared/search-contexts.ts';
import { searchShardPath } from '../../../src/shared/search-format.ts';
import { foldText } from '../../../src/shared/search-text.ts';
import { random } from '../../../src/tools/gen-corpus.ts';
import { LONG_RUN_POSTS } from './fixtures/long-run-posts.ts';
import { serveSearchIndex } from './serve-index.ts';

const rowsOf = async (query: string) => (await runSearch(query)).rowsByDate;
/** The markers of windows' right parts (inner string and the character after it). */
const markers = (...rights: string[]) => rights.map((right) => contextMarker(foldText(right)));

describe.each([
  ['no tail', 1, undefined, undefined],
  ['half the posts in the tail', 2, undefined, undefined],
  ['common tokens in pieces of one posting', 1, 1, undefined],
  ['a directory page for each shard', 1, undefined, 1],
])('runs of five or more characters, %s', (_, tailRows, piecePostings, pageShards) => {
  beforeEach(async () => {
    await serveSearchIndex(LONG_RUN_POSTS, { tailRows, shardBytes: 128, ...(piecePostings ? { piecePostings } : {}), ...(pageShards ? { pageShards } : {}) });
  });

  it('does not find a run of five in a post holding its two grams apart (中國外交部)', async () => {
    expect(await rowsOf('國外交部')).toEqual([0, 1]);
    expect(await rowsOf('中國外交')).toEqual([0, 1]);
    expect(await rowsOf('中國外交部')).toEqual([0]);
  });

  it('finds a run of five in a post that also holds its inner characters in another context', async () => {
    expect(await rowsOf('國外交部今天')).toEqual([0]);
    expect(await rowsOf('美國外交官將')).toEqual([0]);
  });

  it('treats a quoted phrase of five like the run (「中國 外交部」)', async () => {
    expect(await rowsOf('"中國 外交部"')).toEqual([0]);
    expect(await rowsOf('「中國外交部」')).toEqual([0]);
  });

  it('excludes with -"phrase" only the posts that hold the phrase of five', async () => {
    expect(await rowsOf('外交 -"中國外交部"')).toEqual([1]);
  });

  it('does not find a run of six whose three grams all occur apart (美國財政部長)', async () => {
    expect(await rowsOf('美國財政部長')).toEqual([3]);
    expect(await rowsOf('中國財政官員')).toEqual([3]);
  });
});

describe('context tokens', () => {
  it('mark a string with two contexts on each side, once per character after it, and give the grams around it', () => {
    const tokens = contextTokensOf(foldText('中國外交部'), foldText('美國外交官。'));
    expect(tokens.sort()).toEqual([...markers('國外交部', '國外交官'), foldText('中國外交部'), foldText('美國外交官')].sort());
  });

  it('give no gram around an occurrence at the end of a run, nor a marker for the end', () => {
    const tokens = contextTokensOf(foldText('國外交'), foldText('中國外交部，美國外交官'));
    expect(tokens.sort()).toEqual([...markers('國外交部', '國外交官'), foldText('中國外交部'), foldText('美國外交官')].sort());
  });

  it('mark a character after the string once, however often it follows', () => {
    const tokens = contextTokensOf('', foldText('中國外交部，美國外交部，美國外交官'));
    expect(tokens.filter((token) => token.endsWith(CONTEXT_MARK)).sort()).toEqual(markers('國外交部', '國外交官').sort());
  });

  it('are not written for a string repeated with the same character on one side', () => {
    expect(contextTokensOf('', foldText('支持台灣總統，反對台灣總統'))).toEqual([]);
  });
});

describe('window tests', () => {
  it("key a window's marker by its right part, which sorts right after that part's gram (the token the query fetches)", () => {
    const [test] = windowTests(foldText('中國外交部'));
    expect(test).toEqual({ marker: contextMarker(foldText('國外交部')), gram: foldText('中國外交部') });
    // Nothing sorts between the gram and the marker: only a shard's cut right there could part them.
    const sorted = [foldText('國外交'), foldText('國外交官'), foldText('國外交部'), test!.marker, foldText('國外交部長')].sort();
    expect(sorted.indexOf(test!.marker)).toBe(sorted.indexOf(foldText('國外交部')) + 1);
  });

  it('test each window of a run of six by the marker of its right part', () => {
    expect(windowTests(foldText('美國財政部長')).map((test) => test.marker)).toEqual(markers('國財政部', '財政部長', '國財政部長'));
  });
});

describe('runs of five to eight characters over texts full of repeats', () => {
  // Four characters only, so that nearly every string of three repeats in several contexts.
  const ALPHABET = ['甲', '乙', '丙', '丁'];
  const next = random(2026);
  const texts = Array.from({ length: 30 }, () => {
    let text = '';
    for (let n = 0; n < 80; n++) text += next() < 0.08 ? '，' : ALPHABET[Math.floor(next() * ALPHABET.length)];
    return text;
  });
  const posts = texts.map((text, i) => ({ title: `第${i}篇`, text }));

  it('find exactly the posts whose text holds the run (400 runs drawn from the texts)', async () => {
    await serveSearchIndex(posts, { shardBytes: 512, pageShards: 2 });
    let checked = 0;
    for (let n = 0; n < 400; n++) {
      const source = texts[Math.floor(next() * texts.length)]!;
      const length = 5 + Math.floor(next() * 4);
      const start = Math.floor(next() * (source.length - length));
      const run = source.slice(start, start + length);
      if (run.includes('，')) continue;
      checked++;
      const expected = posts.flatMap((post, row) => (`${post.title}\n${post.text}`.includes(run) ? [row] : []));
      expect([run, await rowsOf(run)]).toEqual([run, expected]);
    }
    expect(checked).toBeGreaterThan(150);
  });
});

describe('what a run of five or more characters fetches', () => {
  // One token a shard: the window gram 中国外交部 would lie in the shard of the marker before it.
  const posts = [
    { title: '', text: '中國外交部長' },
    { title: '', text: '甲中國外交乙丙中國外丁' },
  ];

  it("reads a window's gram only when a post holds the window's marker", async () => {
    const fetched = await serveSearchIndex(posts, { tailRows: 1, shardBytes: 1 });
    expect(await rowsOf('中國外交部')).toEqual([0]);
    // No post holds 國外交部's marker: the gram 中國外交部 is not needed, nor the shard it would lie in.
    expect(fetched.paths).not.toContain(searchShardPath(contextMarker(foldText('中國外交'))));
  });

  it("reads a window's gram when a post holds the window's marker", async () => {
    const fetched = await serveSearchIndex(posts, { tailRows: 1, shardBytes: 1 });
    expect(await rowsOf('甲中國外交')).toEqual([1]);
    expect(fetched.paths).toContain(searchShardPath(foldText('甲中國外交')));
  });
});
