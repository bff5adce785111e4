/**
 * Patching the search index a build wrote (src/indexer/search/search-cache.ts, search-patch.ts): a rebuild must
 * write exactly the shards that making the index from scratch writes, whether posts were edited, added
 * after the newest or on top, inserted among older ones or deleted; read back whole and written again,
 * or (when no row moved) patched in place.
 */
import { SEARCH_DIRECTORY_FOLDER } from '../../src/shared/search-format.ts';
import { headMapping, mapRows, patchIndex } from '../../src/indexer/search/search-cache.ts';
import { SearchIndexBuilder, mergePartialIndexes, type TokenPostings } from '../../src/indexer/search/search-index.ts';
import { countSearchTokens, TokenScratch } from '../../src/indexer/parse/count-tokens.ts';
import { droppedPostingsOf, patchInPlace, readSearchListing, readWrittenIndex } from '../../src/indexer/search/search-patch.ts';
import { writeSearchShards } from '../../src/indexer/search/search-shards.ts';

interface Post {
  key: string;
  title: string;
  text: string;
}

/** Posts in row order (newest first); keys stand for store keys (a changed post gets a new one). */
const archive: Post[] = Array.from({ length: 400 }, (_, n) => ({
  key: `k${n}`,
  title: `第${n % 9}號颱風消息`,
  text: `${'甲乙丙丁戊己庚辛壬癸'.slice(n % 6, (n % 6) + 4)} 編號${n} term${n % 13} 各地共同的詞${n % 50 === 0 ? ' 罕見字眼' : ''}`,
}));

function builderOf(posts: readonly Post[], only?: ReadonlySet<number>): SearchIndexBuilder {
  const builder = new SearchIndexBuilder();
  posts.forEach((post, row) => {
    if (!only || only.has(row)) builder.addText(row, post.title, post.text);
  });
  return builder;
}

/** Small shards, pieces and directory pages, so that 400 posts span many of each. */
const SHARD_BYTES = 2048;
const PIECE_POSTINGS = 64;
const PAGE_SHARDS = 2;

type Files = Map<string, Uint8Array | string>;

async function shardsOf(lists: Iterable<TokenPostings>, postCount: number): Promise<Files> {
  const files: Files = new Map();
  await writeSearchShards(lists, postCount, async (path, body) => void files.set(path, body), {
    shardBytes: SHARD_BYTES,
    piecePostings: PIECE_POSTINGS,
    pageShards: PAGE_SHARDS,
  });
  return files;
}

/** The files of an index as a build reads them back. */
function readerOf(files: Files): (path: string) => Uint8Array | undefined {
  return (path) => {
    const body = files.get(path);
    return typeof body === 'string' ? new TextEncoder().encode(body) : body;
  };
}

/** The tokens and weights of the old versions of the rows a mapping drops, as a build reads them from the store. */
function droppedOf(posts: readonly Post[], newRowOf: Int32Array) {
  const rows = posts.flatMap((_, old) => (newRowOf[old]! < 0 ? [old] : []));
  return droppedPostingsOf(
    rows,
    rows.map((old) => countSearchTokens(posts[old]!.title, posts[old]!.text, new TokenScratch())),
  );
}

/** The fresh rows' postings by token, as a build hands them to the patch. */
function freshOf(posts: readonly Post[], freshRows: Iterable<number>) {
  return new Map([...mergePartialIndexes([builderOf(posts, new Set(freshRows)).exportPartial()])].map((list) => [list.token, list]));
}

describe('patching the written search index', () => {
  const cases: [string, (posts: Post[]) => Post[]][] = [
    [
      'one post edited',
      (posts) => posts.map((post, row) => (row === 37 ? { key: 'k37-edited', title: post.title, text: `${post.text} 更正 新增的段落` } : post)),
    ],
    ['a post added on top', (posts) => [{ key: 'new', title: '最新消息 颱風', text: '全新的 term3 內容' }, ...posts]],
    [
      'two posts added after the last row, one edited',
      (posts) => [
        ...posts.map((post, row) => (row === 80 ? { ...post, key: 'k80-edited', text: `${post.text} term2` } : post)),
        { key: 'late1', title: '晚間新聞', text: 'term1 term2 晚間' },
        { key: 'late2', title: '深夜', text: 'term2 深夜' },
      ],
    ],
    [
      'a post inserted among older ones, another deleted',
      (posts) => [...posts.slice(0, 200), { key: 'mid', title: '補登', text: '舊聞 補登 term5' }, ...posts.slice(200, 311), ...posts.slice(312)],
    ],
    ['the only post of a rare token deleted, and nothing else', (posts) => posts.filter((_, row) => row !== 0)],
    [
      'one post edited and one added on top',
      (posts) => [
        { key: 'new', title: '最新消息', text: 'term3 term4' },
        ...posts.map((post, row) => (row === 5 ? { ...post, key: 'k5-edited', text: '改寫 term1' } : post)),
      ],
    ],
    // Every row's first delta grows from one byte to two.
    [
      '130 posts added on top',
      (posts) => [...Array.from({ length: 130 }, (_, n) => ({ key: `top${n}`, title: `快訊 ${n}`, text: `term${n % 7} 新聞` })), ...posts],
    ],
    // In place: an edit that takes a token's only post away and brings tokens the index never had,
    // some sorting before every token, some after; old rows in pieces of common tokens dropped.
    [
      'an old post rewritten with tokens of its own',
      (posts) => posts.map((post, row) => (row === 50 ? { key: 'k50-edited', title: '全新標題', text: '0000 zzzz 獨有的詞 罕見字眼' } : post)),
    ],
    [
      '130 posts added after the last row',
      (posts) => [
        ...posts,
        ...Array.from({ length: 130 }, (_, n) => ({
          key: `late${n}`,
          title: `晚報 ${n}`,
          text: `term${n % 5} 晚報 各地共同的詞 ${n % 40 === 0 ? 'aaaa' : ''}`,
        })),
      ],
    ],
    [
      'many posts edited across the archive',
      (posts) => posts.map((post, row) => (row % 37 === 3 ? { ...post, key: `k${row}-e`, text: `${post.text} 修訂 term${row % 3}` } : post)),
    ],
    // Common tokens weighed again in their pieces (an old post says them more often), in one post and in two.
    [
      'an old post says a common word more often',
      (posts) => posts.map((post, row) => (row === 37 ? { ...post, key: 'k37-more', text: `${post.text} 各地共同的詞 各地共同的詞` } : post)),
    ],
    [
      'two old posts say a common word more often',
      (posts) => posts.map((post, row) => (row === 37 || row === 90 ? { ...post, key: `k${row}-more`, text: `${post.text} 各地共同的詞 各地共同的詞` } : post)),
    ],
    // A common token loses so many posts that it keeps fewer pieces.
    [
      'a common word taken out of 150 posts',
      (posts) => posts.map((post, row) => (row < 150 ? { ...post, key: `k${row}-cut`, text: post.text.replace('各地共同的詞', '') } : post)),
    ],
  ];

  for (const [name, change] of cases) {
    it(`writes the same files as a fresh index: ${name}`, async () => {
      const first = await shardsOf(mergePartialIndexes([builderOf(archive).exportPartial()]), archive.length);
      const next = change(archive);
      const mapping = mapRows(
        archive.map((post) => post.key),
        next.map((post) => post.key),
      )!;
      expect(mapping).toBeDefined();
      const fresh = () => mergePartialIndexes([builderOf(next, new Set(mapping.freshRows)).exportPartial()]);
      const scratch = await shardsOf(mergePartialIndexes([builderOf(next).exportPartial()]), next.length);
      expect(scratch.size).toBeGreaterThan(20);
      expect([...scratch.keys()].some((path) => /-\d+\.bin$/.test(path))).toBe(true);
      expect([...scratch.keys()].filter((path) => path.startsWith(SEARCH_DIRECTORY_FOLDER)).length).toBeGreaterThan(3);

      // Read back whole, renumbered, merged with the fresh rows, written again.
      const patched = await shardsOf(patchIndex(readWrittenIndex(readerOf(first)), mapping, fresh()), next.length);
      expect(patched).toEqual(scratch);
      // Told every token of the dropped rows' old versions, the patch walks only their lists: the same files.
      const dropped = droppedOf(archive, mapping.newRowOf);
      expect(await shardsOf(patchIndex(readWrittenIndex(readerOf(first)), mapping, fresh(), new Set(dropped.keys())), next.length)).toEqual(scratch);

      // In place, when no row moved: the same files, and what it says it changed.
      if (mapping.shift !== 0) return;
      const files = new Map(first);
      const result = await patchInPlace({
        read: readerOf(files),
        newRowOf: mapping.newRowOf,
        fresh: new Map([...fresh()].map((list) => [list.token, list])),
        dropped,
        postCount: next.length,
        write: async (path, body) => void files.set(path, body),
        drop: (path) => void files.delete(path),
        shardBytes: SHARD_BYTES,
        piecePostings: PIECE_POSTINGS,
        pageShards: PAGE_SHARDS,
      });
      expect(files).toEqual(scratch);
      const size = (index: Files) => [...index.values()].reduce((sum, body) => sum + (typeof body === 'string' ? Buffer.byteLength(body) : body.length), 0);
      const tokens = (index: Files) => [...readWrittenIndex(readerOf(index))].length;
      expect(result).toEqual({
        shards: [...scratch.keys()].filter((path) => !/-\d+\.bin$/.test(path) && path.endsWith('.bin')).length,
        pieces: [...scratch.keys()].filter((path) => /-\d+\.bin$/.test(path)).length,
        tokenChange: tokens(scratch) - tokens(first),
        byteChange: size(scratch) - size(first),
      });
    });
  }

  it('patches in place as a fresh index writes, over many random edits and additions', async () => {
    // A small generator of its own (deterministic): posts of a few words from a vocabulary where some
    // words are everywhere and most are rare, edited and added at random, index after index.
    let seed = 7;
    const random = (below: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % below;
    const words = Array.from({ length: 120 }, (_, n) => (n < 6 ? `常見${n}` : n < 30 ? `詞${n}` : `w${n}x`));
    const text = () => Array.from({ length: 3 + random(8) }, () => words[random(7) < 3 ? random(6) : random(words.length)]).join(' ');
    let posts: Post[] = Array.from({ length: 300 }, (_, n) => ({ key: `r${n}`, title: `標題${random(40)}`, text: text() }));
    // Smaller shards and pieces still: many cuts for each change to move.
    const indexOf = async (of: Post[]) => {
      const index: Files = new Map();
      await writeSearchShards(mergePartialIndexes([builderOf(of).exportPartial()]), of.length, async (path, body) => void index.set(path, body), {
        shardBytes: 512,
        piecePostings: 32,
        pageShards: 2,
      });
      return index;
    };
    let files = await indexOf(posts);
    for (let round = 0; round < 30; round++) {
      // An edit writes a new text, or adds a word (most of its tokens keep their weights).
      const edited = (post: Post, row: number) => ({
        key: `r${row}-${round}`,
        title: post.title,
        text: random(2) === 0 ? text() : `${post.text} ${words[random(words.length)]}`,
      });
      const next = posts.map((post, row) => (random(12) === 0 ? edited(post, row) : post));
      for (let n = random(4); n > 0; n--) next.push({ key: `a${round}-${n}`, title: `新${random(9)}`, text: text() });
      const mapping = mapRows(
        posts.map((post) => post.key),
        next.map((post) => post.key),
      )!;
      const dropped = droppedOf(posts, mapping.newRowOf);
      const patched = new Map(files);
      await patchInPlace({
        read: readerOf(patched),
        newRowOf: mapping.newRowOf,
        fresh: freshOf(next, mapping.freshRows),
        dropped,
        postCount: next.length,
        write: async (path, body) => void patched.set(path, body),
        drop: (path) => void patched.delete(path),
        shardBytes: 512,
        piecePostings: 32,
        pageShards: 2,
      });
      const scratch = await indexOf(next);
      expect(patched).toEqual(scratch);
      posts = next;
      files = scratch;
    }
  });

  it('leaves the shards of the tokens an edit left as they were: only those of the tokens it changed are written', async () => {
    const first = await shardsOf(mergePartialIndexes([builderOf(archive).exportPartial()]), archive.length);
    // A word added that one other post holds: that token's list changes, the post's other tokens keep their weights.
    const next = archive.map((post, row) => (row === 120 ? { ...post, key: 'k120-more', text: `${post.text} 罕見字眼` } : post));
    const mapping = mapRows(
      archive.map((post) => post.key),
      next.map((post) => post.key),
    )!;
    const files = new Map(first);
    const written: string[] = [];
    await patchInPlace({
      read: readerOf(files),
      newRowOf: mapping.newRowOf,
      fresh: freshOf(next, mapping.freshRows),
      dropped: droppedOf(archive, mapping.newRowOf),
      postCount: next.length,
      write: async (path, body) => {
        files.set(path, body);
        written.push(path);
      },
      drop: (path) => void files.delete(path),
      shardBytes: SHARD_BYTES,
      piecePostings: PIECE_POSTINGS,
      pageShards: PAGE_SHARDS,
    });
    expect(files).toEqual(await shardsOf(mergePartialIndexes([builderOf(next).exportPartial()]), next.length));
    const shards = written.filter((path) => path.endsWith('.bin'));
    const postTokens = countSearchTokens(archive[120]!.title, archive[120]!.text, new TokenScratch()).joined.split('\n').length;
    expect(postTokens).toBeGreaterThan(10);
    // The shards of the new word's tokens (a cut may move into the next), not those of every token of the post.
    expect(shards.length).toBeGreaterThan(0);
    expect(shards.length).toBeLessThanOrEqual(4);
  });

  it("cuts again from the shard before when a shard's first token shrinks (the cut before it may go)", async () => {
    // Tiny shards: "beta" begins a shard of its own only because its list is long.
    const index = async (of: Post[]) => {
      const files: Files = new Map();
      await writeSearchShards(mergePartialIndexes([builderOf(of).exportPartial()]), of.length, async (path, body) => void files.set(path, body), {
        shardBytes: 64,
        piecePostings: 1000,
      });
      return files;
    };
    const posts: Post[] = [
      { key: 'p0', title: 'ab', text: 'beta' },
      ...Array.from({ length: 599 }, (_, n) => ({ key: `p${n + 1}`, title: 'beta', text: 'beta' })),
    ];
    const before = await index(posts);
    expect(readSearchListing(readerOf(before))!.firstTokens).toEqual(['ab', 'beta']);
    const next = posts.map((post, row) => (row > 0 && row < 597 ? { key: `${post.key}-e`, title: 'delta', text: 'delta' } : post));
    const after = await index(next);
    expect(readSearchListing(readerOf(after))!.firstTokens).toEqual(['ab', 'delta']);

    const mapping = mapRows(
      posts.map((post) => post.key),
      next.map((post) => post.key),
    )!;
    const files = new Map(before);
    await patchInPlace({
      read: readerOf(files),
      newRowOf: mapping.newRowOf,
      fresh: freshOf(next, mapping.freshRows),
      dropped: droppedOf(posts, mapping.newRowOf),
      postCount: next.length,
      write: async (path, body) => void files.set(path, body),
      drop: (path) => void files.delete(path),
      shardBytes: 64,
      piecePostings: 1000,
    });
    expect(files).toEqual(after);
  });

  it('reads an index of no posts as no tokens, and patches it into the same', async () => {
    const empty = await shardsOf(mergePartialIndexes([new SearchIndexBuilder().exportPartial()]), 0);
    expect(empty.has('search/meta.json')).toBe(true);
    expect([...readWrittenIndex(readerOf(empty))]).toEqual([]);
    const again = await shardsOf(
      patchIndex(readWrittenIndex(readerOf(empty)), mapRows([], [])!, mergePartialIndexes([new SearchIndexBuilder().exportPartial()])),
      0,
    );
    expect(again).toEqual(empty);
  });

  it('refuses a mapping that would reorder old rows', () => {
    expect(mapRows(['a', 'b', 'c'], ['b', 'a', 'c'])).toBeUndefined();
    expect(mapRows(['a', 'b', 'c'], ['x', 'a', 'c'])).toEqual({ newRowOf: Int32Array.from([1, -1, 2]), freshRows: [0], dropsRows: true });
  });

  it('sees when every kept row moved by the same amount', () => {
    // An edit: rows stay; one dropped (its old version), one fresh.
    expect(mapRows(['a', 'b', 'c'], ['a', 'b2', 'c'])).toMatchObject({ shift: 0, dropsRows: true, freshRows: [1] });
    // Two posts added on top.
    expect(mapRows(['a', 'b'], ['x', 'y', 'a', 'b'])).toMatchObject({ shift: 2, dropsRows: false, freshRows: [0, 1] });
    // A post deleted in the middle: rows above stay, rows below move up.
    expect(mapRows(['a', 'b', 'c'], ['a', 'c'])).not.toHaveProperty('shift');
  });

  describe('the head of an index with a tail (the rows before it)', () => {
    const old = ['a', 'b', 'c', 'd', 'e', 'f'];
    it('stays as it was when posts are added to the tail', () => {
      const head = headMapping(mapRows(old, [...old, 'g'])!, 4, 4)!;
      expect(head).toEqual({ mapping: { newRowOf: Int32Array.from([0, 1, 2, 3]), freshRows: [], dropsRows: false, shift: 0 }, dropped: [] });
    });
    it('takes the rows of the old tail as fresh when the tail joins it', () => {
      const head = headMapping(mapRows(old, [...old, 'g', 'h'])!, 4, 8)!;
      expect(head).toEqual({ mapping: { newRowOf: Int32Array.from([0, 1, 2, 3]), freshRows: [4, 5, 6, 7], dropsRows: false, shift: 0 }, dropped: [] });
    });
    it('drops an edited post of its own, and the rows that went to the tail when the archive shrank', () => {
      // b edited; f removed: 5 posts, the head (span 4) holds 4. Then a shorter archive: its head holds none.
      expect(headMapping(mapRows(old, ['a', 'b2', 'c', 'd', 'e'])!, 4, 4)).toEqual({
        mapping: { newRowOf: Int32Array.from([0, -1, 2, 3]), freshRows: [1], dropsRows: true, shift: 0 },
        dropped: [1],
      });
      expect(headMapping(mapRows(old, ['a', 'b', 'c'])!, 4, 0)).toEqual({
        mapping: { newRowOf: Int32Array.from([-1, -1, -1, -1]), freshRows: [], dropsRows: true, shift: 0 },
        dropped: [0, 1, 2, 3],
      });
    });
    it('is undefined when old rows would change their order', () => {
      expect(headMapping({ newRowOf: Int32Array.from([1, 0]), freshRows: [], dropsRows: false }, 2, 2)).toBeUndefined();
    });
  });
});
