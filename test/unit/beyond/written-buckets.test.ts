/**
 * The post buckets a build writes, reported by their writers (write-rows.ts) so that the extras read none
 * back: what is reported of each post is what the extras would take from the file as written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketWithoutBodies } from '../../../src/indexer/output/bucket-without-bodies.ts';
import { readDataFileSync, type DataCompression } from '../../../src/indexer/output/data-file.ts';
import { cachedPostsOf, EXTRAS_CACHE_FILE, loadCache, saveCache, writtenBucketsOf } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { writeBuckets, type BucketTask } from '../../../src/indexer/output/write-rows.ts';
import { writeStoryExtras, type StoryPrints } from '../../../src/indexer/output/write-story-extras.ts';
import type { PostStore } from '../../../src/indexer/incremental/post-store.ts';
import type { PostPlacement } from '../../../src/indexer/parse/render-post.ts';
import { postBucketKey, type RelatedLink } from '../../../src/shared/types.ts';
import { askCounted, askedOnceEach, buildSiteWithPrints, FERRY_POSTS, type TestPost } from './site-builder.ts';

const link = (n: number): RelatedLink => ({ title: `相關報導${n}`, url: `https://news.example.tw/related-${n}` });

/** Each store key's post: its related links and its placement, one edge case each. */
const POSTS: Record<string, { related: RelatedLink[]; place: PostPlacement; title: string }> = {
  plain: { related: [], place: { id: '2026-11-20-no-links', relatedIds: [] }, title: '沒有相關連結' },
  archived: { related: [link(1)], place: { id: '2026-11-20-one-archived', relatedIds: ['2026-11-01-old'] }, title: '一則已典藏' },
  many: {
    related: [link(1), link(2), link(3)],
    place: { id: '2026-11-20-many-links', relatedIds: [undefined, '2026-11-02-older', '2026-11-03-oldest'], previousId: '2026-11-20-no-links' },
    title: '多則相關連結',
  },
  versions: {
    related: [link(4)],
    place: {
      id: '2026-11-20-versions',
      relatedIds: [undefined],
      versions: [
        { id: '2026-11-20-versions-2', date: '2026-11-20T03:00:00.000Z', title: '第二版' },
        { id: '2026-11-20-versions-3', date: '2026-11-20T04:00:00.000Z', title: '第三版' },
      ],
    },
    // A body that holds what a post's own body key looks like, and escaped quotes.
    title: '標題 "html":"引號\\" 與跳脫',
  },
};

/** A store of POSTS' bodies, as the post store gives them to the bucket writers. */
function storeOf(posts: typeof POSTS): PostStore {
  return {
    getForFile: async (key: string) => {
      const post = posts[key];
      if (!post) return undefined;
      const body = { title: post.title, date: '2026-11-20T02:00:00.000Z', tags: [], html: `<p>${post.title} "html":"x"</p>`, figures: [] };
      return { body: Buffer.from(JSON.stringify(body)), related: post.related };
    },
    pause: async () => {},
  } as unknown as PostStore;
}

const renderOf = (keys: string[]) => keys.map((key) => ({ key, place: POSTS[key]!.place }));

/** Each written bucket as the extras would take it from its file, with every print in the store: its stats and posts. */
async function readBack(dataRoot: string, file: string) {
  const path = join(dataRoot, file);
  const { posts } = await cachedPostsOf(bucketWithoutBodies(readDataFileSync(path), file), async () => true);
  const { size, mtimeMs } = statSync(path);
  return { size, mtimeMs, posts };
}

describe('the post buckets their writers report', () => {
  const folders: string[] = [];
  const temporary = () => {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-written-buckets-'));
    folders.push(folder);
    return folder;
  };
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

  it.each(['none', 'gzip'] as DataCompression[])('reports of each post what the extras read back from its bucket (compression %s)', async (compression) => {
    const dataRoot = temporary();
    const tasks: BucketTask[] = [
      { file: 'posts/0/1.json', render: renderOf(['plain', 'archived', 'many']), keep: [] },
      { file: 'posts/0/2.json', render: renderOf(['versions']), keep: [] },
    ];
    const reported = writtenBucketsOf(await writeBuckets(tasks, storeOf(POSTS), dataRoot, new Set(), compression));
    expect([...reported.keys()]).toEqual(['0/1.json', '0/2.json']);
    for (const task of tasks) expect(reported.get(postBucketKey(task.file))).toEqual(await readBack(dataRoot, task.file));
    // The edge cases themselves, as the extras keep them.
    expect(reported.get('0/1.json')!.posts).toEqual([
      { id: '2026-11-20-many-links', links: 3 },
      { id: '2026-11-20-no-links', links: 0 },
      { id: '2026-11-20-one-archived', links: 1, archived: ['2026-11-01-old'] },
    ]);
    expect(reported.get('0/2.json')!.posts).toEqual([{ id: '2026-11-20-versions', links: 1, versions: ['2026-11-20-versions-2', '2026-11-20-versions-3'] }]);
  });

  it('refuses a bucket file outside the posts folder, which no bucket key names', async () => {
    expect(postBucketKey('posts/0/8.json')).toBe('0/8.json');
    const outside = writeBuckets([{ file: 'postscript/0/1.json', render: renderOf(['plain']), keep: [] }], storeOf(POSTS), temporary(), new Set());
    await expect(outside).rejects.toThrow("postscript/0/1.json is not a post bucket's file: it lies outside posts/");
  });

  it('reports the posts carried over from a bucket as written, the rest of it or those named', async () => {
    const dataRoot = temporary();
    const store = storeOf(POSTS);
    await writeBuckets([{ file: 'posts/0/1.json', render: renderOf(['plain', 'archived', 'many', 'versions']), keep: [] }], store, dataRoot, new Set());
    const edited = storeOf({ ...POSTS, plain: { ...POSTS['plain']!, related: [link(9)], place: { id: '2026-11-20-no-links', relatedIds: ['2026-10-01-x'] } } });
    const rest = await writeBuckets([{ file: 'posts/0/1.json', render: renderOf(['plain']), keep: 'rest' }], edited, dataRoot, new Set());
    expect(writtenBucketsOf(rest).get('0/1.json')).toEqual(await readBack(dataRoot, 'posts/0/1.json'));
    const named = await writeBuckets(
      [{ file: 'posts/0/1.json', render: renderOf(['archived']), keep: ['2026-11-20-versions', '2026-11-20-no-links'] }],
      store,
      dataRoot,
      new Set(),
    );
    const bucket = writtenBucketsOf(named).get('0/1.json')!;
    expect(bucket).toEqual(await readBack(dataRoot, 'posts/0/1.json'));
    expect(bucket.posts.map((post) => post.id).sort()).toEqual(['2026-11-20-no-links', '2026-11-20-one-archived', '2026-11-20-versions']);
  });
});

const RAIN: TestPost = {
  name: '2026-11-20-rain',
  title: '鋒面週末接近 北部轉雨',
  date: '2026-11-20 05:00',
  outlet: 'cna',
  link: 'rain',
  body: '<p>氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降，山區可能出現局部大雨。</p>',
};

describe('the extras of a build given the buckets it wrote', () => {
  let site: Awaited<ReturnType<typeof buildSiteWithPrints>>;
  beforeAll(async () => {
    site = await buildSiteWithPrints([...FERRY_POSTS, RAIN]);
  });
  const cacheDir = () => mkdtempSync(join(tmpdir(), 'cna-reader-written-cache-'));
  const bucketCount = () => readdirSync(join(site.dataRoot, 'posts'), { recursive: true }).filter((name) => String(name).endsWith('.json')).length;

  it('read no bucket, and write the files and the bucket cache that reading every bucket writes', async () => {
    const [told, read] = [cacheDir(), cacheDir()];
    expect(site.writtenBuckets).toHaveLength(bucketCount());
    const taken = await writeStoryExtras(site.dataRoot, told, site.prints, { writtenBuckets: site.writtenBuckets });
    expect(taken).toMatchObject({ bucketsRead: 0, bucketsReported: bucketCount(), printsMade: 0, grouped: 2 });
    const again = await writeStoryExtras(site.dataRoot, read, site.prints);
    expect(again).toMatchObject({ bucketsRead: bucketCount(), written: 0, grouped: 2 });
    expect(readFileSync(join(told, EXTRAS_CACHE_FILE)).equals(readFileSync(join(read, EXTRAS_CACHE_FILE)))).toBe(true);
  });

  it('read a reported bucket whose posts the store has no print of, and make those prints', async () => {
    const none: StoryPrints = { keys: site.prints.keys, store: { getStory: async () => undefined, dropMap: async () => {} } };
    const written = await writeStoryExtras(site.dataRoot, cacheDir(), none, { writtenBuckets: site.writtenBuckets });
    expect(written).toMatchObject({ bucketsRead: bucketCount(), bucketsReported: 0, printsMade: 3, grouped: 2 });
  });

  it('ask the store for each print once when a reported bucket lacks one and is read', async () => {
    const lacking = site.prints.keys[0]!;
    const { prints, asked } = askCounted(site.prints, async (key) => (key === lacking ? undefined : site.prints.store.getStory(key)));
    const written = await writeStoryExtras(site.dataRoot, cacheDir(), prints, { writtenBuckets: site.writtenBuckets });
    expect(written).toMatchObject({ bucketsRead: 1, bucketsReported: bucketCount() - 1, printsMade: 1, grouped: 2 });
    expect(Object.fromEntries(asked)).toEqual(askedOnceEach(site.prints.keys));
  });

  it('ask the store for each print once when no writer reported the buckets and each is read', async () => {
    const { prints, asked } = askCounted(site.prints);
    const written = await writeStoryExtras(site.dataRoot, cacheDir(), prints);
    expect(written).toMatchObject({ bucketsRead: bucketCount(), bucketsReported: 0, printsMade: 0, grouped: 2 });
    expect(Object.fromEntries(asked)).toEqual(askedOnceEach(site.prints.keys));
  });

  it('take a reported bucket as reported when the cache holds its size and time with other posts (rewritten within a time tick)', async () => {
    const told = cacheDir();
    await writeStoryExtras(site.dataRoot, told, site.prints, { writtenBuckets: site.writtenBuckets });
    const cacheFile = join(told, EXTRAS_CACHE_FILE);
    const cache = loadCache(cacheFile);
    const [path, asReported] = [...cache.buckets][0]!;
    cache.buckets.set(path, { ...asReported, posts: asReported.posts.map((post) => ({ ...post, links: post.links + 7 })) });
    await saveCache(cacheFile, cache, cache.buckets);
    const again = await writeStoryExtras(site.dataRoot, told, site.prints, { writtenBuckets: site.writtenBuckets });
    expect(again).toMatchObject({ bucketsRead: 0, bucketsReported: bucketCount() });
    expect(loadCache(cacheFile).buckets.get(path)).toEqual(asReported);
  });

  it('look at a bucket no writer reported as the cache says: a reported one stands for its own path only', async () => {
    const written = await writeStoryExtras(site.dataRoot, cacheDir(), site.prints, { writtenBuckets: site.writtenBuckets.slice(1) });
    expect(written).toMatchObject({ bucketsRead: 1, bucketsReported: bucketCount() - 1, printsMade: 0, grouped: 2 });
  });
});
