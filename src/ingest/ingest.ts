/**
 * The whole build-time pipeline: list → read → parse → index. The Vite plugin and the benchmarks call this.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Problem } from '../index-format/types.ts';
import { assertTimeZone } from '../index-format/days.ts';
import { buildIndex, type BuiltIndex, type IndexedPost } from './build-index.ts';
import { collectGarbage } from './collect-garbage.ts';
import { ingestFile, type FileSeen, type IngestedFile, type SeenFileRef } from './ingest-file.ts';
import type { ParseOptions, ParsedPost } from './parse-post.ts';
import { memoryStore, type PostStore } from './post-store.ts';
import { mapInOrder } from './map-in-order.ts';
import { PhaseClock } from './phase-clock.ts';
import { LOCAL_ASSET_PATH } from './urls.ts';
import { listPostFiles } from './read-posts.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface IngestOptions {
  postsDir: string;
  /** @default 'Asia/Taipei' */
  timeZone?: string;
  shardSize?: number;
  /** Public URL of the site's `archive-assets/` folder, e.g. `/` + `archive-assets/`. @default '/archive-assets/' */
  assetBase?: string;
  /**
   * Where parsed posts wait until their files are written; a disk store doubles as the cache that
   * makes rebuilds incremental. @default a fresh in-memory store
   */
  store?: PostStore;
  /** Folded into every store key: a fingerprint of the parser's source (see sourceFingerprint). */
  codeVersion?: string;
  /** Worker threads to parse on; used with a disk store (workers share it through the disk). */
  pool?: WorkerPool;
}

export const DEFAULT_TIME_ZONE = 'Asia/Taipei';

/** Files read at once on one thread: enough to keep the disk busy while the CPU parses, few enough to bound memory. */
const READ_CONCURRENCY = 32;
/** Files per request to a worker: large enough that messaging costs nothing, small enough to share the work evenly. */
const WORKER_BATCH = 64;

export async function ingestPosts(options: IngestOptions): Promise<BuiltIndex> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const files = await listPostFiles(options.postsDir);
  clock.lap('list files');
  const parseOptions: ParseOptions = { timeZone, assetBase: options.assetBase ?? LOCAL_ASSET_PATH };
  const settings = JSON.stringify({ ...parseOptions, code: options.codeVersion ?? '' });
  const store = options.store ?? memoryStore();
  if (options.pool) {
    options.pool.expectedPosts = files.length;
    options.pool.phase = 'parse';
  }
  const seenBefore = store.dir ? await loadSeen(store.dir, settings) : {};
  const refs = files.map((file) => {
    const seen = seenBefore[file.path];
    return seen ? { ...file, seen } : file;
  });

  const ingested = options.pool && store.dir
    ? await ingestOnWorkers(refs, options.pool, { settings, parseOptions, storeDir: store.dir })
    : await mapInOrder(refs, READ_CONCURRENCY, (file) => ingestFile(file, settings, parseOptions, store));
  if (store.dir) await saveSeen(store.dir, settings, ingested);
  clock.lap('read and parse');

  const posts: IndexedPost[] = [];
  const problems: Problem[] = [];
  const used = new Set<string>();
  for (const file of ingested) {
    if (file.key) used.add(file.key);
    if ('problem' in file) problems.push(file.problem);
    else {
      // The summary itself becomes the indexed post (no copy: 200k of them weigh hundreds of MB).
      const post = file.summary as IndexedPost;
      post.key = file.key;
      posts.push(post);
      problems.push(...file.warnings);
    }
  }
  ingested.length = 0;
  // What receiving 200k summaries from the workers left behind goes before the index is planned (see collect-garbage.ts).
  collectGarbage();
  await store.prune(used);
  clock.lap('prune cache');

  const built = buildIndex({
    posts,
    loadPost: postLoader(store),
    problems,
    filesSeen: files.length,
    postsDir: options.postsDir,
    timeZone,
    startedAt,
    shardSize: options.shardSize,
  });
  clock.lap('plan index');
  built.report.phases = clock.phases;
  return built;
}

/**
 * Made outside ingestPosts, whose scope holds what the last build saw of 200k files: a closure made
 * there would keep all of it alive for as long as the built index lives (see planRows in build-index.ts).
 */
function postLoader(store: PostStore): (key: string) => Promise<ParsedPost> {
  return async (key) => {
    const outcome = await store.get(key);
    if (!outcome || !('post' in outcome)) throw new Error(`post ${key} vanished from the store during the build`);
    return outcome.post;
  };
}

/** What the last build saw of each file (see ingest-file.ts), kept in the store's folder. */
const SEEN_FILE = 'files-seen.json';

async function loadSeen(dir: string, settings: string): Promise<Record<string, FileSeen>> {
  try {
    const saved = JSON.parse(await readFile(join(dir, SEEN_FILE), 'utf8')) as { settings: string; files: Record<string, FileSeen> };
    // Keys depend on the settings (and the parser's version, part of them): other settings, other keys.
    return saved.settings === settings ? saved.files : {};
  } catch {
    return {};
  }
}

async function saveSeen(dir: string, settings: string, ingested: IngestedFile[]): Promise<void> {
  const files: Record<string, FileSeen> = {};
  for (const file of ingested) if (file.seen) files[file.path] = file.seen;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, SEEN_FILE), JSON.stringify({ settings, files }));
}

/** Like mapInOrder, in batches spread over the workers. */
async function ingestOnWorkers(files: SeenFileRef[], pool: WorkerPool, request: { settings: string; parseOptions: ParseOptions; storeDir: string }): Promise<IngestedFile[]> {
  const results: IngestedFile[] = Array.from({ length: files.length });
  let next = 0;
  // Each worker takes the next batch as soon as it is done with one: uneven posts even out.
  const lane = async (worker: number) => {
    while (next < files.length) {
      const start = next;
      next = Math.min(files.length, next + WORKER_BATCH);
      const done = await pool.call(worker, { type: 'ingest', files: files.slice(start, next), ...request });
      done.forEach((file, n) => (results[start + n] = file));
    }
  };
  await Promise.all(Array.from({ length: pool.size }, (_, worker) => lane(worker)));
  await pool.recycle();
  return results;
}
