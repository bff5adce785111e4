import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStoryExtras } from '../../../src/indexer/output/write-story-extras.ts';
import { EXTRAS_CACHE_FILE, loadCache, OLD_EXTRAS_CACHE_FILES } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { extrasFile, GROUPS_FILE, type ExtrasBucket, type Manifest, type RowGroups } from '../../../src/shared/types.ts';
import { askCounted, askedOnceEach, buildSiteWithPrints, FERRY_POSTS, WIRE, type TestPost } from './site-builder.ts';
import type { StoryPrints } from '../../../src/indexer/output/write-story-extras.ts';
import { STORY_PRINT_VERSION } from '../../../src/indexer/plan/same-story.ts';

// Our own sentences: one story run by two outlets two hours apart, and an unrelated post.
const POSTS: TestPost[] = [
  ...FERRY_POSTS,
  {
    name: '2026-11-20-rain',
    title: '鋒面週末接近 北部轉雨',
    date: '2026-11-20 05:00',
    outlet: 'cna',
    link: 'rain',
    body: '<p>氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降，山區可能出現局部大雨，民眾從事戶外活動應留意天氣變化。</p>',
  },
];

describe('the same story in the build’s output', () => {
  let dataRoot: string;
  let prints: StoryPrints;
  let cacheDir: string;
  beforeAll(async () => {
    ({ dataRoot, prints } = await buildSiteWithPrints(POSTS));
    cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
  });

  it('lists each report with the other, and writes their rows as one story group', async () => {
    const written = await writeStoryExtras(dataRoot, cacheDir, prints);
    expect(written.grouped).toBe(2);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
    const extras = JSON.parse(readFileSync(join(dataRoot, extrasFile('2026-11-20-ferry-a', manifest.postBuckets)), 'utf8')) as ExtrasBucket;
    expect(extras['2026-11-20-ferry-a']?.sameStory?.map((ref) => ref.id)).toEqual(['2026-11-20-ferry-b']);
    // Rows from the oldest: ferry-a 0, ferry-b 1, rain 2.
    expect((JSON.parse(readFileSync(join(dataRoot, GROUPS_FILE), 'utf8')) as RowGroups).stories).toEqual([[0, 1]]);
  });

  it("takes each post's story print from the post store its parse filled, making none itself", async () => {
    const written = await writeStoryExtras(dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), prints);
    expect(written).toMatchObject({ printsMade: 0, grouped: 2 });
  });

  it('makes the story prints from the written posts when the build gives none, and groups alike', async () => {
    const written = await writeStoryExtras(dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')));
    expect(written).toMatchObject({ printsMade: POSTS.length, grouped: 2 });
  });

  it('keeps no print the store holds, and makes them again from the posts when a later build gives no store', async () => {
    const otherCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, otherCache, prints);
    const cached = [...loadCache(join(otherCache, EXTRAS_CACHE_FILE)).buckets.values()].flatMap((bucket) => bucket.posts);
    expect(cached).toHaveLength(POSTS.length);
    expect(cached.filter((post) => post.print !== undefined)).toEqual([]);
    rmSync(join(dataRoot, GROUPS_FILE));
    expect(await writeStoryExtras(dataRoot, otherCache)).toMatchObject({ printsMade: POSTS.length, grouped: 2 });
  });

  it('makes the print of a post whose store line starts as a print of this version but does not parse', async () => {
    const damaged = askCounted(prints, async () => `[${STORY_PRINT_VERSION},"damaged`);
    const written = await writeStoryExtras(dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), damaged.prints);
    expect(written).toMatchObject({ printsMade: POSTS.length, grouped: 2 });
    // The bucket's read found the line damaged: the row's turn does not ask again.
    expect(Object.fromEntries(damaged.asked)).toEqual(askedOnceEach(prints.keys));
  });

  it("lets the store's map go once after a cold pass has read every print, and not when the last build's table served them", async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    const cold = askCounted(prints);
    await writeStoryExtras(dataRoot, ownCache, cold.prints);
    expect(cold.asks()).toBe(POSTS.length);
    expect(cold.drops).toEqual([POSTS.length]);
    rmSync(join(ownCache, EXTRAS_CACHE_FILE));
    const warm = askCounted(prints);
    await writeStoryExtras(dataRoot, ownCache, warm.prints);
    expect(warm.drops).toEqual([]);
  });

  it("reads a cold pass's prints in the store's key order, letting its map go every so many prints", async () => {
    // Keys renamed to sort the middle row first (rows 1, 2, 0): an order neither the rows nor their buckets give.
    const rank = ['c', 'a', 'b'];
    const renamed = prints.keys.map((key, row) => `${rank[row]!}-${key}`);
    const original = new Map(renamed.map((key, row) => [key, prints.keys[row]!]));
    const cold = askCounted({ keys: renamed, store: prints.store }, (key) => prints.store.getStory(original.get(key)!));
    const written = await writeStoryExtras(dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), { ...cold.prints, printsBetweenDrops: 2 });
    expect(written).toMatchObject({ printsMade: 0, grouped: 2 });
    expect([...cold.asked.keys()]).toEqual([renamed[1], renamed[2], renamed[0]]);
    expect(Object.fromEntries(cold.asked)).toEqual(askedOnceEach(renamed));
    // One drop after two prints read, then the drop after the pass's last.
    expect(cold.drops).toEqual([2, POSTS.length]);
  });

  it('makes the prints of a store miss and a damaged line met in the key-order read, asking the store once each', async () => {
    // Rows from the oldest: ferry-a 0 found, ferry-b 1 missing, rain 2 damaged.
    const answers = new Map<string, Promise<string | undefined>>([
      [prints.keys[0]!, prints.store.getStory(prints.keys[0]!)],
      [prints.keys[1]!, Promise.resolve(undefined)],
      [prints.keys[2]!, Promise.resolve(`[${STORY_PRINT_VERSION},"damaged`)],
    ]);
    const cold = askCounted(prints, (key) => answers.get(key)!);
    const written = await writeStoryExtras(dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), { ...cold.prints, printsBetweenDrops: 1 });
    expect(written).toMatchObject({ printsMade: 2, grouped: 2 });
    expect(Object.fromEntries(cold.asked)).toEqual(askedOnceEach(prints.keys));
    expect(cold.drops).toEqual([1, 2, POSTS.length]);
  });

  it("reads no store print of a post the last build's story table holds, though its bucket is read again", async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    rmSync(join(ownCache, EXTRAS_CACHE_FILE));
    let reads = 0;
    const counted: StoryPrints = {
      keys: prints.keys,
      store: {
        getStory: async (key) => {
          reads++;
          return prints.store.getStory(key);
        },
        dropMap: async () => {},
      },
    };
    const written = await writeStoryExtras(dataRoot, ownCache, counted);
    expect(written).toMatchObject({ printsMade: 0, printsCopied: POSTS.length, grouped: 2 });
    expect(written.bucketsRead).toBeGreaterThan(0);
    expect(reads).toBe(0);
  });

  it('reads no post bucket and writes nothing when no post changed since the last build', async () => {
    await writeStoryExtras(dataRoot, cacheDir);
    const again = await writeStoryExtras(dataRoot, cacheDir);
    expect(again).toMatchObject({ bucketsRead: 0, bucketsReported: 0, written: 0, grouped: 2 });
  });

  it("removes the bucket caches of earlier versions from the build cache, and keeps this version's", async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    for (const old of OLD_EXTRAS_CACHE_FILES) writeFileSync(join(ownCache, old), '{"version":8}\n');
    await writeStoryExtras(dataRoot, ownCache, prints);
    expect(OLD_EXTRAS_CACHE_FILES.filter((old) => existsSync(join(ownCache, old)))).toEqual([]);
    expect(loadCache(join(ownCache, EXTRAS_CACHE_FILE)).buckets.size).toBeGreaterThan(0);
    rmSync(ownCache, { recursive: true, force: true });
  });

  it('writes the groups again when the output lost them, though no post changed', async () => {
    rmSync(join(dataRoot, GROUPS_FILE));
    await writeStoryExtras(dataRoot, cacheDir);
    expect((JSON.parse(readFileSync(join(dataRoot, GROUPS_FILE), 'utf8')) as RowGroups).stories).toEqual([[0, 1]]);
  });

  it('reads again only the post bucket that changed since the cache was written, and writes the same extras', async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    const manifest = JSON.parse(readFileSync(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
    const extrasPath = join(dataRoot, extrasFile('2026-11-20-ferry-a', manifest.postBuckets));
    const before = readFileSync(extrasPath, 'utf8');
    const folder = join(dataRoot, 'posts', readdirSync(join(dataRoot, 'posts'))[0]!);
    utimesSync(join(folder, readdirSync(folder)[0]!), new Date(), new Date(Date.now() + 5000));
    expect(await writeStoryExtras(dataRoot, ownCache, prints)).toMatchObject({ bucketsRead: 1, printsMade: 0, grouped: 2 });
    expect(readFileSync(extrasPath, 'utf8')).toBe(before);
  });

  it('finds again only the pairs of a post whose time changed, and writes what a build without the last state writes', async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    // ferry-a a day and a half earlier: no longer within a day of ferry-b; the rows keep their order.
    const moved = await buildSiteWithPrints(POSTS.map((post) => (post.name === '2026-11-20-ferry-a' ? { ...post, date: '2026-11-18 20:00' } : post)));
    const patched = await writeStoryExtras(moved.dataRoot, ownCache, moved.prints);
    expect(patched).toMatchObject({ grouped: 0, redone: { sameStory: 'changed' } });
    const fresh = await writeStoryExtras(moved.dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), moved.prints);
    expect(fresh).toMatchObject({ grouped: 0, written: 0, redone: { sameStory: 'all', furtherReading: 'all' } });
  });

  it.each([
    [
      'a post added',
      [...POSTS, { ...POSTS[1]!, name: '2026-11-20-ferry-c', title: '輪渡新航線啟航 港務公司整修候船室', date: '2026-11-20 06:00', link: 'ferry-c' }],
    ],
    ['a post removed', POSTS.filter((post) => post.name !== '2026-11-20-ferry-b')],
    ['a title changed', POSTS.map((post) => (post.name === '2026-11-20-rain' ? { ...post, title: '鋒面接近 北部轉雨氣溫下降' } : post))],
  ])('finds again only the pairs around the change (%s), and writes what a build without the last state writes', async (_, posts) => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    const changed = await buildSiteWithPrints(posts);
    const patched = await writeStoryExtras(changed.dataRoot, ownCache, changed.prints);
    expect(patched).toMatchObject({ redone: { sameStory: 'changed' } });
    const fresh = await writeStoryExtras(changed.dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), changed.prints);
    expect(fresh).toMatchObject({ grouped: patched.grouped, written: 0, redone: { sameStory: 'all', furtherReading: 'all' } });
  });

  it("copies the unchanged posts' prints from the last build's table, and writes what a fresh build writes after an edit, an add and a remove", async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    const edited = POSTS.map((post) =>
      post.name === '2026-11-20-ferry-b' ? { ...post, body: `<p>${WIRE}記者現場報導，航線首航當天將有剪綵儀式。</p>` } : post,
    );
    const added = [
      ...edited,
      { ...POSTS[0]!, name: '2026-11-20-ferry-c', title: '輪渡新航線啟航 港務公司整修候船室', date: '2026-11-20 06:00', link: 'ferry-c' },
    ];
    const removed = added.filter((post) => post.name !== '2026-11-20-rain');
    for (const [posts, copied] of [
      [edited, 2],
      [added, 3],
      [removed, 3],
    ] as const) {
      const changed = await buildSiteWithPrints(posts);
      const patched = await writeStoryExtras(changed.dataRoot, ownCache, changed.prints);
      expect(patched).toMatchObject({ printsCopied: copied, redone: { sameStory: 'changed' } });
      const fresh = await writeStoryExtras(changed.dataRoot, mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-')), changed.prints);
      expect(fresh).toMatchObject({ printsCopied: 0, grouped: patched.grouped, written: 0 });
    }
  });

  it('finds nothing again when no post changed what the extras read, though their buckets were read', async () => {
    const ownCache = mkdtempSync(join(tmpdir(), 'cna-reader-story-cache-'));
    await writeStoryExtras(dataRoot, ownCache, prints);
    const again = await buildSiteWithPrints(POSTS);
    expect(await writeStoryExtras(again.dataRoot, ownCache, again.prints)).toMatchObject({
      grouped: 2,
      redone: { sameStory: 'none', furtherReading: 'none' },
    });
  });
});
