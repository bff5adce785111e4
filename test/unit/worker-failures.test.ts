/**
 * A worker task that fails while writing post buckets: the error names the bucket (what a failed build
 * prints), and the pool goes on serving instead of taking the whole process down. A post files phase
 * that fails writes nothing into data/ once it has rejected.
 */
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bucketWithoutBodies } from '../../src/indexer/output/bucket-without-bodies.ts';
import { readDataFileSync } from '../../src/indexer/output/data-file.ts';
import { cachedPostsOf, writtenBucketsOf } from '../../src/indexer/output/extras-bucket-cache.ts';
import { writeIndex } from '../../src/indexer/output/write-index.ts';
import { WorkerTaskError } from '../../src/indexer/workers/worker-pool.ts';
import type { PostStore } from '../../src/indexer/incremental/post-store.ts';
import { SEARCH_TAIL_FOLDER } from '../../src/shared/search-format.ts';
import { bundledPool, poolOverPosts } from './bundled-pool.ts';
import { parsePostsIntoCache } from './posts-in-cache.ts';

const place = (id: string) => ({ id, relatedIds: [] });

describe('a worker task that fails while writing post buckets', () => {
  it('rejects with an error naming the bucket, and the pool serves the next task', async () => {
    const { pool, cacheDir, keys } = await poolOverPosts(1);
    const dataRoot = mkdtempSync(join(tmpdir(), 'cna-reader-fail-data-'));
    try {
      const failing = pool.run({
        type: 'buckets',
        tasks: [{ file: 'posts/0/7.json', render: [{ key: 'not-in-the-cache', place: place('a') }], keep: [] }],
        storeDir: cacheDir,
        dataRoot,
      });
      await expect(failing).rejects.toThrow(WorkerTaskError);
      await expect(failing).rejects.toThrow(`writing the post bucket ${dataRoot}/posts/0/7.json: post not-in-the-cache is missing from the build cache`);
      const written = await pool.run({
        type: 'buckets',
        tasks: [{ file: 'posts/0/8.json', render: [{ key: keys[0]!, place: place('b') }], keep: [] }],
        storeDir: cacheDir,
        dataRoot,
      });
      // One line for the bucket written, as the extras would read it back from the file.
      expect(written).toHaveLength(1);
      const path = join(dataRoot, 'posts/0/8.json');
      const { posts } = await cachedPostsOf(bucketWithoutBodies(readDataFileSync(path), 'posts/0/8.json'), async () => true);
      const { size, mtimeMs } = statSync(path);
      expect(writtenBucketsOf(written).get('0/8.json')).toEqual({ size, mtimeMs, posts });
    } finally {
      await pool.close();
    }
  });

  it('writes the other buckets of a batch whose worker dies, and names the bucket it dies on', async () => {
    const { pool, cacheDir, keys } = await poolOverPosts(2);
    const dataRoot = mkdtempSync(join(tmpdir(), 'cna-reader-fail-data-'));
    const tasks = ['posts/0/1.json', 'posts/0/2.json', 'posts/0/3.json'].map((file, n) => ({
      file,
      render: [{ key: keys[n]!, place: place(`p${n}`) }],
      keep: [],
    }));
    try {
      const failing = pool.run({ type: 'buckets', tasks, storeDir: cacheDir, dataRoot, crashOn: 'posts/0/2.json' });
      await expect(failing).rejects.toThrow(`writing the post bucket ${dataRoot}/posts/0/2.json: its thread died on it twice (worker exited with code: 70)`);
      expect(existsSync(join(dataRoot, 'posts/0/1.json'))).toBe(true);
      expect(existsSync(join(dataRoot, 'posts/0/3.json'))).toBe(true);
      expect(pool.strayErrors).toEqual([]);
    } finally {
      await pool.close();
    }
  });

  it('reports each bucket of a batch whose worker died once, as written by the retry', async () => {
    const { pool, cacheDir, keys } = await poolOverPosts(2);
    const dataRoot = mkdtempSync(join(tmpdir(), 'cna-reader-fail-data-'));
    const files = ['posts/0/1.json', 'posts/0/2.json', 'posts/0/3.json'];
    const tasks = files.map((file, n) => ({ file, render: [{ key: keys[n]!, place: place(`p${n}`) }], keep: [] }));
    try {
      const written = await pool.run({ type: 'buckets', tasks, storeDir: cacheDir, dataRoot, crashOn: 'posts/0/2.json', crashInBatchOnly: true });
      expect(written).toHaveLength(files.length);
      const reported = writtenBucketsOf(written);
      expect([...reported.keys()].sort()).toEqual(['0/1.json', '0/2.json', '0/3.json']);
      for (const file of files) {
        const path = join(dataRoot, file);
        const { posts } = await cachedPostsOf(bucketWithoutBodies(readDataFileSync(path), file), async () => true);
        const { size, mtimeMs } = statSync(path);
        expect(reported.get(file.slice('posts/'.length)), file).toEqual({ size, mtimeMs, posts });
      }
    } finally {
      await pool.close();
    }
  });
});

/** Each file under `folder` (none if it is not there) with its modification time. */
function filesWithTimes(folder: string): [string, number][] {
  if (!existsSync(folder)) return [];
  const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return files
    .map((entry) => join(entry.parentPath, entry.name))
    .map((path): [string, number] => [path, statSync(path).mtimeMs])
    .sort();
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('a post files phase on workers that fails', () => {
  it('rejects once the search tail written beside it is done: nothing is written under search/tail after', async () => {
    const { cacheDir, store, built } = await parsePostsIntoCache(300);
    // The first row's entry gone: the workers indexing the head (rows 0-199) fail on it.
    const gone = built.rows[0]!.key;
    await store.prune(built.storeKeys.filter((key) => key !== gone));
    const pool = await bundledPool(2, { cacheDir });
    // Threads up before the phase, so that it fails at once, while this thread still reads the tail's rows, slowly.
    const nothingToRank = () =>
      pool.run({ type: 'further-reading', ids: [], titles: [], leads: { bytes: Buffer.alloc(0), ends: new Uint32Array(0) }, links: new Uint32Array(0) });
    await Promise.all([nothingToRank(), nothingToRank()]);
    let reads: Promise<unknown> = Promise.resolve();
    const slowStore: PostStore = { ...store, getSearch: (key) => (reads = reads.then(() => pause(10))).then(() => store.getSearch(key)) };
    const dataRoot = join(mkdtempSync(join(tmpdir(), 'cna-reader-fail-tail-out-')), 'data');
    try {
      await expect(writeIndex(built, { dataRoot, store: slowStore, pool, tailRows: 200, searchShardBytes: 512 })).rejects.toThrow(`post ${gone} is missing`);
      const tail = filesWithTimes(join(dataRoot, SEARCH_TAIL_FOLDER));
      expect(tail.length).toBeGreaterThan(0);
      // The tail's 100 rows read at 10 ms each: a tail still written would have written by now.
      await pause(1500);
      expect(filesWithTimes(join(dataRoot, SEARCH_TAIL_FOLDER))).toEqual(tail);
    } finally {
      await store.close();
      await pool.close();
    }
  });
});
