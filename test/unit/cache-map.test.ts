/**
 * The build cache's map let go as a build goes (cache-map.ts): no database of an opening is kept
 * across an await, so closing every opening there changes nothing a build writes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../src/indexer/build-site.ts';
import { CACHE_DB_FILE, openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { cacheMapStats, forgetThreadOpenings, isRoundOn, setCacheMapHooks, touchMap } from '../../src/indexer/incremental/cache-map.ts';
import { readHead, type FilesRead } from '../../src/indexer/incremental/patch-plan.ts';
import { diskStore, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import { loadSeenFiles, type SeenFiles } from '../../src/indexer/incremental/seen-files.ts';
import { indexRows, writeBuckets } from '../../src/indexer/output/write-rows.ts';
import type { SearchIndexBuilder } from '../../src/indexer/search/search-index.ts';
import { dataFiles } from './data-files.ts';
import { agoraPost } from './helpers.ts';

/** Small shards and a short search tail, so that a few posts make several of each. */
const SIZES = { shardSize: 4, tailRows: 64, searchShardBytes: 1024 };

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-map-${name}-`));

/** A post of its own link, so that no two are one story. */
function writePost(postsDir: string, n: number, title: string): void {
  const dd = String(1 + (n % 28)).padStart(2, '0');
  writeFileSync(join(postsDir, `2026-11-${dd}-post-${n}.html`), agoraPost(title, dd, n));
}

function archive(count: number): string {
  const postsDir = temporary('posts');
  for (let n = 0; n < count; n++) writePost(postsDir, n, `第${n}篇報導`);
  return postsDir;
}

/** A build, then an edit and a new post and a rebuild: each build's data files. */
async function buildTwice(postsDir: string, workers: number): Promise<Map<string, string>[]> {
  const outDir = temporary('out');
  const cacheDir = temporary('cache');
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers, ...SIZES });
  await build();
  const first = dataFiles(outDir);
  writePost(postsDir, 3, '第3篇報導（更正）');
  writePost(postsDir, 10_000, '新的報導');
  await build();
  return [first, dataFiles(outDir)];
}

/**
 * The store of a build of `count` posts, opened (by a read of a head, not counted), with a round budget
 * of one read of each post: reading them all starts a round, the last read does.
 */
async function storeOfPosts(count: number): Promise<{ db: CacheDb; keys: string[]; store: PostStore }> {
  const cacheDir = temporary('cache');
  await buildSite({ postsDir: archive(count), outDir: temporary('out'), cacheDir, workers: 0, ...SIZES });
  const db = openCacheDb(cacheDir);
  const keys = [...db.part('search').getKeys()] as string[];
  // A round ended first, so that the count of reads starts from zero.
  setCacheMapHooks({ budget: 1 });
  db.touched();
  await db.quiet();
  setCacheMapHooks({ budget: keys.length });
  const store = diskStore(cacheDir, db);
  expect(await store.getHead(keys[0]!)).toBeDefined();
  return { db, keys, store };
}

/** The record (seen-files.ts) of the build behind `db`, loaded under the settings that build saved. */
function recordOf(db: CacheDb): { previous: SeenFiles; paths: string[] } {
  const previous = loadSeenFiles(db, db.part<string>('meta').get('seen-columns-settings')!)!;
  return { previous, paths: [...previous.entries()].map(([path]) => path) };
}

/** Whether `read`, 64 times with a round budget of one read, started a round (the round then let go). */
async function roundAfterReads(db: CacheDb, read: () => Promise<unknown>): Promise<boolean> {
  setCacheMapHooks({ budget: 1 });
  for (let n = 0; n < 64; n++) await read();
  const started = isRoundOn();
  await db.quiet();
  return started;
}

afterEach(() => setCacheMapHooks({}));

describe("the build cache's map let go", () => {
  it('starts no round for a small file, however many reads and writes, and one for a large file', () => {
    const calls = 1_000_000;
    touchMap(calls, () => 100 * 1024 * 1024);
    expect(isRoundOn()).toBe(false);
    touchMap(calls, () => 2 * 1024 * 1024 * 1024);
    expect(isRoundOn()).toBe(true);
    // No opening here: a forgotten thread's slot ends the round.
    forgetThreadOpenings(1000);
    expect(isRoundOn()).toBe(false);
  });

  it('does not count reads of small values (heads, prints, in a file of their own) towards a drop; a post read does', async () => {
    setCacheMapHooks({ budget: 1 });
    const before = cacheMapStats();
    const db = openCacheDb(temporary('cache'));
    expect(db.part<string>('heads').get('some key')).toBeUndefined();
    for (let read = 0; read < 64; read++) await db.beforeUse('small');
    expect(isRoundOn()).toBe(false);
    await db.beforeUse('large');
    expect(isRoundOn()).toBe(true);
    await db.quiet();
    expect(cacheMapStats()).toMatchObject({ drops: before.drops + 1, givenUp: before.givenUp });
    await db.close();
  });

  it('lets go of the map at once when a phase is done with what it read, whatever the count; not for a small file', async () => {
    const db = openCacheDb(temporary('cache'));
    const before = cacheMapStats();
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    await db.dropMap();
    expect(cacheMapStats()).toEqual(before);
    setCacheMapHooks({ budget: 1_000_000 });
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    await db.dropMap();
    expect(isRoundOn()).toBe(false);
    expect(cacheMapStats()).toMatchObject({ drops: before.drops + 1, givenUp: before.givenUp });
    await db.close();
  });

  it("does not count the store's reads of heads and stories (in heads.lmdb) towards a drop; its post reads count", async () => {
    const { db, keys, store } = await storeOfPosts(20);
    const before = cacheMapStats();
    expect(await roundAfterReads(db, () => store.getHead(keys[0]!))).toBe(false);
    expect(await roundAfterReads(db, () => store.getStory(keys[0]!))).toBe(false);
    expect(cacheMapStats()).toMatchObject({ drops: before.drops, givenUp: before.givenUp });
    expect(await roundAfterReads(db, () => store.getForFile(keys[0]!))).toBe(true);
    expect(cacheMapStats().drops).toBeGreaterThan(before.drops);
    await db.close();
  });

  it("does not count the record's reads of heads towards a drop, read by itself or by the plan", async () => {
    const { db } = await storeOfPosts(20);
    const { previous, paths } = recordOf(db);
    const seen = previous.placesOf(paths.map((path) => ({ path })));
    expect(await roundAfterReads(db, () => previous.readHead(seen.at(0)!))).toBe(false);
    const read: FilesRead = { keys: [], readThisBuild: new Uint8Array(paths.length), keyless: new Map(), seen, previous, gone: new Set(), record: '' };
    expect(await roundAfterReads(db, () => readHead(read, 0, diskStore(temporary('unused'))))).toBe(false);
    await db.close();
  });

  it('reads a cache file deleted under the build as small when a phase lets go: no round, and no error of its own', async () => {
    const cacheDir = temporary('cache');
    const db = openCacheDb(cacheDir);
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    await db.letGo();
    rmSync(join(cacheDir, CACHE_DB_FILE));
    const before = cacheMapStats();
    await db.dropMap();
    expect(cacheMapStats()).toEqual(before);
    await db.close();
  });

  it('fails a database kept across an await while openings close at every await (what the builds below rely on)', async () => {
    setCacheMapHooks({ everyAwait: true });
    const db = openCacheDb(temporary('cache'));
    const meta = db.part<string>('meta');
    expect(meta.get('format')).toBeUndefined();
    await Promise.resolve();
    expect(() => meta.get('format')).toThrow(/closed/);
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    await db.close();
  });

  it('closes an opening made while the one before it closed, before that let-go resolves: the round ends', async () => {
    setCacheMapHooks({ budget: 1 });
    const before = cacheMapStats();
    const db = openCacheDb(temporary('cache'));
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    db.touched();
    const lettingGo = db.letGo();
    // Another task of the thread, past its quiet point before the round started, reads meanwhile.
    expect(db.part<string>('meta').get('format')).toBeUndefined();
    await lettingGo;
    expect(cacheMapStats()).toMatchObject({ drops: before.drops + 1, givenUp: before.givenUp });
    await db.close();
  });

  it('closes an opening made during a round once its caller is done with it, not at its next store call', async () => {
    setCacheMapHooks({ budget: 1 });
    const [db, other] = [openCacheDb(temporary('cache')), openCacheDb(temporary('cache'))];
    expect(other.part<string>('meta').get('format')).toBeUndefined();
    db.touched();
    const meta = db.part<string>('meta');
    expect(meta.get('format')).toBeUndefined();
    await Promise.resolve();
    expect(() => meta.get('format')).toThrow(/closed/);
    await Promise.all([db.close(), other.close()]);
  });

  it("ends a round started by a batch's reads before the batch is indexed, with no store call after them", async () => {
    const { db, keys, store } = await storeOfPosts(20);
    const before = cacheMapStats();
    const roundOnAtAdd: boolean[] = [];
    const search = { add: () => roundOnAtAdd.push(isRoundOn()) } as unknown as SearchIndexBuilder;
    await indexRows(
      keys.map((key, row) => ({ row, key })),
      store,
      search,
    );
    expect(roundOnAtAdd).toEqual(keys.map(() => false));
    expect(cacheMapStats()).toEqual({ drops: before.drops + 1, givenUp: before.givenUp, waitedMs: before.waitedMs });
    await db.close();
  });

  it("ends a round started by a bucket's reads before its file is written, with no store call after them", async () => {
    const { db, keys, store } = await storeOfPosts(20);
    const before = cacheMapStats();
    const render = keys.map((key, n) => ({ key, place: { id: `p${n}`, relatedIds: [] } }));
    expect(await writeBuckets([{ file: 'posts/0.json', render, keep: [] }], store, temporary('data'), new Set())).toHaveLength(1);
    expect(isRoundOn()).toBe(false);
    expect(cacheMapStats()).toEqual({ drops: before.drops + 1, givenUp: before.givenUp, waitedMs: before.waitedMs });
    await db.close();
  });

  it('writes the same files, built and rebuilt, with every opening closed and opened again at every await', async () => {
    const kept = await buildTwice(archive(40), 0);
    setCacheMapHooks({ everyAwait: true });
    expect(await buildTwice(archive(40), 0)).toEqual(kept);
  });

  it("on two workers, lets go of the map after the heads, after the small files and after the extras' prints of a fresh build, and not in a patched rebuild", async () => {
    // Only the phases' own drops count: no budget is reached.
    setCacheMapHooks({ budget: 1e9 });
    const postsDir = archive(300);
    const [outDir, cacheDir] = [temporary('out'), temporary('cache')];
    const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 2, ...SIZES });
    const before = cacheMapStats();
    await build();
    expect(cacheMapStats()).toMatchObject({ drops: before.drops + 3, givenUp: before.givenUp });
    writePost(postsDir, 3, '第3篇報導（更正）');
    expect((await build()).plan).toEqual({ patched: true });
    expect(cacheMapStats()).toMatchObject({ drops: before.drops + 3, givenUp: before.givenUp });
  });

  it('on two workers, lets go of the map every few post reads and writes, and writes the same files', async () => {
    const kept = await buildTwice(archive(300), 2);
    const before = cacheMapStats();
    setCacheMapHooks({ budget: 64 });
    expect(await buildTwice(archive(300), 2)).toEqual(kept);
    const after = cacheMapStats();
    expect(after.drops).toBeGreaterThan(before.drops + 4);
    expect(after.givenUp).toBe(before.givenUp);
  });
});
