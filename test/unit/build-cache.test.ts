/**
 * The build cache (build-cache.ts) as builds use it: a build killed while writing leaves a cache the
 * next build uses or rebuilds from, two output folders share one cache, and a cache of an older format
 * is discarded, never misread. Each rebuild is compared with a build from scratch, file by file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { open } from 'lmdb';
import { buildSite } from '../../src/indexer/build-site.ts';
import { dataFiles } from './data-files.ts';
import { CACHE_FORMAT, openBuildCache } from '../../src/indexer/incremental/build-cache.ts';
import { CACHE_DB_FILE, HEADS_DB_FILE, openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { newBuildId } from '../../src/indexer/incremental/last-build.ts';
import type { IngestReport } from '../../src/shared/types.ts';
import { agoraPost } from './helpers.ts';

const BUILD_SITE = resolve('src/indexer/build-site.ts');
/** Small shards and a short search tail, so that a dozen posts make several of each. */
const SIZES = { shardSize: 4, tailRows: 4, searchShardBytes: 256 };

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-cache-${name}-`));

const MAIN_FILE_LOST = /had lost its main file \(cache\.lmdb\), its heads file kept: discarded/;
/** What a cache whose heads file was removed (not LMDB's, or gone) is discarded with. */
const HEADS_FILE_NOT_ITS_OWN = /had a heads file \(heads\.lmdb\) not its own: discarded/;
/** Each file of the cache, and what a build says when it discards the cache for that file. */
const EACH_CACHE_FILE = [
  ['heads file', HEADS_DB_FILE, HEADS_FILE_NOT_ITS_OWN],
  ['main file', CACHE_DB_FILE, MAIN_FILE_LOST],
] as const;

/** A post of its own link, so that no two are one story. */
function writePost(postsDir: string, day: number, title: string): void {
  const dd = String(day).padStart(2, '0');
  writeFileSync(join(postsDir, `2026-11-${dd}-post-${day}.html`), agoraPost(title, dd, day));
}

function archive(): string {
  const postsDir = temporary('posts');
  for (let day = 1; day <= 12; day++) writePost(postsDir, day, `第${day}篇報導`);
  return postsDir;
}

/** An edit and a new post: what a rebuild after a fetch sees. */
function change(postsDir: string): void {
  writePost(postsDir, 3, '第3篇報導（更正）');
  writePost(postsDir, 13, '第13篇報導');
}

function build(postsDir: string, outDir: string, cacheDir: string): Promise<IngestReport> {
  return buildSite({ postsDir, outDir, cacheDir, workers: 0, ...SIZES });
}

/** What a build from scratch of these posts writes, in folders of its own. */
async function freshFiles(postsDir: string): Promise<Map<string, string>> {
  const outDir = temporary('fresh');
  await build(postsDir, outDir, temporary('fresh-cache'));
  return dataFiles(outDir);
}

interface BuiltArchive {
  postsDir: string;
  outDir: string;
  cacheDir: string;
  /** Builds the posts as they now are into the same folders, over the same cache. */
  rebuild(): Promise<IngestReport>;
  /** The output's data files, to compare with `fresh()`. */
  output(): Map<string, string>;
  /** What a build from scratch of the posts as they now are writes. */
  fresh(): Promise<Map<string, string>>;
}

/** The twelve posts built once into folders of their own: what a test then changes or breaks and builds again. */
async function builtArchive(): Promise<BuiltArchive> {
  const postsDir = archive();
  const outDir = temporary('out');
  const cacheDir = temporary('cache');
  await build(postsDir, outDir, cacheDir);
  return {
    postsDir,
    outDir,
    cacheDir,
    rebuild: () => build(postsDir, outDir, cacheDir),
    output: () => dataFiles(outDir),
    fresh: () => freshFiles(postsDir),
  };
}

/**
 * Builds in another process, killed (SIGKILL) as it writes the first file whose path holds `killAt`:
 * every write of the build goes through node:fs's writeFileSync or node:fs/promises' writeFile.
 */
function buildKilled({ postsDir, outDir, cacheDir }: BuiltArchive, killAt: string): ReturnType<typeof spawnSync> {
  const script = `
    import { syncBuiltinESMExports } from 'node:module';
    import fs from 'node:fs';
    import fsp from 'node:fs/promises';
    const killAt = ${JSON.stringify(killAt)};
    const dieAt = (path) => { if (String(path).includes(killAt)) process.kill(process.pid, 'SIGKILL'); };
    const { writeFileSync } = fs;
    const { writeFile } = fsp;
    fs.writeFileSync = (path, ...rest) => (dieAt(path), writeFileSync(path, ...rest));
    fsp.writeFile = (path, ...rest) => (dieAt(path), writeFile(path, ...rest));
    syncBuiltinESMExports();
    const { buildSite } = await import(${JSON.stringify(BUILD_SITE)});
    await buildSite(${JSON.stringify({ postsDir, outDir, cacheDir, workers: 0, ...SIZES })});`;
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
}

/**
 * Cuts an LMDB file to its first page (lmdb's page is the system's, 4 KB here; a file of larger pages is
 * cut shorter still) and catches the opening's wait before it looks again (cache-db.ts: a synchronous
 * Atomics.wait), running `meanwhile` there instead of waiting. Returns each caught wait's milliseconds
 * (Infinity for a wait without a time limit, which would hang a real build).
 */
function cutToOnePageUntilLookedAgain(path: string, meanwhile: () => void): number[] {
  truncateSync(path, 4096);
  const looks: number[] = [];
  const wait = Atomics.wait;
  vi.spyOn(Atomics, 'wait').mockImplementation((array, index, value, ms) => {
    // Only the wait on this file while it is one page long; lmdb's own waits go through.
    if (looks.length > 0 || statSync(path, { throwIfNoEntry: false })?.size !== 4096) return wait(array, index, value, ms);
    looks.push(ms ?? Infinity);
    meanwhile();
    return 'timed-out';
  });
  return looks;
}

describe('the build cache', () => {
  // The first file written (the manifest, after the build id is taken away), a post bucket, and the
  // build id, written once the output's state is committed.
  it.each(['manifest.json', '/posts/', '.build-id'])(
    'is left by a build killed while writing (at %s) so that the next build writes what a fresh build writes',
    async (killAt) => {
      const site = await builtArchive();
      change(site.postsDir);
      const killed = buildKilled(site, killAt);
      expect(killed.stderr).not.toMatch(/Error/);
      expect(killed.signal).toBe('SIGKILL');

      await site.rebuild();
      expect(site.output()).toEqual(await site.fresh());
    },
  );

  it("reads back an output folder's files as the last build committed them, its changes over the build before", async () => {
    const cacheDir = temporary('cache');
    const dataRoot = join(temporary('out'), 'data');
    mkdirSync(dataRoot);
    const readBack = async () => [...((await openBuildCache(cacheDir).output(dataRoot).last())?.files ?? [])].sort();
    const record = (files: Map<string, string>, changed: string[], removed: string[]) =>
      openBuildCache(cacheDir).output(dataRoot).record({ files, changed, removed, plan: undefined, searchRows: undefined }, newBuildId());
    const first = new Map([
      ['manifest.json', 'h1'],
      ['posts/3/a.json#2026-11-01-a', 'h2'],
      ['search/tail/0.bin', 'h3'],
    ]);
    await record(first, [...first.keys()], []);
    expect(await readBack()).toEqual([...first].sort());

    const second = new Map([
      ['manifest.json', 'h4'],
      ['posts/3/a.json#2026-11-01-a', 'h2'],
      ['tags/台灣.json', 'h5'],
    ]);
    await record(second, ['manifest.json', 'tags/台灣.json'], ['search/tail/0.bin']);
    expect(await readBack()).toEqual([...second].sort());
  });

  it('serves two output folders, each rebuilt over its own last output to what a fresh build writes', async () => {
    const postsDir = archive();
    const [first, second] = [temporary('out-1'), temporary('out-2')];
    const cacheDir = temporary('cache');
    await build(postsDir, first, cacheDir);
    await build(postsDir, second, cacheDir);
    change(postsDir);
    const reports = [await build(postsDir, first, cacheDir), await build(postsDir, second, cacheDir)];
    const freshOut = temporary('fresh');
    const freshReport = await build(postsDir, freshOut, temporary('fresh-cache'));
    expect(dataFiles(first)).toEqual(dataFiles(freshOut));
    expect(dataFiles(second)).toEqual(dataFiles(freshOut));
    // Each folder's own state was used, whole: every file a fresh build writes was written or left alone.
    for (const report of reports) {
      expect(report.output!.unchanged).toBeGreaterThan(0);
      expect(report.output!.written + report.output!.unchanged).toBe(freshReport.output!.written);
    }
  });

  it('opens and closes more times in one process than LMDB has reader slots (126), as a build that stays up does', async () => {
    const cacheDir = temporary('reopened');
    for (let build = 0; build < 150; build++) {
      const cache = openBuildCache(cacheDir);
      expect(cache.hasRecord()).toBe(false);
      await cache.close();
    }
  });

  it('discards a cache of an older format version, says so in the report, and parses every post again', async () => {
    const site = await builtArchive();
    const older = String(Number(CACHE_FORMAT) - 1);
    openCacheDb(site.cacheDir).part('meta').putSync('format', older);
    change(site.postsDir);

    const report = await site.rebuild();
    expect(report.cache?.discarded).toMatch(new RegExp(`made by another version \\(cache format ${older}, now ${CACHE_FORMAT}\\): discarded`));
    // The output's state went with it: every file was written again.
    expect(report.output!.unchanged).toBe(0);
    expect(site.output()).toEqual(await site.fresh());
    expect((await site.rebuild()).cache).toBeUndefined();
  });

  it('discards a cache of the first format (posts in LMDB, the record in files of its own) and removes its files', async () => {
    const site = await builtArchive();
    openCacheDb(site.cacheDir).part('meta').removeSync('format');
    writeFileSync(join(site.cacheDir, 'files-seen.tsv'), '{"settings":"old"}\n');

    const report = await site.rebuild();
    expect(report.cache?.discarded).toMatch(/cache format 1, now/);
    expect(readdirSync(site.cacheDir)).not.toContain('files-seen.tsv');
    expect(site.output()).toEqual(await site.fresh());
  });

  it('waits for no stats when it has no record to compare them with (none, or one of other settings)', async () => {
    const cacheDir = temporary('no-record');
    const files = [{ path: 'a.md', absolutePath: join(cacheDir, 'a.md') }];
    const never = new Promise<never>(() => {});
    const cache = openBuildCache(cacheDir);
    await (await cache.whatChanged(files, 'settings', never)).commit();
    expect(cache.hasRecord()).toBe(true);
    expect((await cache.whatChanged(files, 'other settings', never)).toRead).toEqual([0]);
    await cache.close();
  }, 5_000);

  describe("the cache's two files (heads and prints in heads.lmdb)", () => {
    it("discards a cache whose heads file is another cache's, or is gone: a post's two halves are never read from two builds", async () => {
      const site = await builtArchive();
      const otherPosts = temporary('other-posts');
      writePost(otherPosts, 20, '別的報導');
      const otherCache = temporary('other-cache');
      await build(otherPosts, temporary('other-out'), otherCache);
      // Renamed over it, as a copy by hand would: the file open in this process is another one.
      copyFileSync(join(otherCache, HEADS_DB_FILE), join(site.cacheDir, 'copied'));
      renameSync(join(site.cacheDir, 'copied'), join(site.cacheDir, HEADS_DB_FILE));
      change(site.postsDir);

      const report = await site.rebuild();
      expect(report.cache?.discarded).toMatch(HEADS_FILE_NOT_ITS_OWN);
      expect(site.output()).toEqual(await site.fresh());

      rmSync(join(site.cacheDir, HEADS_DB_FILE));
      expect((await site.rebuild()).cache?.discarded).toMatch(HEADS_FILE_NOT_ITS_OWN);
      expect(site.output()).toEqual(await site.fresh());
      expect((await site.rebuild()).cache).toBeUndefined();
    });

    it('parses again a post whose head outlived its large half (cache.lmdb went back after a power loss, heads.lmdb did not)', async () => {
      const site = await builtArchive();
      copyFileSync(join(site.cacheDir, CACHE_DB_FILE), join(site.cacheDir, 'older'));
      change(site.postsDir);
      await site.rebuild();
      // The main file as the first build committed it; the heads file keeps the second build's heads and prints.
      renameSync(join(site.cacheDir, 'older'), join(site.cacheDir, CACHE_DB_FILE));

      await site.rebuild();
      expect(site.output()).toEqual(await site.fresh());
      await site.rebuild();
      expect(site.output()).toEqual(await site.fresh());
    });

    it('says that the main file was missing when only cache.lmdb is gone, and rebuilds what a fresh build writes', async () => {
      const site = await builtArchive();
      rmSync(join(site.cacheDir, CACHE_DB_FILE));

      const report = await site.rebuild();
      expect(report.cache?.discarded).toMatch(MAIN_FILE_LOST);
      expect(site.output()).toEqual(await site.fresh());
    });

    it.each(EACH_CACHE_FILE)('discards a cache whose %s is not an LMDB file (torn, or garbage), which lmdb would crash on', async (_, file, discarded) => {
      const site = await builtArchive();
      writeFileSync(join(site.cacheDir, file), 'garbage bytes\n'.repeat(2000));

      expect((await site.rebuild()).cache?.discarded).toMatch(discarded);
      expect(site.output()).toEqual(await site.fresh());
      expect((await site.rebuild()).cache).toBeUndefined();
    });

    describe('a file of one page (its second meta page not yet written, or torn off)', () => {
      afterEach(() => vi.restoreAllMocks());

      it('is kept when it has both pages on the second look, a short wait later: another opening was writing them', async () => {
        const site = await builtArchive();
        const heads = join(site.cacheDir, HEADS_DB_FILE);
        const whole = readFileSync(heads);
        const looks = cutToOnePageUntilLookedAgain(heads, () => writeFileSync(heads, whole));
        // An edit: the kept cache serves the rebuild, not only a folder left as it was.
        change(site.postsDir);

        const report = await site.rebuild();
        expect(looks).toEqual([expect.any(Number)]);
        expect(looks[0]).toBeGreaterThan(0);
        expect(looks[0]).toBeLessThan(Infinity);
        expect(report.cache).toBeUndefined();
        // The output's state was kept with the cache: the files the edit left alone were left alone.
        expect(report.output!.unchanged).toBeGreaterThan(0);
        expect(site.output()).toEqual(await site.fresh());
      });

      it.each(EACH_CACHE_FILE)(
        'is removed, and the cache discarded, when it is still one page on the second look (the %s torn after one page)',
        async (_, file, discarded) => {
          const site = await builtArchive();
          const looks = cutToOnePageUntilLookedAgain(join(site.cacheDir, file), () => {});

          expect((await site.rebuild()).cache?.discarded).toMatch(discarded);
          expect(looks).toHaveLength(1);
          expect(site.output()).toEqual(await site.fresh());
          expect((await site.rebuild()).cache).toBeUndefined();
        },
      );
    });

    it("opens a file of another page size than the system's (its size read from its first meta page) without taking it for garbage", async () => {
      const cacheDir = temporary('page-size');
      const made = open<string, string>({ path: join(cacheDir, CACHE_DB_FILE), pageSize: 16384 });
      made.openDB({ name: 'meta', encoding: 'string' }).putSync('kept', 'yes');
      await made.close();

      const db = openCacheDb(cacheDir);
      expect(db.part('meta').get('kept')).toBe('yes');
      await db.close();
    });

    it('prunes a gone post from both files', async () => {
      const postsDir = archive();
      const cacheDir = temporary('cache');
      await build(postsDir, temporary('out'), cacheDir);
      rmSync(join(postsDir, '2026-11-05-post-5.html'));
      await build(postsDir, temporary('out'), cacheDir);
      const db = openCacheDb(cacheDir);
      const keysOf = (part: 'heads' | 'stories' | 'search' | 'bodies' | 'rests') => [...db.part(part).getKeys()].sort();
      expect(keysOf('search')).toHaveLength(11);
      for (const part of ['heads', 'stories', 'bodies', 'rests'] as const) expect(keysOf(part)).toEqual(keysOf('search'));
      await db.close();
    });

    it('does not find an entry whose large parts were committed but not its head (a build killed between), or a head whose large parts are gone, and a prune walk removes both', async () => {
      const cacheDir = temporary('cache');
      const cache = openBuildCache(cacheDir);
      const db = openCacheDb(cacheDir);
      await db.transaction(() => {
        db.part('search').put('half', 'tokens');
        db.part('bodies').put('half', Buffer.from('[]\nbody'));
        db.part('rests').put('half', '{}');
      });
      // The other way round: a head and print whose large half is gone (cache.lmdb went back after a power loss).
      await db.transaction(() => {
        db.part('heads').put('lone', '{}');
        db.part('stories').put('lone', '');
      }, 'heads');
      expect(await cache.posts.find('half')).toBeUndefined();
      expect(await cache.posts.find('lone')).toBeUndefined();
      await cache.prune([]);
      for (const part of ['search', 'bodies', 'rests', 'heads', 'stories'] as const) expect([...db.part(part).getKeys()]).toEqual([]);
      await db.close();
      await cache.close();
    });
  });
});
