import { runSearch } from '../../../src/features/search/run-search.ts';
import { SEARCH_DIRECTORY_FOLDER, SEARCH_META_PATH, decodeShard, encodeShard, searchShardPath, type SearchMeta } from '../../../src/shared/search-format.ts';
import { SearchIndexBuilder, mergePartialIndexes } from '../../../src/indexer/search/search-index.ts';
import { TokenIds } from '../../../src/indexer/search/token-ids.ts';
import { countSearchTokens, searchTokenList, TokenScratch } from '../../../src/indexer/parse/count-tokens.ts';
import { buildSearchFiles, writeSearchShards } from '../../../src/indexer/search/search-shards.ts';
import { serveSearchIndex } from './serve-index.ts';

// Row 0 is the newest post, as in the list.
const POSTS = [
  { title: '立法院今日開議', text: '行政院長率內閣列席，說明明年度預算。' },
  { title: '俄羅斯總統蒲亭訪問北京', text: '蒲亭與習近平會談，雙方談到烏克蘭局勢。' },
  { title: '普京会见习近平', text: '俄罗斯总统普京在北京会见习近平，讨论乌克兰问题。' },
  { title: '烏克蘭總統：盼更多援助', text: '烏克蘭總統表示，冬季將至，電網需要修復。Hong Kong 也有聲援活動。' },
  { title: '颱風接近 東部停班停課', text: '颱風預計明天登陸，東部縣市宣布停班停課。' },
  { title: '颱風過後 農損統計出爐', text: '颱風造成的農業損失持續統計中，颱風影響的果園正在復原。' },
  { title: 'Kong Hong 樂團巡演', text: '這支樂團以 Kong Hong 為名。' },
  { title: 'APEC峰會閉幕', text: '2026年APEC峰會今天閉幕，AI晶片供應鏈成為焦點。' },
];

// The newest posts' postings are in the index's tail (see search-format.ts): every query answers the
// same whether a post's are in the shards before it or in the tail.
describe.each([
  ['no tail', 1],
  ['the two newest posts in the tail', 3],
  ['every post in the tail', 2048],
])('searching, %s', (_, tailRows) => {
  beforeEach(async () => {
    await serveSearchIndex(POSTS, { tailRows });
  });

  it('finds a word in either script, in posts written in either script', async () => {
    for (const query of ['習近平', '习近平']) {
      expect((await runSearch(query)).rowsByDate).toEqual([1, 2]);
    }
    expect((await runSearch('乌克兰')).rowsByDate).toEqual([1, 2, 3]);
  });

  it('finds regional name variants (蒲亭 / 普京)', async () => {
    expect((await runSearch('普京')).rowsByDate).toEqual([1, 2]);
    expect((await runSearch('蒲亭')).rowsByDate).toEqual([1, 2]);
  });

  it('requires every word, and leaves out excluded words', async () => {
    expect((await runSearch('颱風 停課')).rowsByDate).toEqual([4]);
    expect((await runSearch('颱風 -停課')).rowsByDate).toEqual([5]);
  });

  it('matches quoted phrases as phrases', async () => {
    expect((await runSearch('Hong Kong')).rowsByDate).toEqual([3, 6]);
    expect((await runSearch('"Hong Kong"')).rowsByDate).toEqual([3]);
    expect((await runSearch('"kong hong"')).rowsByDate).toEqual([6]);
  });

  it('finds Latin words, numbers and mixed words', async () => {
    expect((await runSearch('apec')).rowsByDate).toEqual([7]);
    expect((await runSearch('2026年')).rowsByDate).toEqual([7]);
    expect((await runSearch('AI晶片')).rowsByDate).toEqual([7]);
    expect((await runSearch('ＡＰＥＣ峰會')).rowsByDate).toEqual([7]);
  });

  it('ranks title matches and frequent matches first, newest first among equals', async () => {
    // Row 5 has 颱風 three times in its text, row 4 twice: both have it in the title.
    expect((await runSearch('颱風')).rows).toEqual([5, 4]);
    // 烏克蘭 is in row 3's title; rows 1 and 2 have it once in the text only, so the newer comes first.
    expect((await runSearch('烏克蘭')).rows).toEqual([3, 1, 2]);
  });

  it('returns nothing for unknown words and characters', async () => {
    expect((await runSearch('不存在')).rows).toEqual([]);
    expect((await runSearch('雨')).rows).toEqual([]);
  });

  it('highlights the matched words in the reader’s own script', async () => {
    const result = await runSearch('习近平 普京');
    expect(
      result
        .split('蒲亭與習近平會談')
        .filter((piece) => piece.match)
        .map((piece) => piece.text),
    ).toEqual(['蒲亭', '習近平']);
  });
});

describe('what a query fetches', () => {
  const many = Array.from({ length: 400 }, (_, i) => ({
    title: `第${i}號報告`,
    text: `報告編號 R${i} 由研究員${String.fromCharCode(0x4e00 + i)}${String.fromCharCode(0x4f00 + i)}撰寫。`,
  }));

  it('fetches the meta file, then the page of the tail that lists its shard, and only that shard', async () => {
    // 400 posts: all in the tail.
    const fetched = await serveSearchIndex(many);
    await runSearch('R123');
    expect(fetched.paths.map((path) => path.replace(/\/[0-9a-f]+\.(json|bin)$/, '/…'))).toEqual([SEARCH_META_PATH, 'search/tail/dir/…', 'search/tail/…']);
  });

  it('fetches the directory page of its token before the shard, and neither again for the next query', async () => {
    const fetched = await serveSearchIndex(many, { tailRows: 1, shardBytes: 1024, pageShards: 2 });
    await runSearch('R123');
    expect(fetched.paths.map((path) => path.replace(/\/[0-9a-f]+\.(json|bin)$/, '/…'))).toEqual([SEARCH_META_PATH, `${SEARCH_DIRECTORY_FOLDER}…`, 'search/…']);
    await runSearch('R123');
    expect(fetched.paths.length).toBe(3);
  });
});

describe('the shard format', () => {
  it('round-trips tokens and postings', async () => {
    const builder = new SearchIndexBuilder();
    builder.addText(0, '颱風', '颱風颱風');
    builder.addText(300, '晴天', '颱風');
    builder.addText(70_000, '', '颱風 晴天');
    const files = new Map<string, Uint8Array | string>();
    await writeSearchShards(mergePartialIndexes([builder.exportPartial()]), builder.postCount, async (path, body) => void files.set(path, body));
    const shard = decodeShard(files.get(firstShardPath(files)) as Uint8Array);
    const postings = shard.postings('台!风')!;
    expect(Array.from(postings.rows)).toEqual([0, 300, 70_000]);
    // weight = occurrences << 1 | in title
    expect(Array.from(postings.weights)).toEqual([(3 << 1) | 1, 1 << 1, 1 << 1]);
    expect(shard.postings('晴!天')!.rows).toEqual(Int32Array.from([300, 70_000]));
    expect(shard.postings('没!有')).toBeUndefined();
    const again = decodeShard(encodeShard(shard.header, new Uint8Array(0)));
    expect(again.header.tokens).toEqual(shard.header.tokens);
  });

  it('refuses rows out of order (postings are delta-encoded)', () => {
    const builder = new SearchIndexBuilder();
    builder.addText(5, 'a', '');
    expect(() => builder.addText(5, 'b', '')).toThrow(RangeError);
  });

  it('writes the same shards from indexes built over row ranges on separate threads as from one', async () => {
    // Enough posts and tokens for several shards, rows far apart (multi-byte deltas) and tokens that
    // occur in one range only, in both, or once.
    const posts = Array.from({ length: 600 }, (_, n) => ({
      row: n * 137,
      title: `第${n % 7}號颱風`,
      text: `${'甲乙丙丁戊己庚辛'.slice(n % 5, (n % 5) + 3)} 編號${n} word${n % 11} 共同的詞`,
    }));
    const shardsOf = async (parts: SearchIndexBuilder[]) => {
      const files = new Map<string, Uint8Array | string>();
      const written = await writeSearchShards(
        mergePartialIndexes(parts.map((part) => part.exportPartial())),
        posts.length,
        async (path, body) => void files.set(path, body),
        { shardBytes: 2048 },
      );
      return { files, written };
    };
    const whole = new SearchIndexBuilder();
    for (const post of posts) whole.addText(post.row, post.title, post.text);
    const ranges = [new SearchIndexBuilder(), new SearchIndexBuilder(), new SearchIndexBuilder()];
    posts.forEach((post, n) => ranges[Math.floor((n * 3) / posts.length)]!.addText(post.row, post.title, post.text));
    const one = await shardsOf([whole]);
    const three = await shardsOf(ranges);
    expect(one.written.shards).toBeGreaterThan(3);
    expect([...three.files.keys()]).toEqual([...one.files.keys()]);
    for (const [path, body] of one.files) expect(three.files.get(path)).toEqual(body);
    const shard = decodeShard(one.files.get(firstShardPath(one.files)) as Uint8Array);
    const token = shard.header.tokens[0]!;
    expect(shard.postings(token)!.rows.length).toBe(shard.header.counts[0]);
  });
  it('writes the same shards when a builder’s columns grow past its tables’ first capacity as when they never grow', async () => {
    // More distinct tokens than an unsized builder's tables hold (its columns are sized to that), each
    // post a run of characters of its own so that nearly every pair is new.
    const posts = Array.from({ length: 300 }, (_, n) => ({
      row: n * 3,
      title: `第${n}篇`,
      text: Array.from({ length: 60 }, (_, k) => String.fromCharCode(0x4e00 + ((n * 61 + k * 7919) % 20_000))).join(''),
    }));
    const shardsOf = async (builder: SearchIndexBuilder) => {
      const files = new Map<string, Uint8Array | string>();
      await writeSearchShards(mergePartialIndexes([builder.exportPartial()]), posts.length, async (path, body) => void files.set(path, body));
      return files;
    };
    const growing = new SearchIndexBuilder();
    const sized = new SearchIndexBuilder(100_000);
    for (const post of posts) for (const builder of [growing, sized]) builder.addText(post.row, post.title, post.text);
    expect(growing.tokenCount).toBeGreaterThan(new TokenIds().capacity);
    expect(growing.tokenCount).toBeLessThan(new TokenIds(100_000).capacity);
    const grown = await shardsOf(growing);
    expect(grown).toEqual(await shardsOf(sized));
    expect(grown.size).toBeGreaterThan(1);
  });
});

describe('a post added after the newest', () => {
  it('changes only the shards holding its tokens (and at most the next one or two), under the same names', async () => {
    // 3,000 older posts; the new one brings 400 characters of text, many of its pairs new to the index.
    const older = Array.from({ length: 3000 }, (_, n) => ({
      title: `第${n % 7}號颱風 ${'甲乙丙丁戊己庚辛壬癸'[n % 10]}${'子丑寅卯辰巳午未申酉戌亥'[n % 12]}`,
      text: `${'甲乙丙丁戊己庚辛'.slice(n % 5, (n % 5) + 3)} 編號${n} word${n % 11} ${String.fromCharCode(0x4e00 + ((n * 7) % 500))}${String.fromCharCode(0x4e00 + ((n * 13) % 700))}`,
    }));
    const added = { title: '颱風過後 新聞', text: Array.from({ length: 400 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 900))).join('') };
    const shardsOf = async (posts: { title: string; text: string }[]) => {
      const builder = new SearchIndexBuilder();
      posts.forEach((post, row) => builder.addText(row, post.title, post.text));
      const files = new Map<string, Uint8Array | string>();
      await writeSearchShards(mergePartialIndexes([builder.exportPartial()]), posts.length, async (path, body) => void files.set(path, body), {
        shardBytes: 2048,
      });
      files.delete(SEARCH_META_PATH);
      for (const path of files.keys()) if (path.startsWith(SEARCH_DIRECTORY_FOLDER)) files.delete(path);
      return files as Map<string, Uint8Array>;
    };
    const before = await shardsOf(older);
    const after = await shardsOf([...older, added]);
    const addedTokens = new Set(searchTokenList(countSearchTokens(added.title, added.text, new TokenScratch())));
    const inOrder = [...after]
      .map(([path, bytes]) => ({ path, bytes, tokens: decodeShard(bytes).header.tokens }))
      .sort((a, b) => (a.tokens[0]! < b.tokens[0]! ? -1 : 1));
    const holdsAdded = inOrder.map((shard) => shard.tokens.some((token) => addedTokens.has(token)));
    let changed = 0;
    inOrder.forEach((shard, n) => {
      const old = before.get(shard.path);
      if (old && Buffer.from(old).equals(Buffer.from(shard.bytes))) return;
      changed++;
      expect(holdsAdded.slice(Math.max(0, n - 2), n + 1)).toContain(true);
    });
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(after.size / 3);
  });

  it('moves no cut beyond the next shard when one token grows a lot (a common word in many new posts)', async () => {
    const lists = Array.from({ length: 3000 }, (_, n) => ({
      token: `t${String(n).padStart(5, '0')}`,
      count: 1,
      postings: new Uint8Array(20 + ((n * 7919) % 180)),
    }));
    const shardsOf = async (tokens: typeof lists) => {
      const files = new Map<string, Uint8Array | string>();
      await writeSearchShards(tokens, 10, async (path, body) => void files.set(path, body), { shardBytes: 2048 });
      return files;
    };
    const before = await shardsOf(lists);
    for (const growth of [300, 1500]) {
      const after = await shardsOf(lists.map((list, n) => (n === 1500 ? { ...list, postings: new Uint8Array(list.postings.length + growth) } : list)));
      const changed = [...after].filter(
        ([path, body]) =>
          path !== SEARCH_META_PATH &&
          !path.startsWith(SEARCH_DIRECTORY_FOLDER) &&
          !Buffer.from(body as Uint8Array).equals(Buffer.from((before.get(path) ?? '') as Uint8Array)),
      );
      // The grown token's shard, and the one or two its new end reaches into.
      expect(changed.length).toBeLessThanOrEqual(3);
    }
  });
});

describe('common tokens, their older postings in pieces', () => {
  // 300 posts: 颱風 in all of them, 停課 in every third, a number in each (so a few rare tokens too).
  const posts = Array.from({ length: 300 }, (_, n) => ({ title: `颱風消息 第${n}則`, text: `${n % 3 === 0 ? '宣布停班停課。' : '照常上班。'}編號${n}` }));

  it('answers every query as an index without pieces does', async () => {
    const queries = ['颱風', '颱風 停課', '停課', '颱風 -停課', '編號17', '"颱風消息"'];
    const answers = async () =>
      Promise.all(
        queries.map(async (query) => {
          const { rows, rowsByDate } = await runSearch(query);
          return { rows, rowsByDate };
        }),
      );
    await serveSearchIndex(posts, { tailRows: 1 });
    const whole = await answers();
    const fetched = await serveSearchIndex(posts, { shardBytes: 512, piecePostings: 16, tailRows: 1 });
    expect(await answers()).toEqual(whole);
    expect(whole[0]!.rowsByDate).toHaveLength(300);
    // 颱風 came in pieces: 300 postings are 18 pieces of 16 and 12 in its shard.
    expect(fetched.paths.filter((path) => path.endsWith('-17.bin'))).not.toHaveLength(0);
  });

  it('answers every query as an index without a tail does, a common token in pieces, its shard and the tail', async () => {
    const queries = ['颱風', '颱風 停課', '停課', '颱風 -停課', '編號17', '編號299', '"颱風消息"', '颱風 編號29'];
    const answers = async () =>
      Promise.all(
        queries.map(async (query) => {
          const { rows, rowsByDate } = await runSearch(query);
          return { rows, rowsByDate };
        }),
      );
    await serveSearchIndex(posts, { shardBytes: 512, piecePostings: 16, tailRows: 1 });
    const whole = await answers();
    // 300 posts: the 256 oldest before the tail (颱風: 15 pieces of 16, 16 postings in its shard), 44 in it.
    const fetched = await serveSearchIndex(posts, { shardBytes: 512, piecePostings: 16, tailRows: 64 });
    expect(await answers()).toEqual(whole);
    expect(whole[0]!.rowsByDate).toHaveLength(300);
    expect(fetched.paths.filter((path) => path.endsWith('-14.bin'))).not.toHaveLength(0);
    expect(fetched.paths.filter((path) => path.endsWith('-15.bin'))).toHaveLength(0);
    expect(fetched.paths.filter((path) => path.startsWith('search/tail/'))).not.toHaveLength(0);
  });

  it('leaves every piece as it was when a post is added after the newest', async () => {
    const filesOf = async (list: typeof posts) => {
      const files = await buildSearchFiles(
        (async function* () {
          for (const [row, post] of list.entries()) yield { row, ...post };
        })(),
        { shardBytes: 512, piecePostings: 16, tailRows: 1 },
      );
      return new Map([...files].filter(([path]) => /-\d+\.bin$/.test(path)));
    };
    const before = await filesOf(posts);
    const after = await filesOf([...posts, { title: '颱風又來了', text: '宣布停班停課。' }]);
    expect(before.size).toBeGreaterThan(20);
    expect(after).toEqual(before);
    // One more lot of 16 and 颱風 has a 19th piece; the first 18 stay.
    const more = await filesOf([...posts, ...posts.slice(0, 16)]);
    expect([...more.keys()].filter((path) => !before.has(path)).length).toBeGreaterThan(0);
    for (const [path, body] of before) expect(more.get(path)).toEqual(body);
  });
});

/** The path of the first shard (shards are named by their first token, and so is the first directory page). */
function firstShardPath(files: Map<string, Uint8Array | string>): string {
  const meta = JSON.parse(files.get(SEARCH_META_PATH) as string) as SearchMeta;
  return searchShardPath(meta.directory[0]!);
}

describe('shard headers', () => {
  it('are written front-coded and read back as they were, surrogate pairs included', () => {
    const header = {
      tokens: ['a', 'ab', 'abc', 'b', '乌克', '乌克兰', '乌克兰总', '𠮷野', '𠮷野家', '𠮷𠮷'],
      ends: [3, 5, 9, 12, 14, 17, 20, 22, 25, 30],
      counts: [1, 1, 2, 1, 1, 1, 1, 1, 1, 2],
    };
    const decoded = decodeShard(encodeShard(header, new Uint8Array(30)));
    expect(decoded.header).toEqual(header);
  });

  it('hold an empty shard', () => {
    expect(decodeShard(encodeShard({ tokens: [], ends: [], counts: [] }, new Uint8Array(0))).header).toEqual({ tokens: [], ends: [], counts: [] });
  });
});
