/**
 * The cached search index (src/ingest/search-cache.ts): patched for a rebuild, it must write exactly the
 * shards that making the index from scratch writes, whether posts were edited, added on top, inserted
 * among older ones or deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapRows, patchIndex, teeToCache } from '../../src/ingest/search-cache.ts';
import { SearchIndexBuilder, countSearchTokens, mergePartialIndexes, type TokenPostings } from '../../src/ingest/search-index.ts';
import { writeSearchShards } from '../../src/ingest/search-shards.ts';

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

async function shardsOf(lists: Iterable<TokenPostings>, postCount: number): Promise<Map<string, Uint8Array | string>> {
  const files = new Map<string, Uint8Array | string>();
  // Small shards, so that the archive spans many of them.
  await writeSearchShards(lists, postCount, async (path, body) => void files.set(path, body), 2048);
  return files;
}

describe('the cached search index', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cna-reader-search-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, (posts: Post[]) => Post[]][] = [
    ['one post edited', (posts) => posts.map((post, row) => (row === 37 ? { key: 'k37-edited', title: post.title, text: `${post.text} 更正 新增的段落` } : post))],
    ['a post added on top', (posts) => [{ key: 'new', title: '最新消息 颱風', text: '全新的 term3 內容' }, ...posts]],
    ['two posts added after the last row, one edited', (posts) => [...posts.map((post, row) => (row === 80 ? { ...post, key: 'k80-edited', text: `${post.text} term2` } : post)), { key: 'late1', title: '晚間新聞', text: 'term1 term2 晚間' }, { key: 'late2', title: '深夜', text: 'term2 深夜' }]],
    ['a post inserted among older ones, another deleted', (posts) => [...posts.slice(0, 200), { key: 'mid', title: '補登', text: '舊聞 補登 term5' }, ...posts.slice(200, 311), ...posts.slice(312)]],
    ['the only post of a rare token deleted, and nothing else', (posts) => posts.filter((_, row) => row !== 0)],
    ['one post edited and one added on top', (posts) => [{ key: 'new', title: '最新消息', text: 'term3 term4' }, ...posts.map((post, row) => (row === 5 ? { ...post, key: 'k5-edited', text: '改寫 term1' } : post))]],
    // Every row's first delta grows from one byte to two.
    ['130 posts added on top', (posts) => [...Array.from({ length: 130 }, (_, n) => ({ key: `top${n}`, title: `快訊 ${n}`, text: `term${n % 7} 新聞` })), ...posts]],
  ];

  for (const [name, change] of cases) {
    it(`writes the same shards as a fresh index: ${name}`, async () => {
      const postings = join(dir, 'postings');
      // The first build: its index written to the cache on the way to the shards.
      await shardsOf(teeToCache(mergePartialIndexes([builderOf(archive).exportPartial()]), postings), archive.length);

      const next = change(archive);
      const mapping = mapRows(archive.map((post) => post.key), next.map((post) => post.key))!;
      expect(mapping).toBeDefined();
      expect(mapping.freshRows.length).toBeLessThanOrEqual(130);
      const fresh = builderOf(next, new Set(mapping.freshRows)).exportPartial();
      const patched = await shardsOf(teeToCache(patchIndex(postings, mapping, mergePartialIndexes([fresh])), postings), next.length);
      const scratch = await shardsOf(mergePartialIndexes([builderOf(next).exportPartial()]), next.length);
      expect(patched.size).toBeGreaterThan(5);
      expect(patched).toEqual(scratch);
      // The cache the patch wrote (its tokens partly passed on as the cache's own bytes) is this build's index.
      const unchangedSince = mapRows(next.map((post) => post.key), next.map((post) => post.key))!;
      expect(await shardsOf(patchIndex(postings, unchangedSince, mergePartialIndexes([new SearchIndexBuilder().exportPartial()])), next.length)).toEqual(scratch);

      // Told every token of the dropped rows' old versions, the patch walks only their lists: the same shards.
      const dropped = new Set(archive.filter((_, old) => mapping.newRowOf[old]! < 0).flatMap((post) => countSearchTokens(post.title, post.text).tokens));
      await shardsOf(teeToCache(mergePartialIndexes([builderOf(archive).exportPartial()]), postings), archive.length);
      const told = await shardsOf(patchIndex(postings, mapping, mergePartialIndexes([builderOf(next, new Set(mapping.freshRows)).exportPartial()]), dropped), next.length);
      expect(told).toEqual(scratch);
      await shardsOf(teeToCache(mergePartialIndexes([builderOf(next).exportPartial()]), postings), next.length);

      // And the cache now holds this build's index: patching it with no change gives the same shards again.
      const unchanged = mapRows(next.map((post) => post.key), next.map((post) => post.key))!;
      const again = await shardsOf(patchIndex(postings, unchanged, mergePartialIndexes([new SearchIndexBuilder().exportPartial()])), next.length);
      expect(again).toEqual(scratch);
    });
  }

  it('makes its folder when the build cache has none yet (an archive with no posts stores nothing)', async () => {
    const postings = join(dir, 'not-yet', 'postings');
    const files = await shardsOf(teeToCache(mergePartialIndexes([new SearchIndexBuilder().exportPartial()]), postings), 0);
    expect(files.has('search/meta.json')).toBe(true);
    const again = await shardsOf(patchIndex(postings, mapRows([], [])!, mergePartialIndexes([new SearchIndexBuilder().exportPartial()])), 0);
    expect(again).toEqual(files);
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
});
