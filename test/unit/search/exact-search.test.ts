/** Search finds exactly what was asked (issue 23, items 13–18), over posts written for it. */
import { runSearch } from '../../../src/features/search/run-search.ts';
import { EXACT_SEARCH_POSTS } from './fixtures/exact-search-posts.ts';
import { serveSearchIndex } from './serve-index.ts';

const rowsOf = async (query: string) => (await runSearch(query)).rowsByDate;
const marked = async (query: string, text: string) =>
  (await runSearch(query))
    .split(text)
    .filter((piece) => piece.match)
    .map((piece) => piece.text);

// Every class answers the same whether a post's postings are in the shards, in pieces or in the index's
// tail, and whether the directory lists the shards in one page or in pages of about two.
describe.each([
  ['no tail', 1, undefined, undefined],
  ['half the posts in the tail', 7, undefined, undefined],
  ['common tokens in pieces of two postings', 1, 2, undefined],
  ['directory pages of about two shards, common tokens in pieces', 1, 2, 2],
])('exact search, %s', (_, tailRows, piecePostings, pageShards) => {
  beforeEach(async () => {
    await serveSearchIndex(EXACT_SEARCH_POSTS, {
      tailRows,
      shardBytes: 256,
      ...(piecePostings ? { piecePostings } : {}),
      ...(pageShards ? { pageShards } : {}),
    });
  });

  it('finds characters OpenCC converts only inside phrases, in either script (隨著, 瞭解, 藉此, 答覆)', async () => {
    for (const query of ['隨著', '随着', '瞭解', '了解', '藉此', '借此', '答覆', '答复']) expect(await rowsOf(query)).toEqual([4, 5]);
  });

  it('finds Hong Kong variant characters as the standard ones (保衞 / 保衛 / 保卫)', async () => {
    for (const query of ['保衞', '保衛', '保卫']) expect(await rowsOf(query)).toEqual([4, 5]);
  });

  it('finds a run of characters only where it occurs, not where its pairs occur apart (立法院)', async () => {
    expect(await rowsOf('立法院')).toEqual([0]);
    expect(await rowsOf('法院')).toEqual([0, 1]);
  });

  it('finds a run of four characters only where it occurs, quoted or not (美國總統)', async () => {
    expect(await rowsOf('美國總統')).toEqual([2]);
    expect(await rowsOf('"美國總統"')).toEqual([2]);
    expect(await rowsOf('「美國 總統」')).toEqual([2]);
    expect(await rowsOf('美國 總統')).toEqual([2, 3]);
  });

  it('excludes with -"phrase" only the posts that hold the phrase', async () => {
    expect(await rowsOf('美國 -"美國總統"')).toEqual([3]);
  });

  it('finds a run longer than four characters by its grams', async () => {
    expect(await rowsOf('立法院今天三讀')).toEqual([0]);
    expect(await rowsOf('地方法院今天三讀')).toEqual([]);
  });

  it('finds a single character wherever it is, title matches first', async () => {
    const result = await runSearch('習');
    expect(result.rowsByDate).toEqual([6, 13]);
    expect(result.rows).toEqual([6, 13]);
  });

  it('does not widen common words into other vocabulary (文件, 數據)', async () => {
    expect(await rowsOf('文件')).toEqual([7]);
    expect(await rowsOf('數據')).toEqual([7]);
  });

  it('still finds regional variants of place names (紐西蘭 / 新西兰)', async () => {
    expect(await rowsOf('紐西蘭')).toEqual([9, 10]);
    expect(await rowsOf('新西兰')).toEqual([9, 10]);
  });

  it('finds and highlights a query holding punctuation (習近平。, 《國安法》, 習近平，蔡英文)', async () => {
    expect(await rowsOf('習近平。')).toEqual([6, 13]);
    expect(await marked('習近平。', '習近平出席會議。')).toEqual(['習近平']);
    expect(await rowsOf('《國安法》')).toEqual([13]);
    expect(await marked('《國安法》', '《國安法》今天生效')).toEqual(['國安法']);
    expect(await rowsOf('習近平，蔡英文')).toEqual([13]);
    expect(await marked('習近平，蔡英文', '習近平，蔡英文都有回應')).toEqual(['習近平', '蔡英文']);
  });

  it('matches Latin words joined by - or . only where they are adjacent (COVID-19, U.S.)', async () => {
    expect(await rowsOf('COVID-19')).toEqual([11]);
    expect(await rowsOf('U.S.')).toEqual([11]);
    expect(await rowsOf('covid 19')).toEqual([11, 12]);
    expect(await marked('U.S.', 'rose in the U.S. this week')).toEqual(['U.S']);
    expect(await marked('COVID-19', 'COVID-19 cases')).toEqual(['COVID-19']);
  });

  it('matches a quoted phrase of three Latin words only where they are adjacent ("prime minister of")', async () => {
    expect(await rowsOf('"prime minister of"')).toEqual([14]);
    expect(await rowsOf('prime minister of')).toEqual([14, 15]);
    expect(await rowsOf('"the prime minister"')).toEqual([14, 15]);
  });
});
