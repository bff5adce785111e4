/**
 * Rebuilds over the last build's output folder, as a maintainer runs them: the extras make only the files
 * whose entries may have changed (extras-files.ts), and every file of `data/` is what a fresh build writes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSite } from '../../../src/indexer/build-site.ts';
import { shardFile, type IngestReport, type PostBucket } from '../../../src/shared/types.ts';
import type { WrittenStoryExtras } from '../../../src/indexer/output/write-story-extras.ts';
import { EXTRAS_CACHE_FILE, loadCache, saveCache } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { openCacheDb } from '../../../src/indexer/incremental/cache-db.ts';
import { dataFiles } from '../data-files.ts';
import { FERRY_POSTS, postText, WIRE, type TestPost } from './site-builder.ts';

// Our own sentences: one story run by two outlets two hours apart, and two unrelated posts.
const RAIN = '氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降，山區可能出現局部大雨，民眾從事戶外活動應留意天氣變化。';
const POSTS: TestPost[] = [
  ...FERRY_POSTS,
  { name: '2026-11-20-rain', title: '鋒面週末接近 北部轉雨', date: '2026-11-20 05:00', outlet: 'cna', link: 'rain', body: `<p>${RAIN}</p>` },
  { name: '2026-11-21-rain', title: '鋒面過境 北部雨勢持續', date: '2026-11-21 05:00', outlet: 'rti', link: 'rain-2', body: `<p>${RAIN}明天起轉晴。</p>` },
];

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-extras-rebuild-${name}-`));

function writePosts(postsDir: string, posts: readonly TestPost[]): void {
  for (const name of readdirSync(postsDir)) rmSync(join(postsDir, name));
  for (const post of posts) writeFileSync(join(postsDir, `${post.name}.html`), postText(post));
}

function build(postsDir: string, outDir: string, cacheDir: string): Promise<IngestReport> {
  return buildSite({ postsDir, outDir, cacheDir, workers: 0, shardSize: 2, tailRows: 2, searchShardBytes: 256 });
}

/** Builds the same posts fresh and expects `outDir`'s data files to be its; returns the fresh build's cache. */
async function expectAsFresh(postsDir: string, outDir: string, label?: string): Promise<string> {
  const [freshOut, freshCache] = [temporary('fresh'), temporary('fresh-cache')];
  await build(postsDir, freshOut, freshCache);
  expect(dataFiles(outDir), label).toEqual(dataFiles(freshOut));
  return freshCache;
}

/** The extras files a build made (the report's type names only what the site's report shows). */
const filesMadeBy = (report: IngestReport) => (report.extras!.sameStory as WrittenStoryExtras).filesMade!;

const edit = (posts: readonly TestPost[], name: string, change: Partial<TestPost>) => posts.map((post) => (post.name === name ? { ...post, ...change } : post));

/** POSTS written to a new folder and built once, into a new site and cache. */
async function builtSite(): Promise<{ postsDir: string; outDir: string; cacheDir: string }> {
  const site = { postsDir: temporary('posts'), outDir: temporary('out'), cacheDir: temporary('cache') };
  writePosts(site.postsDir, POSTS);
  await build(site.postsDir, site.outDir, site.cacheDir);
  return site;
}

describe('a rebuild’s extras files', () => {
  it('are made only where an entry may have changed, and every data file is what a fresh build writes', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    // A settling build: the first build with a state of the extras files.
    await build(postsDir, outDir, cacheDir);

    const bodyEdited = edit(POSTS, '2026-11-20-ferry-b', { body: `<p>${WIRE}記者現場報導，首航當天將有剪綵儀式。</p>` });
    const titleEdited = edit(bodyEdited, '2026-11-20-ferry-a', { title: '北部港口新輪渡航線下月正式啟航' });
    const added = [
      ...titleEdited,
      { ...POSTS[1]!, name: '2026-11-20-ferry-c', title: '輪渡新航線啟航 港務公司整修候船室', date: '2026-11-20 06:00', link: 'ferry-c' },
    ];
    const removed = added.filter((post) => post.name !== '2026-11-20-ferry-b');
    const steps: [string, TestPost[], (made: number, step: string) => void][] = [
      // Nothing an entry shows changed: no file is made.
      ['a body edited', bodyEdited, (made, step) => expect(made, step).toBe(0)],
      // ferry-b lists ferry-a's title: its file is made again.
      ['a title edited', titleEdited, (made, step) => expect(made, step).toBeGreaterThan(0)],
      ['a post added', added, (made, step) => expect(made, step).toBeGreaterThan(0)],
      ['a post removed', removed, (made, step) => expect(made, step).toBeGreaterThan(0)],
    ];
    for (const [step, posts, check] of steps) {
      writePosts(postsDir, posts);
      const report = await build(postsDir, outDir, cacheDir);
      check(filesMadeBy(report)!, step);
      await expectAsFresh(postsDir, outDir, step);
    }
  });

  it("take the posts' rows from the saved rows only where a shard is as they found it: a file of another build or cut short is not trusted", async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const rowsFile = join(cacheDir, 'extras-rows.bin');
    const before = readFileSync(rowsFile);
    const retitled = edit(POSTS, '2026-11-20-ferry-a', { title: '北部港口新輪渡航線下月正式啟航' });
    const steps: [string, TestPost[], () => void][] = [
      ['a title edited', retitled, () => {}],
      // The rows of the build before the title's edit, its shards since written again.
      ['back, over the rows of another build', POSTS, () => writeFileSync(rowsFile, before)],
      ['a title edited, over rows cut short', retitled, () => writeFileSync(rowsFile, before.subarray(0, before.length / 2))],
    ];
    for (const [step, posts, damage] of steps) {
      writePosts(postsDir, posts);
      damage();
      await build(postsDir, outDir, cacheDir);
      await expectAsFresh(postsDir, outDir, step);
      expect(readFileSync(rowsFile).length, step).toBeGreaterThan(0);
    }
  });

  it('save no rows while a title holds half a surrogate pair (UTF-8 cannot keep it), and read them from the shards', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const rowsFile = join(cacheDir, 'extras-rows.bin');
    // A YAML escape: the title holds a lone high surrogate.
    const halfPair = edit(POSTS, '2026-11-20-ferry-a', { title: '"北部港口\\uD800新輪渡航線"' });
    const steps: [string, TestPost[], boolean][] = [
      ['a title with half a pair', halfPair, false],
      ['the title as it was', POSTS, true],
    ];
    for (const [step, posts, saved] of steps) {
      writePosts(postsDir, posts);
      await build(postsDir, outDir, cacheDir);
      expect(existsSync(rowsFile), step).toBe(saved);
      await expectAsFresh(postsDir, outDir, step);
    }
  });

  it("read a shard again when it was written within a coarse clock's tick of the saved rows, though its size and time are as saved", async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const rowsFile = join(cacheDir, 'extras-rows.bin');
    const shard = join(outDir, 'data', shardFile(0));
    const firstRows = readFileSync(rowsFile);
    const firstTime = rowsHeader(firstRows).shards[0]![1];
    // The same number of bytes: the shard's size does not tell the new title from the old.
    const retitled = edit(POSTS, '2026-11-20-ferry-a', { title: '南部港口新輪渡航線下月啟航' });
    writePosts(postsDir, retitled);
    await build(postsDir, outDir, cacheDir);
    // The first build's rows over the new shard, given the time the first shard had: what a clock of one
    // tick per second or two would have shown after a rewrite of the same size.
    utimesSync(shard, new Date(), new Date(firstTime));
    writeFileSync(
      rowsFile,
      withRowsHeader(firstRows, (header) => (header.shards[0]![1] = statSync(shard).mtimeMs)),
    );
    const rainEdited = edit(retitled, '2026-11-21-rain', { body: `<p>${RAIN}明天起轉晴，氣溫回升。</p>` });
    writePosts(postsDir, rainEdited);
    await build(postsDir, outDir, cacheDir);
    await expectAsFresh(postsDir, outDir);
  });

  it('are all made again when one was changed by hand', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const extras = join(outDir, 'data', 'extras');
    for (const name of readdirSync(extras)) writeFileSync(join(extras, name), '{}');
    writePosts(postsDir, edit(POSTS, '2026-11-20-rain', { body: `<p>${RAIN}山區注意落石。</p>` }));
    const report = await build(postsDir, outDir, cacheDir);
    expect(filesMadeBy(report)).toBe(readdirSync(extras).length);
    await expectAsFresh(postsDir, outDir);
  });

  it('keep the story table as a fresh build saves it, edit after edit (its columns taken and written over in place)', async () => {
    // Texts past the lead (LEAD_CHARACTERS): a correction appended leaves the lead and name terms as they were.
    const more = '<p>業者表示，首航前將舉辦試航活動，邀請地方民眾體驗新船的座位與無障礙設施，並說明購票與轉乘的方式，希望新航線能吸引更多旅客。</p>';
    const long = POSTS.map((post) => ({ ...post, body: `${post.body}${more}${more}` }));
    const corrected = (posts: readonly TestPost[], name: string) =>
      posts.map((post) => (post.name === name ? { ...post, body: `${post.body}<p>更正：本文已更新。</p>` } : post));
    const site = { postsDir: temporary('posts'), outDir: temporary('out'), cacheDir: temporary('cache') };
    writePosts(site.postsDir, long);
    await build(site.postsDir, site.outDir, site.cacheDir);
    const tableOf = (cache: string) => readFileSync(join(cache, 'story-table.bin'));
    const leadsOf = (cache: string) => readFileSync(join(cache, 'story-leads.bin'));
    const leadsFileId = () => statSync(join(site.cacheDir, 'story-leads.bin'), { bigint: true }).ino;
    const tableFileId = () => statSync(join(site.cacheDir, 'story-table.bin'), { bigint: true }).ino;
    // Each step, and whether a lead moved: the leads file is written again only then. The table is
    // written in place where each post's terms are as many as before (their columns taken), else anew.
    const inPlace = new Set(['a correction appended', 'another post corrected, the first back', 'two posts corrected']);
    const steps: [string, TestPost[], boolean][] = [
      ['a correction appended', corrected(long, '2026-11-20-ferry-b'), false],
      ['another post corrected, the first back', corrected(long, '2026-11-21-rain'), false],
      ['two posts corrected', corrected(corrected(long, '2026-11-21-rain'), '2026-11-20-ferry-a'), false],
      ['a lead changed', edit(long, '2026-11-20-rain', { body: `<p>更正：${RAIN}</p>${more}` }), true],
      ['a text too short for a signature', edit(long, '2026-11-20-ferry-a', { body: '<p>短訊。</p>' }), true],
      ['back as it was', long, true],
      ['a title-only edit', edit(long, '2026-11-21-rain', { title: '鋒面過境 北部雨勢持續增強' }), false],
      [
        'a post added',
        [...long, { ...long[1]!, name: '2026-11-20-ferry-c', title: '輪渡新航線啟航 港務公司整修候船室', date: '2026-11-20 06:00', link: 'ferry-c' }],
        true,
      ],
      ['a post removed', long.filter((post) => post.name !== '2026-11-20-ferry-b'), true],
      // ferry-a, the oldest, becomes the newest.
      ['a date changed (row moves)', edit(long, '2026-11-20-ferry-a', { date: '2026-11-22 02:00' }), true],
    ];
    for (const [step, posts, leadMoved] of steps) {
      writePosts(site.postsDir, posts);
      const [leadsBefore, tableBefore] = [leadsFileId(), tableFileId()];
      await build(site.postsDir, site.outDir, site.cacheDir);
      const freshCache = await expectAsFresh(site.postsDir, site.outDir, step);
      expect(tableOf(site.cacheDir).equals(tableOf(freshCache)), step).toBe(true);
      expect(leadsOf(site.cacheDir).equals(leadsOf(freshCache)), step).toBe(true);
      expect(leadsFileId() !== leadsBefore, step).toBe(leadMoved);
      if (inPlace.has(step) || !leadMoved) expect(tableFileId() === tableBefore, `${step}: the table written in place`).toBe(inPlace.has(step));
    }
  });

  it('do not trust a leads file cut short, and write it again', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const leadsFile = join(cacheDir, 'story-leads.bin');
    const whole = readFileSync(leadsFile);
    writeFileSync(leadsFile, whole.subarray(0, whole.length - 8));
    writePosts(postsDir, edit(POSTS, '2026-11-20-rain', { body: `<p>更正：${RAIN}</p>` }));
    await build(postsDir, outDir, cacheDir);
    const freshCache = await expectAsFresh(postsDir, outDir);
    expect(readFileSync(leadsFile).equals(readFileSync(join(freshCache, 'story-leads.bin')))).toBe(true);
  });

  it('do not trust a story table whose leads file holds other leads of the same length (a save cut between the two files)', async () => {
    // One character for another: the leads' bytes are as many, and only their digest tells them apart.
    const leadEdited = edit(POSTS, '2026-11-20-rain', { body: `<p>${RAIN.replace('今天', '昨天')}</p>` });
    const bothEdited = edit(leadEdited, '2026-11-21-rain', { body: `<p>${RAIN}明天起轉晴，氣溫回升。</p>` });
    // The file of the first build put back after the second: its leads beside the second's table, or its
    // table beside the second's leads (the writer saves the leads first: what a crash between leaves).
    for (const kept of ['story-leads.bin', 'story-table.bin']) {
      const { postsDir, outDir, cacheDir } = await builtSite();
      const keptFile = join(cacheDir, kept);
      const first = readFileSync(keptFile);
      writePosts(postsDir, leadEdited);
      await build(postsDir, outDir, cacheDir);
      writeFileSync(keptFile, first);
      writePosts(postsDir, bothEdited);
      const report = await build(postsDir, outDir, cacheDir);
      expect((report.extras!.sameStory as WrittenStoryExtras).printsCopied, kept).toBe(0);
      const freshCache = await expectAsFresh(postsDir, outDir, kept);
      expect(readFileSync(join(cacheDir, 'story-leads.bin')).equals(readFileSync(join(freshCache, 'story-leads.bin'))), kept).toBe(true);
    }
  });
});

/** The saved rows' header: a 4-byte length, then JSON (see post-rows.ts). */
interface RowsHeader {
  shards: [number, number][];
}

function rowsHeader(file: Buffer): RowsHeader {
  return JSON.parse(file.toString('utf8', 4, 4 + file.readUInt32LE(0))) as RowsHeader;
}

/** The saved rows with their header changed by `change`, their sections as they were. */
function withRowsHeader(file: Buffer, change: (header: RowsHeader) => void): Buffer {
  const header = rowsHeader(file);
  change(header);
  const bytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes, file.subarray(4 + file.readUInt32LE(0))]);
}

describe('a rebuild’s post buckets', () => {
  const bucketsFrom = (report: IngestReport) => (report.extras!.sameStory as WrittenStoryExtras).bucketsFrom;
  const corrected = (posts: readonly TestPost[], name: string, times: number) =>
    posts.map((post) => (post.name === name ? { ...post, body: `${post.body}${'<p>更正：本文已更新。</p>'.repeat(times)}` } : post));

  it('are taken from the cache, none stat’ed, over the output it names, and by their stats over any other', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const otherOut = temporary('other-out');
    // Each step: the output built, the posts, and how its buckets are found.
    const steps: [string, string, TestPost[], 'cache' | 'stats'][] = [
      ['a correction', outDir, corrected(POSTS, '2026-11-20-rain', 1), 'cache'],
      // No bucket changed: the cache is not saved again, and names this build's output all the same.
      ['nothing changed', outDir, corrected(POSTS, '2026-11-20-rain', 1), 'cache'],
      ['a correction after a build that changed nothing', outDir, corrected(POSTS, '2026-11-20-rain', 2), 'cache'],
      // The same cache for another folder: a folder written anew, then the first folder again, whose buckets the cache no longer holds.
      ['another output folder', otherOut, corrected(POSTS, '2026-11-21-rain', 1), 'stats'],
      ['the first folder again', outDir, corrected(POSTS, '2026-11-21-rain', 1), 'stats'],
      ['the first folder, a correction', outDir, corrected(POSTS, '2026-11-21-rain', 2), 'cache'],
    ];
    for (const [step, out, posts, listed] of steps) {
      writePosts(postsDir, posts);
      const report = await build(postsDir, out, cacheDir);
      expect(bucketsFrom(report), step).toBe(listed);
      // A correction may change no extras file: the one bucket it wrote taken as reported, none read.
      if (step.includes('correction')) expect(report.extras!.sameStory as WrittenStoryExtras, step).toMatchObject({ bucketsReported: 1, bucketsRead: 0 });
      await expectAsFresh(postsDir, out, step);
    }
  });

  it('are stat’ed over a record older code wrote, which names no cache, and taken from the cache the build after', async () => {
    const { postsDir, outDir, cacheDir } = await builtSite();
    const expectAsFresh = async (step: string) => {
      const freshOut = temporary('fresh');
      await build(postsDir, freshOut, temporary('fresh-cache'));
      expect(dataFiles(outDir), step).toEqual(dataFiles(freshOut));
    };
    writePosts(postsDir, corrected(POSTS, '2026-11-20-rain', 1));
    expect(bucketsFrom(await build(postsDir, outDir, cacheDir))).toBe('cache');
    // The record as older code wrote it: the folder's build id, the cache saved for it, no `bucketCache`.
    const db = openCacheDb(cacheDir);
    try {
      const outputs = db.part<{ buildId: string; bucketCache?: string }>('outputs');
      const { bucketCache, ...entry } = outputs.get(join(outDir, 'data'))!;
      expect(bucketCache).toBe(entry.buildId);
      expect(loadCache(join(cacheDir, EXTRAS_CACHE_FILE)).savedFor).toBe(entry.buildId);
      await db.transaction(() => outputs.put(join(outDir, 'data'), entry));
    } finally {
      await db.close();
    }
    writePosts(postsDir, corrected(POSTS, '2026-11-20-rain', 2));
    expect(bucketsFrom(await build(postsDir, outDir, cacheDir)), 'over the older record').toBe('stats');
    await expectAsFresh('over the older record');
    writePosts(postsDir, corrected(POSTS, '2026-11-20-rain', 3));
    expect(bucketsFrom(await build(postsDir, outDir, cacheDir)), 'the build after').toBe('cache');
    await expectAsFresh('the build after');
  });

  /** Enough posts for several buckets (POSTS_PER_BUCKET), built once; and the posts of the first bucket. */
  async function manyBuckets() {
    const many = Array.from({ length: 12 }, (_, n) => ({
      ...POSTS[n % POSTS.length]!,
      name: `2026-11-${10 + n}-post-${n}`,
      date: `2026-11-${10 + n} 05:00`,
      title: `第${n}則：${POSTS[n % POSTS.length]!.title}`,
      link: `post-${n}`,
    }));
    const site = { postsDir: temporary('posts'), outDir: temporary('out'), cacheDir: temporary('cache') };
    writePosts(site.postsDir, many);
    await build(site.postsDir, site.outDir, site.cacheDir);
    const postsRoot = join(site.outDir, 'data', 'posts');
    const bucketFiles = () =>
      readdirSync(postsRoot, { recursive: true, withFileTypes: true }).flatMap((entry) =>
        entry.isFile() ? [relative(postsRoot, join(entry.parentPath, entry.name))] : [],
      );
    const [first, ...others] = bucketFiles();
    expect(others.length).toBeGreaterThan(0);
    const gone = new Set((JSON.parse(readFileSync(join(postsRoot, first!), 'utf8')) as PostBucket).map((post) => post.id));
    const cacheFile = join(site.cacheDir, EXTRAS_CACHE_FILE);
    return { ...site, postsRoot, bucketFiles, first: first!, others, withoutFirst: many.filter((post) => !gone.has(post.name)), cacheFile };
  }

  const cachedBuckets = (cacheFile: string) => [...loadCache(cacheFile).buckets.keys()].sort();

  /** As the first build after the upgrade: a cache saved by code that named no output. */
  async function forgetTheOutput(cacheFile: string): Promise<void> {
    const { buckets, written, code } = loadCache(cacheFile);
    await saveCache(cacheFile, { written, ...(code ? { code } : {}) }, buckets);
  }

  it.each([
    { cache: 'names the output', before: async () => {}, from: 'cache' },
    { cache: 'names no output', before: forgetTheOutput, from: 'stats' },
  ])('are kept as the output holds them, a bucket its posts’ removal emptied left out, when the cache $cache', async ({ before, from }) => {
    const site = await manyBuckets();
    await before(site.cacheFile);
    writePosts(site.postsDir, site.withoutFirst);
    const report = await build(site.postsDir, site.outDir, site.cacheDir);
    expect(bucketsFrom(report)).toBe(from);
    expect(site.bucketFiles()).toEqual(site.others);
    expect(cachedBuckets(site.cacheFile)).toEqual([...site.others].sort());
    await expectAsFresh(site.postsDir, site.outDir);
  });

  it('are found by their stats when a bucket was removed by hand from the output the cache names', async () => {
    const site = await manyBuckets();
    rmSync(join(site.postsRoot, site.first));
    const report = await build(site.postsDir, site.outDir, site.cacheDir);
    expect(bucketsFrom(report)).toBe('stats');
    expect(cachedBuckets(site.cacheFile)).toEqual([...site.others].sort());
  });
});
