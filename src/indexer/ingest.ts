/**
 * The first half of a build: list → read → parse → plan (from scratch, or the last plan patched).
 * buildSite runs it, then writes what it planned.
 */
import type { Problem } from '../shared/types.ts';
import { assertTimeZone } from '../shared/days.ts';
import { buildIndex, type BuiltIndex } from './plan/build-index.ts';
import { PlanPosts, type PlanPost } from './plan/plan-post.ts';
import { collectGarbage, isLargeBuild } from './collect-garbage.ts';
import { ingestFile, statSafely, type FileToIngest, type IngestedFile } from './workers/ingest-file.ts';
import type { BuildCache } from './incremental/build-cache.ts';
import type { LastOutput, OutputRecord } from './incremental/last-build.ts';
import { patchPlan, readHead, type FilesRead, type PatchedIndex } from './incremental/patch-plan.ts';
import { newPostScratch, parseDigestHead, type DigestHead, type PostSummary } from './parse/post-digest.ts';
import type { ParseOptions, ParsedPost } from './parse/parse-post.ts';
import { memoryStore, missingEntryError, type PostStore } from './incremental/post-store.ts';
import { mapInOrder } from './workers/map-in-order.ts';
import { PhaseClock } from './phase-clock.ts';
import { LOCAL_ASSET_PATH } from './parse/urls.ts';
import { listPostFiles, type PostFileRef } from './read-posts.ts';
import { FILES_A_THREAD_AT_LEAST, isAsStatted, statFilesAside } from './incremental/stat-files.ts';
import { INLINE_AT_MOST, type WorkerPool } from './workers/worker-pool.ts';

export interface IngestOptions {
  postsDir: string;
  /** @default 'Asia/Taipei' */
  timeZone?: string;
  shardSize?: number;
  /** Public URL of the site's `archive-assets/` folder, e.g. `/` + `archive-assets/`. @default '/archive-assets/' */
  assetBase?: string;
  /**
   * The build cache (see build-cache.ts): its store of parsed posts, and its record of the files the
   * last build saw, which makes rebuilds incremental. @default none: every file is read
   */
  cache?: BuildCache;
  /** Where parsed posts wait until their files are written. @default the cache's, else a fresh in-memory store */
  store?: PostStore;
  /** Folded into every store key: a fingerprint of the parser's source (see importedCodeFingerprint). */
  codeVersion?: string;
  /**
   * Leaves the store entries of the last build's posts that are now gone or changed for the caller to
   * forget once the index is written (store.prune(built.storeKeys)): patching the search index reads
   * their tokens.
   */
  keepStale?: boolean;
  /** Worker threads to parse on; used with a disk store (workers share it through the disk). */
  pool?: WorkerPool;
  /**
   * What a build that stays up (vite build --watch) knows from watching the posts folder: every post
   * file (as listPostFiles lists them), and those that may have changed since the last build. The
   * folder is not listed again, and the other files are taken as the record has them, unstatted.
   */
  known?: KnownFiles;
  /** Told the post files this build lists (not when they are `known`): a build that stays up keeps them (see known-files.ts). */
  listed?: (files: readonly PostFileRef[]) => void;
  /** Test hook: the worker that parses this file (path relative to the posts folder) dies on it. */
  crashOn?: string;
}

export interface KnownFiles {
  files: readonly PostFileRef[];
  /** Paths relative to the posts folder. */
  changed: ReadonlySet<string>;
}

export const DEFAULT_TIME_ZONE = 'Asia/Taipei';

/** Files read at once on one thread: enough to keep the disk busy while the CPU parses, few enough to bound memory. */
const READ_CONCURRENCY = 32;
/** Files per request to a worker: large enough that messaging costs nothing, small enough to share the work evenly. */
export const WORKER_BATCH = 64;

/** Every post planned from scratch, nothing written: for the tests and tools that read an index in memory (a site is built by buildSite). */
export async function ingestPosts(options: IngestOptions): Promise<BuiltIndex> {
  const built = await ingest(options);
  // Without a last build there is no plan to patch.
  if (built.kind !== 'fresh') throw new Error('a build with no last build was patched');
  // In memory, as the tests and tools read them: the shards go into `files`.
  for await (const [path, json] of built.metaShards()) built.files.set(path, json);
  built.metaShards = async function* () {};
  return built;
}

/**
 * For a build written over the output of the last one (`output`, in the build cache): the last build's
 * plan patched when it can be (see patch-plan.ts), else every post planned from scratch.
 */
export async function ingestOver(options: IngestOptions, output: OutputRecord): Promise<BuiltIndex | PatchedIndex> {
  return ingest(options, output);
}

async function ingest(options: IngestOptions, output?: OutputRecord): Promise<BuiltIndex | PatchedIndex> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  // A copy: this build lets go of its list as it goes.
  const files = options.known ? [...options.known.files] : await listPostFiles(options.postsDir);
  if (!options.known) options.listed?.(files);
  clock.lap(options.known ? 'files known' : 'list files');
  const parseOptions: ParseOptions = { timeZone, assetBase: options.assetBase ?? LOCAL_ASSET_PATH };
  const settings = JSON.stringify({ ...parseOptions, code: options.codeVersion ?? '' });
  const store = options.store ?? options.cache?.posts ?? memoryStore();
  const read = await readFiles(files, store, {
    settings,
    parseOptions,
    ...(options.cache ? { cache: options.cache } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.known ? { changed: options.known.changed } : {}),
    ...(options.crashOn ? { crashOn: options.crashOn } : {}),
  });
  clock.lap('read and parse');

  let whyNotPatched: string | undefined;
  if (output) {
    const last = read.previous ? await output.last() : undefined;
    const snapshot = last?.plan;
    const outcome = snapshot
      ? await patchPlan({ snapshot, files, read, dataRoot: output.dataRoot, store, timeZone, postsDir: options.postsDir, startedAt })
      : ({ kind: 'refused', reason: whyNoLastPlan(read.previous !== undefined, last) } as const);
    if (outcome.kind === 'patched') {
      const patched = outcome.index;
      if (!options.keepStale) await store.prune(patched.storeKeys);
      clock.lap('plan index (patched)');
      patched.report.phases = clock.phases;
      patched.report.phaseMemory = clock.memory;
      patched.report.plan = { patched: true };
      if (!options.keepStale) patched.storeKeys = [];
      return patched;
    }
    whyNotPatched = outcome.reason;
  }

  const { keys } = read;
  const fileCount = files.length;
  // Planning needs each file's path, not its absolute path (~0.1 KB a file): the list goes.
  const paths = files.map((file) => file.path);
  files.length = 0;
  const posts: PlanPost[] = [];
  const problems: Problem[] = [];
  const used = new Set<string>();
  const planPosts = new PlanPosts();
  // Each head is read back from the store and let go at once: only its plan post stays (see plan-post.ts).
  for (let at = 0; at < fileCount; at++) {
    const key = keys[at];
    if (key) used.add(key);
    const head = await readHead(read, at, store);
    if ('problem' in head) problems.push(head.problem);
    else {
      posts.push(planPosts.of(head.summary, key!, paths[at]!));
      problems.push(...head.warnings);
    }
  }
  read.readThisBuild.fill(0);
  read.keyless.clear();
  read.seen = undefined;
  // The record goes before the index is planned (see collect-garbage.ts).
  read.previous = undefined;
  const large = isLargeBuild(fileCount);
  if (large) collectGarbage();
  if (!options.keepStale) await store.prune(used);
  // Every head was read: the pages mapped for them (~1 GB at 200k posts) go before the index is planned,
  // whose own memory peaks; the metadata shards read the summaries again after it.
  if (large) await store.dropMap();
  const storeKeys = options.keepStale ? [...used] : [];
  clock.lap('summaries, prune cache');

  const built = await buildIndex({
    posts,
    loadPost: postLoader(store),
    loadSummary: summaryLoader(store),
    problems,
    filesSeen: fileCount,
    postsDir: options.postsDir,
    timeZone,
    startedAt,
    shardSize: options.shardSize,
    record: read.record,
  });
  // Planning's garbage, and the summaries (kept by the index only as metadata shards and rows), go
  // before Vite bundles the app: its bundler's own memory comes on top of ours.
  posts.length = 0;
  paths.length = 0;
  keys.length = 0;
  used.clear();
  if (large) collectGarbage();
  clock.lap('plan index');
  built.report.phases = clock.phases;
  built.report.phaseMemory = clock.memory;
  if (whyNotPatched !== undefined) built.report.plan = { patched: false, reason: whyNotPatched };
  built.storeKeys = storeKeys;
  return built;
}

/** Why the last build's plan cannot be patched, for the report. */
function whyNoLastPlan(seenBefore: boolean, last: LastOutput | undefined): string {
  if (!seenBefore) return 'no record of the last build';
  switch (last?.whyNoPlan) {
    case 'none':
      return 'the last build saved no plan';
    case 'older-layout':
      return 'the last plan is of an older layout';
    case 'columns-not-its-own':
      return "the last plan's row columns are not its own";
    default:
      return 'the output folder is not the one the last build wrote';
  }
}

/**
 * Made outside ingestPosts, whose scope holds what the last build saw of 200k files: a closure made
 * there would keep all of it alive for as long as the built index lives (see planRows in build-index.ts).
 */
function postLoader(store: PostStore): (key: string) => Promise<ParsedPost> {
  return async (key) => {
    const outcome = await store.get(key);
    if (!outcome || !('post' in outcome)) throw missingEntryError(key);
    return outcome.post;
  };
}

/** Made outside ingestPosts, as postLoader is. */
function summaryLoader(store: PostStore): (key: string) => Promise<PostSummary> {
  return async (key) => {
    const head = await store.getHead(key);
    if (head === undefined) throw missingEntryError(key);
    const parsed = parseDigestHead(head);
    if (!('summary' in parsed)) throw new Error(`post ${key} was planned, yet its entry in the build cache is a problem`);
    return parsed.summary;
  };
}

/**
 * Every file's store key and digest head: for a file unchanged since the last build, from the build
 * cache's record (see build-cache.ts), its head left unread; for the others, from the store or the
 * parser, on the workers when there are many. Commits this build's record once they are stored.
 */
async function readFiles(
  files: readonly PostFileRef[],
  store: PostStore,
  request: { settings: string; parseOptions: ParseOptions; cache?: BuildCache; pool?: WorkerPool; changed?: ReadonlySet<string>; crashOn?: string },
): Promise<FilesRead> {
  const { settings, parseOptions, cache, pool, changed, crashOn } = request;
  // A rebuild checks every file's size and time (but a watching build's, the files it saw change): on
  // threads of their own when there are many, while this one reads the last build's record.
  const stamps =
    !changed && pool && files.length >= FILES_A_THREAD_AT_LEAST && cache?.hasRecord()
      ? statFilesAside(
          files.map((file) => file.absolutePath),
          pool.size,
        )
      : undefined;
  const changes = await cache?.whatChanged(
    files,
    settings,
    stamps?.then(isAsStatted) ?? ((at, seen) => (changed && !changed.has(files[at]!.path)) || seen.isStamp(at, statSafely(files[at]!.absolutePath))),
  );
  const keys: (string | undefined)[] = changes?.keys ?? Array.from({ length: files.length });
  const readThisBuild = new Uint8Array(files.length);
  const keyless = new Map<number, DigestHead>();
  const toReadAt = changes?.toRead ?? files.map((_, at) => at);
  // A head is in the store under its key, and read back from there when needed: parsed and held here,
  // every post's summary stayed in the heap from its parse to the end of planning.
  const accept = (at: number, file: IngestedFile) => {
    readThisBuild[at] = 1;
    if (file.key === undefined) keyless.set(at, parseDigestHead(file.head));
    keys[at] = file.key;
    changes?.saw(file, at);
  };
  const toRead = toReadAt.map((at) => files[at]!);
  // Each result is taken in as it comes: held until the end, 200k head lines took ~250 MB.
  if (pool && store.dir && toRead.length > INLINE_AT_MOST) {
    await ingestOnWorkers(
      toRead,
      pool,
      { settings, parseOptions, storeDir: store.dir, ...(crashOn ? { crashOn } : {}) },
      (n, file) => accept(toReadAt[n]!, file),
      () => changes?.noteLostPuts(),
    );
  } else {
    // One digest at a time (a digest never awaits), though several files are read at once.
    const scratch = newPostScratch();
    await mapInOrder(
      toRead.map((file, n) => ({ file, at: toReadAt[n]! })),
      READ_CONCURRENCY,
      async ({ file, at }) => accept(at, await ingestFile(file, settings, parseOptions, store, scratch)),
    );
  }
  // What this thread stored (parsed inline) is committed, for the workers that write the rows, and
  // before the record that names it.
  await store.close();
  const record = (await changes?.commit()) ?? '';
  return { readThisBuild, keyless, seen: changes?.seen, keys, previous: changes?.previous, gone: changes?.gone ?? new Set(), record };
}

/**
 * In batches spread over the workers; `accept` gets each file's result (n: its place in `files`) as it
 * comes. A batch whose worker died is run again a file at a time (piscina replaces the dead thread):
 * a file that kills its worker again is reported (`worker-crashed`), and the build goes on. `crashed`
 * is told of a dead worker, whose batch may have stored entries no result names.
 */
async function ingestOnWorkers(
  files: FileToIngest[],
  pool: WorkerPool,
  request: IngestRequest,
  accept: (n: number, file: IngestedFile) => void,
  crashed: () => void,
): Promise<void> {
  const run = (batch: FileToIngest[]) => pool.run({ type: 'ingest', files: batch, ...request });
  const batches: Promise<void>[] = [];
  for (let start = 0; start < files.length; start += WORKER_BATCH) {
    const batch = files.slice(start, start + WORKER_BATCH);
    const done = run(batch).then(
      (results) => results.forEach((file, n) => accept(start + n, file)),
      () => {
        crashed();
        return Promise.all(
          batch.map(async (file, n) => {
            const result = await run([file]).then(
              ([alone]) => alone!,
              (error: unknown) => crashedFile(file, error),
            );
            accept(start + n, result);
          }),
        );
      },
    );
    batches.push(done.then(() => undefined));
  }
  await Promise.all(batches);
  await pool.endPhase(files.length);
}

type IngestRequest = { settings: string; parseOptions: ParseOptions; storeDir: string; crashOn?: string };

/** A file whose worker died on it twice: reported, not stored (it is read again next build). */
function crashedFile(file: FileToIngest, error: unknown): IngestedFile {
  const problem: Problem = {
    path: file.path,
    reason: 'worker-crashed',
    severity: 'error',
    detail: `its build worker died on it twice: ${error instanceof Error ? error.message : String(error)}`,
  };
  return { path: file.path, head: JSON.stringify({ problem }) };
}
