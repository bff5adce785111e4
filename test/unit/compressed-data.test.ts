/**
 * Compressed data files (CNA_READER_COMPRESS=gzip, see src/indexer/output/data-file.ts): a compressed
 * build holds what a plain build holds, file by file; rebuilds over it write only what changed; and the
 * reader's data client reads it back as it reads a plain one.
 */
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSite, type BuildSiteOptions } from '../../src/indexer/build-site.ts';
import { dataCompressionOf, readDataFileSync, type DataCompression } from '../../src/indexer/output/data-file.ts';
import { isCompressedData as isCompressed } from '../../src/shared/compressed-data.ts';
import { fetchData, loadManifest, loadPost, loadShard, resetDataCache } from '../../src/features/data/data-client.ts';
import { SEARCH_META_PATH } from '../../src/shared/search-format.ts';
import { postBucketFile, postInBucket, shardFile, type Manifest, type MetaShard, type PostBucket } from '../../src/shared/types.ts';
import { agoraPost } from './helpers.ts';

/** Small shards and search shards, so that a few dozen posts make many files of each kind. */
const SIZES = { shardSize: 4, tailRows: 8, searchShardBytes: 256 } satisfies Partial<BuildSiteOptions>;

function writePosts(dir: string, count: number, from = 0): void {
  for (let n = from; n < from + count; n++) {
    const day = String(1 + (n % 28)).padStart(2, '0');
    writeFileSync(join(dir, `2026-11-${day}-p${n}.html`), agoraPost(`第${n}篇：颱風與豪雨的消息`, day, `p${n}`));
  }
}

function build(postsDir: string, outDir: string, cacheDir: string, compression: DataCompression, workers = 0) {
  return buildSite({ postsDir, outDir, cacheDir, workers, compression, ...SIZES });
}

const temp = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-gzip-${name}-`));

/** Every file of a data folder as stored (raw bytes), by path, but the build id. */
function storedFiles(dataRoot: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(dataRoot, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && entry.name !== '.build-id') files.set(relative(dataRoot, path), readFileSync(path));
  }
  return files;
}

function manifestWithoutTime(bytes: Buffer): Partial<Manifest> {
  const { builtAt: _builtAt, ...rest } = JSON.parse(bytes.toString('utf8')) as Manifest;
  return rest;
}

/** Checks that `gzipped` holds, compressed, what `plain` holds; the manifest plain and saying so. */
function expectSameContent(plain: string, gzipped: string): void {
  const plainFiles = storedFiles(plain);
  const gzipFiles = storedFiles(gzipped);
  expect([...gzipFiles.keys()].sort()).toEqual([...plainFiles.keys()].sort());
  for (const [path, bytes] of plainFiles) {
    if (path === 'manifest.json') continue;
    expect(isCompressed(gzipFiles.get(path)!), path).toBe(true);
    expect(readDataFileSync(join(gzipped, path)).equals(bytes), path).toBe(true);
  }
  expect(manifestWithoutTime(gzipFiles.get('manifest.json')!)).toEqual({ ...manifestWithoutTime(plainFiles.get('manifest.json')!), compression: 'gzip' });
}

describe('compressed data files', () => {
  it('hold what a plain build writes, file by file, with the manifest plain and naming the mode', async () => {
    const posts = temp('posts');
    writePosts(posts, 30);
    const plain = temp('plain');
    const gzipped = temp('gzipped');
    await build(posts, plain, temp('cache'), 'none');
    await build(posts, gzipped, temp('cache'), 'gzip');
    expectSameContent(join(plain, 'data'), join(gzipped, 'data'));
  });

  it('hold what a plain build writes when the build workers write the post buckets', async () => {
    const posts = temp('posts');
    // More posts than a build writes on its own thread (INLINE_AT_MOST), so the workers write buckets.
    writePosts(posts, 300);
    const plain = temp('plain');
    const gzipped = temp('gzipped');
    await build(posts, plain, temp('cache'), 'none', 2);
    await build(posts, gzipped, temp('cache'), 'gzip', 2);
    expectSameContent(join(plain, 'data'), join(gzipped, 'data'));
  });

  it('are rewritten by a rebuild only where a plain rebuild rewrites them, the others keeping their bytes', async () => {
    const posts = temp('posts');
    writePosts(posts, 30);
    const outputs = { none: temp('plain'), gzip: temp('gzipped') };
    const caches = { none: temp('cache'), gzip: temp('cache') };
    for (const mode of ['none', 'gzip'] as const) await build(posts, outputs[mode], caches[mode], mode);
    const before = { none: storedFiles(join(outputs.none, 'data')), gzip: storedFiles(join(outputs.gzip, 'data')) };
    // A new post, and an older one corrected.
    writePosts(posts, 1, 30);
    appendFileSync(join(posts, '2026-11-05-p4.html'), '<p>更正：時間有誤。</p>\n');
    const changed = {} as Record<DataCompression, string[]>;
    for (const mode of ['none', 'gzip'] as const) {
      await build(posts, outputs[mode], caches[mode], mode);
      const after = storedFiles(join(outputs[mode], 'data'));
      changed[mode] = [...after].filter(([path, bytes]) => !before[mode].get(path)?.equals(bytes)).map(([path]) => path);
    }
    expect(changed.gzip.length).toBeLessThan(before.gzip.size);
    expect(changed.gzip.sort()).toEqual(changed.none.sort());
    expectSameContent(join(outputs.none, 'data'), join(outputs.gzip, 'data'));
  });

  it('replace every plain file when an output built plain is built again compressed, and back', async () => {
    const posts = temp('posts');
    writePosts(posts, 30);
    const plain = temp('plain');
    await build(posts, plain, temp('cache'), 'none');
    const out = temp('switched');
    const cache = temp('cache');
    await build(posts, out, cache, 'none');
    await build(posts, out, cache, 'gzip');
    expectSameContent(join(plain, 'data'), join(out, 'data'));
    await build(posts, out, cache, 'none');
    const files = storedFiles(join(out, 'data'));
    expect([...files].filter(([, bytes]) => isCompressed(bytes)).map(([path]) => path)).toEqual([]);
    expect(JSON.parse(files.get('manifest.json')!.toString('utf8'))).not.toHaveProperty('compression');
  });

  it('are read by the reader’s data client as a plain build’s files are', async () => {
    const posts = temp('posts');
    writePosts(posts, 30);
    const out = temp('gzipped');
    await build(posts, out, temp('cache'), 'gzip');
    const dataRoot = join(out, 'data');
    // The site as a host serves it: each file's stored bytes, with no Content-Encoding.
    vi.stubGlobal('fetch', async (url: string) => new Response(readFileSync(join(dataRoot, url.replace(/^\/data\//, '')))));
    try {
      resetDataCache();
      const manifest = await loadManifest();
      expect(manifest.compression).toBe('gzip');
      const shard = JSON.parse(readDataFileSync(join(dataRoot, shardFile(0))).toString('utf8')) as MetaShard;
      expect(await loadShard(manifest, 0)).toEqual(shard.posts);
      const id = shard.posts[0]!.id;
      const bucket = JSON.parse(readDataFileSync(join(dataRoot, postBucketFile(id, manifest.postBuckets))).toString('utf8')) as PostBucket;
      expect(await loadPost(id)).toEqual(postInBucket(bucket, id));
    } finally {
      vi.unstubAllGlobals();
      resetDataCache();
    }
  });

  it('are read by the data client by their own first bytes, with no manifest read before, as the search index is', async () => {
    const posts = temp('posts');
    writePosts(posts, 30);
    const out = temp('gzipped');
    await build(posts, out, temp('cache'), 'gzip');
    const dataRoot = join(out, 'data');
    vi.stubGlobal('fetch', async (url: string) => {
      const path = url.replace(/^\/data\//, '');
      return path === 'manifest.json' ? new Response('', { status: 404 }) : new Response(readFileSync(join(dataRoot, path)));
    });
    try {
      resetDataCache();
      const meta = readDataFileSync(join(dataRoot, SEARCH_META_PATH)).toString('utf8');
      expect(await (await fetchData(SEARCH_META_PATH)).text()).toBe(meta);
    } finally {
      vi.unstubAllGlobals();
      resetDataCache();
    }
  });

  it('are asked for by name: any other setting stops the build with a message saying what to set', () => {
    expect(dataCompressionOf(undefined)).toBe('none');
    expect(dataCompressionOf('gzip')).toBe('gzip');
    expect(() => dataCompressionOf('brotli')).toThrow(/CNA_READER_COMPRESS must be "gzip".*"brotli"/);
  });
});
