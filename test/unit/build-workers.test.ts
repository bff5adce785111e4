/**
 * The build's worker threads on posts that push them: the largest post a build accepts builds at
 * default settings, a post that kills its worker is reported while the build goes on, and a worker
 * serves more tasks than LMDB has reader slots.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { build } from 'vite';
import { buildSite } from '../../src/indexer/build-site.ts';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { diskStore } from '../../src/indexer/incremental/post-store.ts';
import { MAX_POST_BYTES } from '../../src/indexer/parse/parse-post.ts';
import { WorkerPool, type WorkerRequest } from '../../src/indexer/workers/worker-pool.ts';
import { makeRunsFolder, mergeRuns } from '../../src/indexer/search/partial-runs.ts';
import { postBucketFile, postInBucket, type IngestReport, type Manifest, type PostBucket } from '../../src/shared/types.ts';
import { agoraPost, writeNumberedPosts } from './helpers.ts';
import { bundledPool, poolOverPosts } from './bundled-pool.ts';
import { FERRY_POSTS, postText, type TestPost } from './beyond/site-builder.ts';
import type { WrittenStoryExtras } from '../../src/indexer/output/write-story-extras.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** More posts than a build parses on its own thread, so that they go to the workers. */
const POSTS = 300;

/**
 * Posts that further reading links (they share rare terms), among them a pair of the same story,
 * which it leaves out of each other's suggestions.
 */
function writeRelatedPosts(dir: string): void {
  const related = Array.from({ length: 4 }, (_, n): TestPost => ({
    name: `2026-10-0${n + 1}-route-${n}`,
    title: `北部港口輪渡第${n + 1}條新航線 旅客網路購票`,
    date: `2026-10-0${n + 1} 02:00`,
    outlet: 'cna',
    link: `route-${n}`,
    body: `<p>港務公司表示，新輪渡航線連接北部兩座港口，候船室完成整修，旅客可網路購票，第${n + 1}次說明。</p>`,
  }));
  for (const post of [...FERRY_POSTS, ...related]) writeFileSync(join(dir, `${post.name}.html`), postText(post));
}

/** Each file under an output's data/extras, by its path there: its bytes. */
function extrasFilesOf(outDir: string): Map<string, Buffer> {
  const extras = join(outDir, 'data', 'extras');
  const files = readdirSync(extras, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  return new Map(files.map((entry) => [relative(extras, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name))]));
}

/**
 * A post just under the size limit, as dense in elements as markup gets (short paragraphs of inline
 * tags and links, a figure now and then): its tree is what weighs, ~300 MB of heap to parse.
 */
function hugePost(): string {
  const head = agoraPost('長文', '20', 'huge').replace(/<p>.*<\/p>\n$/, '');
  const paragraph = (n: number) =>
    `<p><b>颱風</b><i>豪雨</i><a href="https://www.cna.com.tw/news/${n}">警報</a><span>強風</span></p>\n${n % 500 === 0 ? `<figure><img src="https://imgcdn.cna.com.tw/news/${n}.jpg" alt="圖${n}"><figcaption>圖說${n}</figcaption></figure>\n` : ''}`;
  const parts = [head];
  let bytes = Buffer.byteLength(head);
  for (let n = 0; ; n++) {
    const next = paragraph(n);
    if (bytes + Buffer.byteLength(next) > MAX_POST_BYTES - 1024) break;
    parts.push(next);
    bytes += Buffer.byteLength(next);
  }
  return parts.join('');
}

describe('the build workers', () => {
  const folders: string[] = [];
  const temporary = (prefix: string) => {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    folders.push(folder);
    return folder;
  };
  // Each test's folders removed after it: all of them at the file's end took longer than a hook may.
  afterEach(() => {
    vi.restoreAllMocks();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** A folder of POSTS posts (writeNumberedPosts: their names). */
  const numberedPosts = (name: string) => {
    const posts = temporary(`cna-reader-${name}-`);
    return { posts, names: writeNumberedPosts(posts, POSTS) };
  };
  /** An output and a cache folder, for a test that builds into one pair only. */
  const buildFolders = (name: string) => ({ outDir: temporary(`cna-reader-${name}-out-`), cacheDir: temporary(`cna-reader-${name}-cache-`) });

  it('build a 4 MB post, the largest a build accepts, at default settings', async () => {
    const { posts, outDir, cacheDir } = { ...numberedPosts('huge'), ...buildFolders('huge') };
    const huge = hugePost();
    expect(Buffer.byteLength(huge)).toBeGreaterThan(MAX_POST_BYTES - 2048);
    writeFileSync(join(posts, '2026-11-20-huge.html'), huge);
    const saved = { POSTS_DIR: process.env['POSTS_DIR'], CNA_READER_CACHE_DIR: process.env['CNA_READER_CACHE_DIR'] };
    process.env['POSTS_DIR'] = posts;
    process.env['CNA_READER_CACHE_DIR'] = cacheDir;
    try {
      await build({ root: ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const read = <T>(path: string) => JSON.parse(readFileSync(join(outDir, 'data', path), 'utf8')) as T;
    const report = JSON.parse(readFileSync(join(outDir, 'ingest-report.json'), 'utf8')) as IngestReport;
    expect(report.problems).toEqual([]);
    expect(report.postsIndexed).toBe(POSTS + 1);
    const bucket = read<PostBucket>(postBucketFile('2026-11-20-huge', read<Manifest>('manifest.json').postBuckets));
    expect(postInBucket(bucket, '2026-11-20-huge')?.title).toBe('長文');
  });

  it('write the same data files on two workers (the search index spilled as runs) as on the main thread alone', async () => {
    const { posts } = numberedPosts('runs');
    writeRelatedPosts(posts);
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    const dataOf = async (workers: number) => {
      const [outDir, cacheDir] = [temporary('cna-reader-runs-out-'), temporary('cna-reader-runs-cache-')];
      // A tail of 64 rows: the 256 before it are the head, indexed by the workers as runs.
      const options = { postsDir: posts, outDir, cacheDir, workers, searchShardBytes: 1024, tailRows: 64 };
      run.mockClear();
      const report = await buildSite(options);
      expect(readdirSync(cacheDir).filter((name) => name.startsWith('search-runs-'))).toEqual([]);
      // Further reading ranked on the second thread, beside the head; its exclusions taken out here.
      expect(run.mock.calls.filter(([request]) => request.type === 'further-reading')).toHaveLength(workers > 0 ? 1 : 0);
      const sameStory = report.extras!.sameStory as WrittenStoryExtras;
      expect(sameStory.grouped).toBeGreaterThan(0);
      expect(sameStory.furtherReading).toBeGreaterThan(0);
      // With workers, a worker writes the head while this thread makes the extras.
      expect(report.phases!.some(([name]) => name.endsWith('on a worker, beside the extras'))).toBe(workers > 0);
      // The state saved names the files the worker wrote: built again, only the manifest (its builtAt) is written.
      const again = await buildSite(options);
      expect(again.output).toMatchObject({ written: 1, removed: 0 });
      const data = join(outDir, 'data');
      const files = readdirSync(data, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name !== '.build-id');
      // The manifest says when it was built: the rest must match byte for byte.
      return new Map(
        files.map((entry) => [
          relative(data, join(entry.parentPath, entry.name)),
          readFileSync(join(entry.parentPath, entry.name), 'utf8').replace(/"builtAt":"[^"]*"/, ''),
        ]),
      );
    };
    const alone = await dataOf(0);
    const spread = await dataOf(2);
    expect([...alone.keys()].filter((path) => path.startsWith('search/')).length).toBeGreaterThan(10);
    expect([...spread.keys()].sort()).toEqual([...alone.keys()].sort());
    for (const [path, text] of alone) expect(spread.get(path), path).toBe(text);
  });

  it('rank further reading on this thread with one worker, and in a rebuild that patches the search index', async () => {
    const { posts } = numberedPosts('inline');
    writeRelatedPosts(posts);
    const run = vi.spyOn(WorkerPool.prototype, 'run');
    const rankedOnPool = () => run.mock.calls.filter(([request]) => request.type === 'further-reading').length;
    const built = async (workers: number) => {
      const options = {
        postsDir: posts,
        outDir: temporary('cna-reader-inline-out-'),
        cacheDir: temporary('cna-reader-inline-cache-'),
        workers,
        searchShardBytes: 1024,
        tailRows: 64,
      };
      return { options, report: await buildSite(options) };
    };
    // One thread writes the search head: a task sent beside it would wait for it.
    const alone = await built(1);
    expect(alone.report.phases!.some(([name]) => name.endsWith('on a worker, beside the extras'))).toBe(true);
    expect(alone.report.extras!.sameStory).toMatchObject({ redone: { furtherReading: 'all' } });
    expect((alone.report.extras!.sameStory as WrittenStoryExtras).furtherReading).toBeGreaterThan(0);
    expect(rankedOnPool()).toBe(0);
    // Two threads: ranked on the pool, to the same extras files.
    const spread = await built(2);
    expect(rankedOnPool()).toBe(1);
    const [aloneExtras, spreadExtras] = [extrasFilesOf(alone.options.outDir), extrasFilesOf(spread.options.outDir)];
    expect(aloneExtras.size).toBeGreaterThan(0);
    expect([...spreadExtras.keys()].sort()).toEqual([...aloneExtras.keys()].sort());
    for (const [path, bytes] of aloneExtras) expect(spreadExtras.get(path)!.equals(bytes), path).toBe(true);
    // A title edited (further reading's inputs moved): the rebuild patches the index and ranks here.
    const edited = join(posts, '2026-10-01-route-0.html');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('title: 北部港口輪渡第1條新航線', 'title: 北部港口輪渡首條新航線'));
    const rebuilt = await buildSite(spread.options);
    expect(rebuilt.phases!.some(([name]) => name.startsWith('patch'))).toBe(true);
    expect(rebuilt.extras!.sameStory).toMatchObject({ redone: { furtherReading: 'all' } });
    expect(rankedOnPool()).toBe(1);
  });

  it('take every post bucket as the workers that wrote it reported it on a cold build, reading none back', async () => {
    const { posts, outDir, cacheDir } = { ...numberedPosts('reported'), ...buildFolders('reported') };
    const report = await buildSite({ postsDir: posts, outDir, cacheDir, workers: 2 });
    const bucketFiles = readdirSync(join(outDir, 'data', 'posts'), { recursive: true }).filter((name) => String(name).endsWith('.json'));
    expect(bucketFiles.length).toBeGreaterThan(1);
    expect(report.extras?.sameStory).toMatchObject({ bucketsRead: 0, bucketsReported: bucketFiles.length });
  });

  it("keep their threads through the phases of a small archive, and end them at the build's end", async () => {
    const { posts, outDir, cacheDir } = { ...numberedPosts('phases'), ...buildFolders('phases') };
    const recycle = vi.spyOn(WorkerPool.prototype, 'recycle');
    await buildSite({ postsDir: posts, outDir, cacheDir, workers: 2, tailRows: 64 });
    // Once, as the build closes its pool: the parse's two threads served every phase.
    expect(recycle).toHaveBeenCalledTimes(1);
    expect((recycle.mock.contexts[0] as WorkerPool).threadsStarted).toBe(2);
  });

  it("end their threads after each phase larger than the pool keeps them for, and a caller's pool at the build's end", async () => {
    const { posts, outDir, cacheDir } = { ...numberedPosts('large-phases'), ...buildFolders('large-phases') };
    const pool = await bundledPool(2, { cacheDir, keepThreadsAfterPostsAtMost: 100 });
    const recycle = vi.spyOn(pool, 'recycle');
    try {
      await buildSite({ postsDir: posts, outDir, cacheDir, workers: pool, tailRows: 64 });
      // The parse's 300 posts, the post files' 256 head rows, then the build's end; two threads for each phase.
      expect(recycle).toHaveBeenCalledTimes(3);
      expect(pool.threadsStarted).toBe(6);
    } finally {
      await pool.close();
    }
  });

  it("end the threads of a caller's pool when a phase fails, so that none of its tasks runs on after the build", async () => {
    const { posts, outDir, cacheDir } = { ...numberedPosts('failed-phase'), ...buildFolders('failed-phase') };
    const pool = await bundledPool(2, { cacheDir });
    const run = pool.run.bind(pool);
    // The head's rows fail at once, while the post buckets' tasks are queued.
    vi.spyOn(pool, 'run').mockImplementation(((request: WorkerRequest, transfer?: ArrayBuffer[]) =>
      request.type === 'rows' ? Promise.reject(new Error('rows failed on purpose')) : run(request, transfer)) as typeof pool.run);
    const recycle = vi.spyOn(pool, 'recycle');
    try {
      await expect(buildSite({ postsDir: posts, outDir, cacheDir, workers: pool, tailRows: 64 })).rejects.toThrow('rows failed on purpose');
      expect(recycle).toHaveBeenCalledTimes(1);
      const written = readdirSync(join(outDir, 'data'), { recursive: true }).sort();
      await new Promise((done) => setTimeout(done, 500));
      expect(readdirSync(join(outDir, 'data'), { recursive: true }).sort()).toEqual(written);
    } finally {
      await pool.close();
    }
  });

  it('report a post that kills its worker, after trying it once more on another, and index the others', async () => {
    const { posts, names } = numberedPosts('crash');
    const cacheDir = temporary('cna-reader-crash-cache-');
    const deadly = `${names[123]}.html`;
    const pool = await bundledPool(2, { cacheDir });
    const store = diskStore(cacheDir);
    try {
      const built = await ingestPosts({ postsDir: posts, store, pool, crashOn: deadly });
      expect(built.report.problems).toEqual([expect.objectContaining({ path: deadly, reason: 'worker-crashed', severity: 'error' })]);
      expect(built.report.postsIndexed).toBe(POSTS - 1);
      expect(built.indexed.has(deadly)).toBe(false);
      expect(built.indexed.has(`${names[122]}.html`)).toBe(true);
      expect(built.indexed.has(`${names[124]}.html`)).toBe(true);
      // Its thread died twice (in its batch, then alone): each replaced, and counted.
      expect(pool.threadsStarted).toBeGreaterThanOrEqual(3);
    } finally {
      await store.close();
      await pool.close();
    }
  });

  it('serve more tasks on one thread than LMDB has reader slots (126)', async () => {
    const { pool, cacheDir, keys } = await poolOverPosts(1, temporary);
    try {
      const key = keys[0]!;
      let served = 0;
      const runsFolder = makeRunsFolder(cacheDir);
      for (let task = 0; task < 200; task++) {
        const runs = await pool.run({ type: 'rows', tasks: [{ row: 0, key }], storeDir: cacheDir, runsFolder });
        if ([...mergeRuns(runs)].length > 0) served++;
      }
      expect(served).toBe(200);
    } finally {
      await pool.close();
    }
  });
});
