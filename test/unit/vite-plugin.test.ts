/**
 * The Vite plugin in both modes: `vite dev` serves the index from memory and picks up new and edited
 * posts without a restart; `vite build` in strict mode fails on a reported file, after writing the report;
 * a second `vite build` rewrites only what changed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build, createServer, type ViteDevServer } from 'vite';
import { postBucketCount, postBucketFile, postInBucket, shardFile, type Manifest, type MetaShard, type PostBucket } from '../../src/shared/types.ts';
import { agoraPost } from './helpers.ts';
import { openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { recordedFiles } from '../../src/indexer/incremental/seen-files.ts';
import { openBuildCache } from '../../src/indexer/incremental/build-cache.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const post = agoraPost;

function withPostsDir<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const previous = process.env['POSTS_DIR'];
  process.env['POSTS_DIR'] = dir;
  return work().finally(() => {
    if (previous === undefined) delete process.env['POSTS_DIR'];
    else process.env['POSTS_DIR'] = previous;
  });
}

// The watcher leaves the project's build cache alone (see isGenerated in vite-plugin.ts), but not a
// posts folder inside it.
const devPostsFolders: [string, () => string][] = [
  ['in a temporary folder', () => mkdtempSync(join(tmpdir(), 'cna-reader-dev-'))],
  ["inside the project's build cache", () => (mkdirSync(join(ROOT, '.cache'), { recursive: true }), mkdtempSync(join(ROOT, '.cache', 'dev-posts-')))],
];

describe.each(devPostsFolders)('vite dev, posts %s', (_, makeFolder) => {
  let server: ViteDevServer;
  let base: string;
  const dir = makeFolder();
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-dev-cache-'));
  writeFileSync(join(dir, '2026-11-01-first.html'), post('第一篇', '01'));

  const start = async () => {
    process.env['CNA_READER_CACHE_DIR'] = cacheDir;
    try {
      server = await withPostsDir(dir, () =>
        createServer({ root: ROOT, logLevel: 'silent', server: { port: 0, host: '127.0.0.1', watch: { usePolling: true, interval: 50 } } }),
      );
    } finally {
      delete process.env['CNA_READER_CACHE_DIR'];
    }
    await server.listen();
    const address = server.httpServer!.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  };
  beforeAll(start);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(cacheDir, { recursive: true, force: true });
  });

  const titles = async () => {
    const manifest = (await (await fetch(`${base}data/manifest.json`)).json()) as Manifest;
    const shards = await Promise.all(
      Array.from({ length: manifest.shardCount }, async (_, n) => ((await (await fetch(`${base}data/${shardFile(n)}`)).json()) as MetaShard).posts),
    );
    // Newest first, as the list shows them (shards hold them oldest first).
    return shards
      .flat()
      .map((meta) => meta.title)
      .reverse();
  };

  it('serves the index and the report', async () => {
    expect(await titles()).toEqual(['第一篇']);
    const report = await (await fetch(`${base}ingest-report.json`)).json();
    expect(report).toMatchObject({ filesSeen: 1, postsIndexed: 1 });
  });

  it('keeps the parsed posts in a build cache folder of its own, from which a restarted server takes them', async () => {
    const devCache = join(cacheDir, 'dev-server');
    const cache = openCacheDb(devCache);
    const seen = recordedFiles(cache)?.get('2026-11-01-first.html');
    expect(seen).toBeDefined();
    const entries = () => [...cache.part('heads').getKeys()];
    expect(entries()).toHaveLength(1);
    const stored = entries();

    await server.close();
    await start();
    expect(await titles()).toEqual(['第一篇']);
    // Unchanged, the post was taken from the record and its entry: nothing was parsed or stored again.
    expect(recordedFiles(cache)?.get('2026-11-01-first.html')).toEqual(seen);
    expect(entries()).toEqual(stored);
    const manifest = (await (await fetch(`${base}data/manifest.json`)).json()) as Manifest;
    const bucket = (await (await fetch(`${base}data/${postBucketFile('2026-11-01-first', manifest.postBuckets)}`)).json()) as PostBucket;
    expect(postInBucket(bucket, '2026-11-01-first')?.title).toBe('第一篇');
  });

  it('shows an added post and an edited title without a restart', async () => {
    writeFileSync(join(dir, '2026-11-02-second.html'), post('第二篇', '02'));
    await expect.poll(titles, { timeout: 10_000, interval: 100 }).toEqual(['第二篇', '第一篇']);
    writeFileSync(join(dir, '2026-11-01-first.html'), post('第一篇（更新）', '01'));
    await expect.poll(titles, { timeout: 10_000, interval: 100 }).toEqual(['第二篇', '第一篇（更新）']);
  });

  it('serves the search index a build writes for the same posts', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-dev-built-'));
    const buildCache = mkdtempSync(join(tmpdir(), 'cna-reader-dev-built-cache-'));
    process.env['CNA_READER_CACHE_DIR'] = buildCache;
    try {
      await withPostsDir(dir, () => build({ root: ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true } }));
    } finally {
      delete process.env['CNA_READER_CACHE_DIR'];
    }
    const names = searchFileNames(outDir);
    expect(names).toContain('meta.json');
    expect(names.some((name) => name.startsWith('tail/'))).toBe(true);
    for (const name of names) {
      const served = Buffer.from(await (await fetch(`${base}data/search/${name}`)).arrayBuffer());
      expect(served.equals(readFileSync(join(outDir, 'data', 'search', name))), name).toBe(true);
    }
    rmSync(outDir, { recursive: true, force: true });
    rmSync(buildCache, { recursive: true, force: true });
  });

  it('answers 404 for data that does not exist, and for paths out of its data folder', async () => {
    expect((await fetch(`${base}data/posts/0/nothing.json`)).status).toBe(404);
    // The folder the data is served from is in the build cache, next to its state and record.
    expect((await fetch(`${base}data/..%2F..%2Fcache.lmdb`)).status).toBe(404);
  });
});

describe('vite build --strict', () => {
  it('fails when a file is reported, after writing the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-strict-'));
    const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-strict-out-'));
    writeFileSync(join(dir, '2026-11-01-good.html'), post('好的', '01'));
    writeFileSync(join(dir, 'broken.md'), '---\ntitle: "unclosed\n---\nx');
    process.env['CNA_READER_STRICT'] = '1';
    try {
      await expect(withPostsDir(dir, () => build({ root: ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true } }))).rejects.toThrow(
        /strict mode: 1 reported file/,
      );
    } finally {
      delete process.env['CNA_READER_STRICT'];
    }
    const report = JSON.parse(readFileSync(join(outDir, 'ingest-report.json'), 'utf8'));
    expect(report.problems).toEqual([expect.objectContaining({ path: 'broken.md', reason: 'bad-yaml' })]);
    expect(existsSync(join(outDir, 'data', 'manifest.json'))).toBe(true);
  });
});

describe('vite build, again', () => {
  const posts = mkdtempSync(join(tmpdir(), 'cna-reader-rebuild-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-rebuild-cache-'));
  const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-rebuild-out-'));
  const buildInto = (out: string) =>
    withPostsDir(posts, () => build({ root: ROOT, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } })).then(
      () =>
        JSON.parse(readFileSync(join(out, 'ingest-report.json'), 'utf8')) as {
          output: { written: number; unchanged: number; removed: number };
          search: { patched?: boolean };
        },
    );
  // Sixteen posts: four buckets (see postBucketCount), as long as there are more than eight.
  const names = 'abcdefghijklmnop'.split('');
  const titles = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳'.split('');
  const idOf = (name: string) => `2026-11-${String(names.indexOf(name) + 1).padStart(2, '0')}-${name}`;
  const bucketPath = (out: string, name: string) => join(out, 'data', postBucketFile(idOf(name), postBucketCount(15)));
  const postIn = (out: string, name: string) => postInBucket(JSON.parse(readFileSync(bucketPath(out, name), 'utf8')) as PostBucket, idOf(name));

  beforeAll(() => {
    process.env['CNA_READER_CACHE_DIR'] = cacheDir;
  });
  afterAll(() => {
    delete process.env['CNA_READER_CACHE_DIR'];
  });

  it('writes only what changed, removes what is gone, and empties the rest of the output folder', async () => {
    names.forEach((name, n) => writeFileSync(join(posts, `${idOf(name)}.html`), post(titles[n]!, idOf(name).slice(8, 10))));
    expect(postBucketCount(16)).toBe(postBucketCount(15));
    // What older versions kept in files of their own (states, records, a copy of the search index) goes.
    const legacy = ['output-0123456789ab.json', 'output-0123456789ab.state.search-rows.json', 'files-seen.tsv'].map((name) => join(cacheDir, name));
    for (const path of legacy) writeFileSync(path, 'from an older version');
    const first = await buildInto(outDir);
    expect(legacy.filter((path) => existsSync(path))).toEqual([]);
    expect(first.output.unchanged).toBe(0);
    // Editing a and removing b changes a's and c's files (c's neighbour is now a): a bucket holding
    // none of them is not written again.
    const touched = new Set(['a', 'b', 'c'].map((name) => bucketPath(outDir, name)));
    const untouched = names.find((name) => !touched.has(bucketPath(outDir, name)))!;
    expect(untouched).toBeDefined();
    const untouchedSince = statSync(bucketPath(outDir, untouched)).mtimeMs;
    // And a bucket holding a changed post and others keeps the others as they were.
    const sharing = names.find((name) => !['a', 'b', 'c'].includes(name) && touched.has(bucketPath(outDir, name)));
    const sharedBefore = sharing && postIn(outDir, sharing);
    writeFileSync(join(outDir, 'left-over.txt'), 'from an earlier build');

    writeFileSync(join(posts, '2026-11-01-a.html'), post('甲（更正）', '01'));
    unlinkSync(join(posts, '2026-11-02-b.html'));
    const second = await buildInto(outDir);

    expect(postIn(outDir, 'a')?.title).toBe('甲（更正）');
    expect(postIn(outDir, 'a')?.nextId).toBe(idOf('c'));
    expect(postIn(outDir, 'c')?.previousId).toBe(idOf('a'));
    expect(existsSync(bucketPath(outDir, 'b')) ? postIn(outDir, 'b') : undefined).toBeUndefined();
    expect(statSync(bucketPath(outDir, untouched)).mtimeMs).toBe(untouchedSince);
    expect(sharing).toBeDefined();
    expect(postIn(outDir, sharing!)).toEqual(sharedBefore);
    expect(second.output.unchanged).toBeGreaterThanOrEqual(1);
    expect(second.output.written).toBeLessThan(first.output.written);
    expect(existsSync(join(outDir, 'left-over.txt'))).toBe(false);
    // The search index follows the edit.
    const meta = JSON.parse(readFileSync(join(outDir, 'data', 'search', 'meta.json'), 'utf8'));
    expect(meta.postCount).toBe(15);
    // 15 posts, fewer than the tail's span: the index is all tail.
    expect(second.search).toMatchObject({ patched: true, tailPosts: 15 });
    expect(meta.directory).toEqual([]);
    expect(meta.tail.directory.length).toBeGreaterThan(0);

    // A bucket whose posts are all gone is removed (as long as the archive keeps its number of buckets).
    const emptied = names.filter((name) => name !== 'b' && bucketPath(outDir, name) === bucketPath(outDir, untouched));
    expect(postBucketCount(15 - emptied.length)).toBe(postBucketCount(15));
    for (const name of emptied) unlinkSync(join(posts, `${idOf(name)}.html`));
    const third = await buildInto(outDir);
    expect(existsSync(bucketPath(outDir, untouched))).toBe(false);
    expect(third.output.removed).toBeGreaterThanOrEqual(1);
    for (const name of emptied) writeFileSync(join(posts, `${idOf(name)}.html`), post(titles[names.indexOf(name)]!, idOf(name).slice(8, 10)));
    await buildInto(outDir);
    expect(existsSync(bucketPath(outDir, untouched))).toBe(true);

    // Another output folder knows nothing of this one's state: everything is written there.
    const elsewhere = mkdtempSync(join(tmpdir(), 'cna-reader-rebuild-out-'));
    const fresh = await buildInto(elsewhere);
    expect(fresh.output.unchanged).toBe(0);
    // Every bucket written over the last build's output is the one a fresh build writes.
    const bucketFiles = (out: string) =>
      readdirSync(join(out, 'data', 'posts'), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => [join(entry.parentPath, entry.name).slice(out.length), readFileSync(join(entry.parentPath, entry.name), 'utf8')])
        .sort();
    expect(bucketFiles(outDir)).toEqual(bucketFiles(elsewhere));
    expect(fresh.search).not.toHaveProperty('patched');
    // The patched search index is the one a fresh build makes.
    const searchFiles = (out: string) => searchFileNames(out).map((name) => [name, readFileSync(join(out, 'data', 'search', name)).toString('base64')]);
    expect(searchFiles(outDir)).toEqual(searchFiles(elsewhere));
  });

  it('fails with a clear message when the cache lost entries its record names, and recovers on the next build', async () => {
    // The record of files seen (seen-files.ts) is trusted for unchanged files: entries lost (here,
    // all of them) are found missing only when a post file is written from them.
    const cache = openBuildCache(cacheDir);
    await cache.prune([]);
    await cache.close();
    const elsewhere = mkdtempSync(join(tmpdir(), 'cna-reader-rebuild-out-'));
    await expect(buildInto(elsewhere)).rejects.toThrow(/missing from the build cache/);
    const report = await buildInto(elsewhere);
    expect(report.output.written).toBeGreaterThan(0);
    expect(postIn(elsewhere, 'a')?.title).toBe('甲（更正）');
  });
});

/** The files of a built site's search index, by path under `data/search/`, sorted. */
function searchFileNames(outDir: string): string[] {
  const root = join(outDir, 'data', 'search');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
