/**
 * The first half of a build: list → read → parse → plan (from scratch, or the last plan patched).
 * buildSite runs it, then writes what it planned.
 */
import type { Problem } from '../shared/types.ts';
import { assertTimeZone } from '../shared/days.ts';
import { buildIndex, type BuiltIndex, type IndexedPost } from './plan/build-index.ts';
import { collectGarbage } from './collect-garbage.ts';
import { ingestFile, isUnchanged, statSafely, type FileToIngest, type IngestedFile } from './workers/ingest-file.ts';
import type { BuildMemory } from './incremental/build-memory.ts';
import { loadPlanSnapshot } from './incremental/last-build.ts';
import { patchPlan, type FilesRead, type PatchedIndex } from './incremental/patch-plan.ts';
import { parseDigestHead, type DigestHead } from './parse/post-digest.ts';
import { hasSeenFiles, loadSeenFiles, SeenFilesWriter } from './incremental/seen-files.ts';
import type { ParseOptions, ParsedPost } from './parse/parse-post.ts';
import { memoryStore, missingEntryError, type PostStore } from './incremental/post-store.ts';
import { mapInOrder } from './workers/map-in-order.ts';
import { PhaseClock } from './phase-clock.ts';
import { LOCAL_ASSET_PATH } from './parse/urls.ts';
import { listPostFiles, type PostFileRef } from './read-posts.ts';
import { INLINE_AT_MOST, type WorkerPool } from './workers/worker-pool.ts';

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
  /** Test hook: the worker that parses this file (path relative to the posts folder) dies on it. */
  crashOn?: string;
  /** What this process remembers of its last build (a build that stays up: see BuildMemory). */
  memory?: BuildMemory;
}

export interface KnownFiles {
  files: readonly PostFileRef[];
  /** Paths relative to the posts folder. */
  changed: ReadonlySet<string>;
}

/** The output folder a build is to be written over, and where the last build's state of it is kept (see last-build.ts). */
export interface LastBuild {
  statePath: string;
  dataRoot: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Taipei';

/** Files read at once on one thread: enough to keep the disk busy while the CPU parses, few enough to bound memory. */
const READ_CONCURRENCY = 32;
/** Files per request to a worker: large enough that messaging costs nothing, small enough to share the work evenly. */
const WORKER_BATCH = 64;

/** Every post planned from scratch, nothing written: for the tests and tools that read an index in memory (a site is built by buildSite). */
export async function ingestPosts(options: IngestOptions): Promise<BuiltIndex> {
  const built = await ingest(options);
  // Without a last build there is no plan to patch.
  if (built.kind !== 'fresh') throw new Error('a build with no last build was patched');
  return built;
}

/**
 * For a build written over the output of the last one (`lastBuild`): the last build's plan patched
 * when it can be (see patch-plan.ts), else every post planned from scratch.
 */
export async function ingestOver(options: IngestOptions, lastBuild: LastBuild): Promise<BuiltIndex | PatchedIndex> {
  return ingest(options, lastBuild);
}

async function ingest(options: IngestOptions, lastBuild?: LastBuild): Promise<BuiltIndex | PatchedIndex> {
  const startedAt = Date.now();
  const clock = new PhaseClock();
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  // A copy: this build lets go of its list as it goes.
  const files = options.known ? [...options.known.files] : await listPostFiles(options.postsDir);
  clock.lap(options.known ? 'files known' : 'list files');
  const parseOptions: ParseOptions = { timeZone, assetBase: options.assetBase ?? LOCAL_ASSET_PATH };
  const settings = JSON.stringify({ ...parseOptions, code: options.codeVersion ?? '' });
  const store = options.store ?? memoryStore();
  const read = await readFiles(files, store, {
    settings,
    parseOptions,
    ...(options.pool ? { pool: options.pool } : {}),
    ...(options.known ? { changed: options.known.changed } : {}),
    ...(options.crashOn ? { crashOn: options.crashOn } : {}),
    ...(options.memory ? { memory: options.memory } : {}),
  });
  clock.lap('read and parse');

  let whyNotPatched: string | undefined;
  if (lastBuild) {
    const snapshot = read.previous && (await loadPlanSnapshot(lastBuild.statePath, lastBuild.dataRoot, options.memory));
    const outcome = snapshot
      ? await patchPlan({ snapshot, files, read, dataRoot: lastBuild.dataRoot, store, timeZone, postsDir: options.postsDir, startedAt })
      : ({ kind: 'refused', reason: read.previous ? 'the output folder is not the one the last build wrote' : 'no record of the last build' } as const);
    if (outcome.kind === 'patched') {
      read.previous?.close();
      const patched = outcome.index;
      if (!options.keepStale) await store.prune(patched.storeKeys);
      clock.lap('plan index (patched)');
      patched.report.phases = clock.phases;
      patched.report.plan = { patched: true };
      if (!options.keepStale) patched.storeKeys = [];
      return patched;
    }
    whyNotPatched = outcome.reason;
  }

  const { keys } = read;
  // Every head is asked for: the heads file in one read, rather than one read per unchanged file.
  read.previous?.loadAllHeads();
  const posts: IndexedPost[] = [];
  const problems: Problem[] = [];
  const used = new Set<string>();
  files.forEach((_, at) => {
    const key = keys[at];
    if (key) used.add(key);
    // A file taken from the record has its head parsed only now: a patched plan needs none of them.
    const head = read.heads[at] ?? parseDigestHead(read.previous!.head(read.seen[at]!));
    if ('problem' in head) problems.push(head.problem);
    else {
      // The summary itself becomes the indexed post (no copy: 200k of them weigh hundreds of MB).
      const post = head.summary as IndexedPost;
      post.key = key!;
      posts.push(post);
      problems.push(...head.warnings);
    }
  });
  read.heads.length = 0;
  read.seen.length = 0;
  // The heads (~150 MB at 200k posts) go with what reading 200k summaries left behind, before the index
  // is planned: the build's peak (see collect-garbage.ts).
  read.previous?.close();
  read.previous = undefined;
  // A small archive leaves little to collect, and a forced collection of the whole heap (Vite's too) costs ~0.1 s.
  const large = files.length > INLINE_AT_MOST;
  if (large) collectGarbage();
  if (!options.keepStale) await store.prune(used);
  const storeKeys = options.keepStale ? [...used] : [];
  clock.lap('summaries, prune cache');

  const built = buildIndex({
    posts,
    loadPost: postLoader(store),
    problems,
    filesSeen: files.length,
    postsDir: options.postsDir,
    timeZone,
    startedAt,
    shardSize: options.shardSize,
    record: read.record,
  });
  // Planning's garbage, and the summaries (kept by the index only as metadata shards and rows), go
  // before Vite bundles the app: its bundler's own memory comes on top of ours.
  posts.length = 0;
  files.length = 0;
  keys.length = 0;
  used.clear();
  if (large) collectGarbage();
  clock.lap('plan index');
  built.report.phases = clock.phases;
  if (whyNotPatched !== undefined) built.report.plan = { patched: false, reason: whyNotPatched };
  built.storeKeys = storeKeys;
  return built;
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

/**
 * Every file's store key, and where its digest head is: for a file unchanged since the last build, in
 * the record (see seen-files.ts), left there unparsed; for the others, from the store or the parser, on
 * the workers when there are many. Writes this build's record as it goes.
 */
async function readFiles(
  files: readonly PostFileRef[],
  store: PostStore,
  request: { settings: string; parseOptions: ParseOptions; pool?: WorkerPool; changed?: ReadonlySet<string>; crashOn?: string; memory?: BuildMemory },
): Promise<FilesRead> {
  const { settings, parseOptions, pool, changed, crashOn, memory } = request;
  // A rebuild checks every file's size and time (but a watching build's, the files it saw change): on
  // the workers while this thread reads the record.
  const statting = !changed && pool && store.dir && files.length > INLINE_AT_MOST && hasSeenFiles(store.dir) ? statOnWorkers(files, pool) : undefined;
  const previous = store.dir ? loadSeenFiles(store.dir, settings, memory) : undefined;
  const stats = await statting;
  const seen = files.map((file) => previous?.get(file.path));
  const gone =
    previous?.goneFrom(
      files,
      seen.reduce((count, entry) => count + (entry ? 1 : 0), 0),
    ) ?? new Set<string>();
  // A rebuild appends the lines of the files it reads to the last record, and forgets the files gone.
  const appendTo = previous?.appendable ? previous : undefined;
  const record = store.dir ? new SeenFilesWriter(store.dir, settings, appendTo, memory) : undefined;
  if (appendTo && record) for (const path of gone) record.forget(path);
  // Writing the whole record copies the heads of the files unchanged: the last heads file in one read.
  if (previous && !appendTo) previous.loadAllHeads();
  const heads: (DigestHead | undefined)[] = Array.from({ length: files.length });
  const keys: (string | undefined)[] = Array.from({ length: files.length });
  const accept = (at: number, file: IngestedFile) => {
    heads[at] = parseDigestHead(file.head);
    keys[at] = file.key;
    if (file.key && file.seen) record?.add(file.path, file.seen, file.head);
    // Not recorded, it is read again next time; an appended record must say so of its older line.
    else if (seen[at] && record?.appending) record.forget(file.path);
  };
  try {
    const toRead: FileToIngest[] = [];
    const toReadAt: number[] = [];
    files.forEach((file, at) => {
      const entry = seen[at];
      const stat = entry && (changed && !changed.has(file.path) ? entry.seen : stats ? statAt(stats, at) : statSafely(file.absolutePath));
      if (entry && stat && isUnchanged(stat, entry.seen)) {
        keys[at] = entry.seen.key;
        if (!record?.appending) record?.add(file.path, entry.seen, previous!.headBytes(entry));
        return;
      }
      toRead.push(file);
      toReadAt.push(at);
    });
    // Each result is taken in as it comes: held until the end, 200k head lines took ~250 MB.
    if (pool && store.dir && toRead.length > INLINE_AT_MOST) {
      await ingestOnWorkers(toRead, pool, { settings, parseOptions, storeDir: store.dir, ...(crashOn ? { crashOn } : {}) }, (n, file) =>
        accept(toReadAt[n]!, file),
      );
    } else {
      // The workers that statted have nothing to parse: what they hold goes now.
      if (stats) await pool?.recycle();
      await mapInOrder(
        toRead.map((file, n) => ({ file, at: toReadAt[n]! })),
        READ_CONCURRENCY,
        async ({ file, at }) => accept(at, await ingestFile(file, settings, parseOptions, store)),
      );
    }
    // What this thread stored (parsed inline) is committed, for the workers that write the rows, and
    // before the record that names it.
    await store.close();
    record?.finish();
  } catch (error) {
    record?.abandon();
    previous?.close();
    throw error;
  }
  return { heads, seen, keys, previous, gone, record: record?.id ?? '' };
}

/** Every file's size and time, each worker statting a contiguous share (see statAll). */
async function statOnWorkers(files: readonly PostFileRef[], pool: WorkerPool): Promise<Float64Array> {
  const share = Math.ceil(files.length / pool.size);
  const parts = await Promise.all(
    Array.from({ length: pool.size }, (_, worker) =>
      pool.run({ type: 'stat', paths: files.slice(worker * share, (worker + 1) * share).map((file) => file.absolutePath) }),
    ),
  );
  const stats = new Float64Array(files.length * 2);
  parts.reduce((at, part) => (stats.set(part, at), at + part.length), 0);
  return stats;
}

function statAt(stats: Float64Array, at: number): { size: number; mtimeMs: number } | undefined {
  const size = stats[2 * at]!;
  return Number.isNaN(size) ? undefined : { size, mtimeMs: stats[2 * at + 1]! };
}

/**
 * In batches spread over the workers; `accept` gets each file's result (n: its place in `files`) as it
 * comes. A batch whose worker died is run again a file at a time (piscina replaces the dead thread):
 * a file that kills its worker again is reported (`worker-crashed`), and the build goes on.
 */
async function ingestOnWorkers(
  files: FileToIngest[],
  pool: WorkerPool,
  request: IngestRequest,
  accept: (n: number, file: IngestedFile) => void,
): Promise<void> {
  const run = (batch: FileToIngest[]) => pool.run({ type: 'ingest', files: batch, ...request });
  const batches: Promise<void>[] = [];
  for (let start = 0; start < files.length; start += WORKER_BATCH) {
    const batch = files.slice(start, start + WORKER_BATCH);
    const done = run(batch).then(
      (results) => results.forEach((file, n) => accept(start + n, file)),
      () =>
        Promise.all(
          batch.map(async (file, n) => {
            const result = await run([file]).then(
              ([alone]) => alone!,
              (error: unknown) => crashedFile(file, error),
            );
            accept(start + n, result);
          }),
        ),
    );
    batches.push(done.then(() => undefined));
  }
  await Promise.all(batches);
  await pool.recycle();
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
