/**
 * Writes a built index to the site's `data/` folder: the small files (manifest, metadata shards, tag
 * lists), one file per post, and the search index.
 *
 * Incremental: what was written is remembered in a state file (each path with a hash of what it holds),
 * so a rebuild leaves unchanged files alone, skips rendering unchanged posts altogether (a post file's
 * hash is taken from its inputs: store key and placement), and removes the files no longer produced.
 * The state is trusted only while the data folder carries the build id the state names: a fresh or
 * emptied output folder gets every file (see last-build.ts).
 *
 * A patched plan (see patch-plan.ts) names only what changed since the build whose output it is written
 * over: the files it does not name stay as they are.
 *
 * The small files are taken out of `built.files` once written.
 *
 * Post files are written and the search index fed on worker threads when a pool is given, each over a
 * contiguous range of rows; a worker then joins their runs into the index's head while this thread runs
 * `besideSearch`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SEARCH_FORMAT_VERSION, SEARCH_TAIL_FOLDER } from '../../shared/search-format.ts';
import { postBucket, postBucketKey, type SearchIndexStats } from '../../shared/types.ts';
import type { BuiltIndex, PlannedRow } from '../plan/build-index.ts';
import { collectGarbage, isLargeBuild } from '../collect-garbage.ts';
import type { SearchTokens } from '../parse/count-tokens.ts';
import { BUILD_ID_FILE, newBuildId, type OutputRecord } from '../incremental/last-build.ts';
import type { PatchedIndex } from '../incremental/patch-plan.ts';
import { PhaseClock, type PhaseMemory } from '../phase-clock.ts';
import type { PostStore } from '../incremental/post-store.ts';
import { headMapping, mapRows, patchIndex, sameTail, type CachedRows } from '../search/search-cache.ts';
import { droppedPostingsOf, patchInPlace, readWrittenIndex, type DroppedPostings, type InPlacePatch, type InPlaceResult } from '../search/search-patch.ts';
import { mergePartialIndexes, type PartialIndex } from '../search/search-index.ts';
import { searchIndexBuilder } from '../search/index-builder.ts';
import { makeRunsFolder } from '../search/partial-runs.ts';
import { TAIL_ROWS, searchTailStart, writeSearchShards, writeSearchTail } from '../search/search-shards.ts';
import { INLINE_AT_MOST, type WorkerPool } from '../workers/worker-pool.ts';
import { indexRows, writeBuckets, type BucketTask, type RowTask } from './write-rows.ts';
import { readDataFileSync, type DataCompression } from './data-file.ts';
import type { OutputBuilds, WrittenBuckets } from './extras-bucket-cache.ts';
import { DataWriter, hashOf } from './data-writer.ts';
import type { SearchHeadRequest, SearchShardStats } from './search-head.ts';

export interface WriteIndexOptions {
  /** The site's `data/` folder. */
  dataRoot: string;
  store: PostStore;
  pool?: WorkerPool;
  /** Where the build cache remembers what was written into this folder. Without it, every file is written. */
  output?: OutputRecord;
  /** The span of the search index's tail (see searchTailStart), and the size of its shards: tests make them small. */
  tailRows?: number;
  searchShardBytes?: number;
  /** How data files are written (see data-file.ts). @default 'none' */
  compression?: DataCompression;
  /**
   * Work that needs none of the search index, run while a worker writes the index's head (a full build
   * on workers: the other core would be idle), or else once the index is written. Awaited before the
   * state is saved. Given the post buckets this build wrote, as their writers reported them, `pool`
   * only while the head is written on a worker and another thread is free, and the output's builds.
   * Returns the id of the extras' bucket cache whose buckets are the output's (recorded with the state).
   */
  besideSearch?: (written: WrittenBuckets, pool: WorkerPool | undefined, output: OutputBuilds) => Promise<string | undefined>;
  /**
   * Closes the cache once the workers are done with it, before the head and `besideSearch`, and gives
   * the output's record on a fresh opening: the closed one's map (every page the build read) no longer
   * counts in the process's memory beside what runs then.
   */
  reopenCache?: () => Promise<OutputRecord>;
}

type TailStats = NonNullable<CachedRows['tail']>;

export interface WrittenIndex {
  search: SearchIndexStats;
  /** Wall time of each phase of writing, and the memory at its end (see PhaseClock). */
  phases: [name: string, seconds: number][];
  phaseMemory: PhaseMemory[];
  /** Files written, and files left as they were because their content had not changed. */
  written: number;
  unchanged: number;
  removed: number;
}

/** Rows, and buckets, per request to a worker. */
const ROW_BATCH = 128;
const BUCKET_BATCH = 64;
/**
 * The last build's search index is patched when at most this many rows (or this share of them) are new or
 * changed; more, and reading their tokens on one thread costs more than making the index on all cores.
 * Enough for a tail that joins the head (TAIL_ROWS rows) and a day's posts besides.
 */
const PATCH_MIN_ROWS = 2 * TAIL_ROWS;
const PATCH_SHARE = 0.05;

export async function writeIndex(built: BuiltIndex | PatchedIndex, options: WriteIndexOptions): Promise<WrittenIndex> {
  const { dataRoot, store, compression = 'none' } = options;
  const clock = new PhaseClock();
  let output = options.output;
  const previous = await output?.last();
  // Made now, not when the state is saved: the extras name it in their cache.
  const buildId = newBuildId();
  const patch = built.kind === 'patched' ? built.patch : undefined;
  if (patch && previous?.buildId !== patch.base) {
    throw new Error(`the output folder ${dataRoot} changed after this build read it (another build?): build again`);
  }
  // Without a trusted state, whatever the folder holds is unknown: start from an empty one.
  if (!previous) await rm(dataRoot, { recursive: true, force: true });
  // Until this build's state is saved, the folder matches no state: an interrupted build is followed by a full one.
  else await rm(join(dataRoot, BUILD_ID_FILE), { force: true });
  const writer = new DataWriter(dataRoot, previous?.files ?? new Map(), compression);
  const { before, after, changed, write } = writer;
  // A patch names only what changed: every other file stays, but the search index's, which is written whole.
  if (patch) for (const [path, hash] of before) if (!path.startsWith('search/')) after.set(path, hash);

  // Each text is encoded once (hashing and writing a string encode it each), and let go as soon as it is
  // on disk: at 200k posts the metadata shards are ~120 MB of text, ~200 MB as JS strings, and holding
  // them all through this loop made it the peak of a rebuild.
  for (const [path, body] of built.files) {
    built.files.delete(path);
    await write(path, typeof body === 'string' ? Buffer.from(body) : body);
  }
  // A fresh plan's metadata shards are made here, a shard at a time (see BuiltIndex.metaShards).
  if (built.kind === 'fresh') for await (const [path, json] of built.metaShards()) await write(path, Buffer.from(json));
  await writer.flush();
  // A patch, or a small archive, has had little to let go of: a forced collection would cost more (~0.4 s
  // at 200k posts) than it frees.
  if (!patch && isLargeBuild(built.postCount)) collectGarbage();
  // The summaries and the small files read heads across the whole cache file, and the index builders
  // grow next: let go of the pages mapped now, not at the post files' first drop.
  if (!patch) await store.dropMap();
  clock.lap('write small files');

  // Post files, in buckets (see postBucketFile). A post whose inputs (store key and placement) are
  // unchanged is not rendered: the state holds each post as its bucket's path and its id (memberPath),
  // with a hash of its inputs. A bucket's file is written when a post in it is new, changed or gone; its
  // other posts are carried over from its file as the last build wrote it. A patched plan places only
  // the rows whose file may change; the others keep theirs.
  const keys = built.kind === 'patched' ? built.patch.keys : built.rows.map((row) => row.key);
  const buckets = new Map<string, BucketTask>();
  const bucketTask = (file: string) => {
    let task = buckets.get(file);
    if (!task) buckets.set(file, (task = { file, render: [], keep: [] }));
    return task;
  };
  const place = (planned: PlannedRow) => {
    const member = memberPath(planned.file, planned.place.id);
    const hash = hashOf(`${planned.key}\u0000${JSON.stringify(planned.place)}`);
    after.set(member, hash);
    if (before.get(member) === hash) return;
    changed.push(member);
    bucketTask(planned.file).render.push({ key: planned.key, place: planned.place });
  };
  for (const planned of built.kind === 'patched' ? built.patch.rows.values() : built.rows) place(planned);
  const removedMembers = patch ? [] : [...before.keys()].filter((path) => isMemberPath(path) && !after.has(path));
  for (const member of removedMembers) bucketTask(fileOfStatePath(member));
  // A patch removes no post: a bucket keeps every post of its file that it does not render again.
  if (patch) for (const task of buckets.values()) task.keep = 'rest';
  const bucketFiles = patch ? countBuckets(built.snapshot.ids, built.manifest.postBuckets) : keepUnchangedMembers(buckets, after, before.size === 0);
  const bucketTasks = [...buckets.values()].filter((task) => task.render.length > 0 || task.keep.length > 0);
  const emptied = [...buckets.values()].filter((task) => task.render.length === 0 && task.keep.length === 0);
  const outputBuilds: OutputBuilds = { last: previous?.bucketCache, next: buildId, emptied: emptied.map((task) => postBucketKey(task.file)) };
  let bucketCache: string | undefined;
  writer.written += bucketTasks.length;

  // The search index: its head (the rows before the tail, see search-format.ts) patched from the last
  // build's when few of its rows are new or changed (see search-cache.ts), its tail made anew (or kept,
  // when none of its posts changed).
  const tailRows = options.tailRows ?? TAIL_ROWS;
  const tailFrom = searchTailStart(built.postCount, tailRows);
  // A patched plan says how rows moved: the cached keys are not needed.
  const cachedRows = previous?.searchRows(!patch);
  // An index of another format is written anew: its files cannot be read as this one's.
  const oldTail = cachedRows?.tail?.version === SEARCH_FORMAT_VERSION ? cachedRows.tail : undefined;
  const mapping = oldTail && cachedRows ? (patch ? patch.search.mapping : mapRows(cachedRows.keys, keys)) : undefined;
  const head = mapping && headMapping(mapping, oldTail!.from, tailFrom);
  const searchPatch = head && head.mapping.freshRows.length <= Math.max(PATCH_MIN_ROWS, built.postCount * PATCH_SHARE) ? head.mapping : undefined;
  // A tail whose posts are all as they were (an older post edited) is kept as written.
  const keptTail = mapping && sameTail(mapping, oldTail!.from, tailFrom, built.postCount) ? oldTail : undefined;

  const rowsStarted = performance.now();
  const rowTasks = (rows: Iterable<number>) => Array.from(rows, (row) => ({ row, key: keys[row]! }));
  const shardBytes = options.searchShardBytes;
  // The tail's rows are indexed and its shards written on this thread, while the workers index the
  // head's: written before the head (whose meta.json names its shards), so the head need not wait for it.
  const writingTail = keptTail
    ? undefined
    : indexInline(rowTasks(range(tailFrom, built.postCount)), store).then(async (part): Promise<TailStats> => {
        const written = await writeSearchTail(mergePartialIndexes([part]), tailFrom, write, shardBytes);
        return { ...written.tail, tokens: written.tokens, bytes: written.bytes, shards: written.shards, version: SEARCH_FORMAT_VERSION };
      });
  // Awaited below; handled meanwhile, so that its failure is not unhandled while the head's rows run.
  writingTail?.catch(() => {});
  // The head's index: in memory (small, or patched), or spilled by the workers as runs, merged from disk.
  let parts: PartialIndex[] = [];
  let runs: { folder: string; paths: string[] } | undefined;
  let writtenBuckets: WrittenBuckets;
  try {
    if (searchPatch || !options.pool || !store.dir || built.postCount <= INLINE_AT_MOST) {
      // With the head patched, only its fresh rows (new or changed posts) are indexed.
      parts = [await indexInline(rowTasks(searchPatch ? searchPatch.freshRows : range(0, tailFrom)), store)];
      writtenBuckets = await writeBuckets(bucketTasks, store, dataRoot, new Set(), compression);
    } else {
      const folder = makeRunsFolder(store.dir);
      const [paths, written] = await onWorkers(
        tailFrom,
        bucketTasks,
        options.pool,
        { storeDir: store.dir, runsFolder: folder },
        { dataRoot, compression },
        (start, end) => rowTasks(range(start, end)),
      );
      runs = { folder, paths };
      writtenBuckets = written;
    }
  } catch (error) {
    // The tail done (or failed) and on disk first: once this rejects, the next build may write these paths.
    await writingTail?.catch(() => {});
    await writer.settle();
    throw error;
  }
  const writtenTail = await writingTail;
  const rowsSeconds = (performance.now() - rowsStarted) / 1000;
  const postFiles = searchPatch ? 'write post files' : 'write post files and index their text';
  clock.lap(writtenTail ? `${postFiles}, write the search tail` : postFiles);

  const searchStarted = performance.now();
  let tail: TailStats;
  if (writtenTail) tail = writtenTail;
  else {
    tail = keptTail!;
    for (const [path, hash] of before) if (path.startsWith(SEARCH_TAIL_FOLDER)) after.set(path, hash);
  }
  const tailOfMeta = { from: tail.from, directory: tail.directory };
  let search: CachedRows['stats'];
  let searchSeconds: number | undefined;
  let inPlace = false;
  let besideDone = false;
  if (searchPatch && head) {
    const droppedKeys = head.dropped.map((old) => {
      const row = mapping!.newRowOf[old]!;
      // A row dropped for good leaves its old version's tokens; one gone to the tail, its own.
      return row >= 0 ? keys[row]! : patch ? patch.search.droppedKeys.get(old)! : cachedRows!.keys[old]!;
    });
    const dropped = await droppedTokens(store, head.dropped, droppedKeys);
    const fresh = [...mergePartialIndexes(parts)];
    const readWritten = (path: string) => readIfThere(join(dataRoot, path));
    // No row moved: only the shards of the changed posts' tokens are read and written (see search-patch.ts).
    const patched =
      searchPatch.shift === 0 && dropped
        ? await patchSearchInPlace(before, after, {
            read: readWritten,
            newRowOf: searchPatch.newRowOf,
            fresh: new Map(fresh.map((list) => [list.token, list])),
            dropped,
            postCount: built.postCount,
            write,
            tail: tailOfMeta,
            ...(shardBytes ? { shardBytes } : {}),
          })
        : undefined;
    inPlace = patched !== undefined;
    search = patched
      ? {
          tokens: cachedRows!.stats.tokens + patched.tokenChange,
          bytes: cachedRows!.stats.bytes + patched.byteChange,
          shards: patched.shards,
          pieces: patched.pieces,
        }
      : await writeSearchShards(patchIndex(readWrittenIndex(readWritten), searchPatch, fresh, dropped && new Set(dropped.keys())), built.postCount, write, {
          shardBytes,
          tail: tailOfMeta,
        });
  } else if (runs && options.pool) {
    const head = writeHeadOnWorker(options.pool, writer, { runs: runs.paths, postCount: built.postCount, shardBytes, tail: tailOfMeta, dataRoot, compression });
    head.catch(() => {});
    try {
      if (options.reopenCache) output = await options.reopenCache();
      // The head takes one thread: with one alone, a task sent beside it would queue while this thread waits.
      bucketCache = await options.besideSearch?.(writtenBuckets, options.pool.size >= 2 ? options.pool : undefined, outputBuilds);
    } catch (error) {
      // As the tail above: nothing of this build writes into data/ once it has failed.
      await head.catch(() => {});
      await writer.settle();
      throw error;
    }
    // Let go while the head is written: ~34 MB of lines at 500k posts.
    writtenBuckets = [];
    besideDone = true;
    ({ stats: search, seconds: searchSeconds } = await head);
    await rm(runs.folder, { recursive: true, force: true });
  } else {
    search = await writeSearchShards(mergePartialIndexes(parts), built.postCount, write, { shardBytes, tail: tailOfMeta });
  }
  await writer.flush();
  searchSeconds ??= (performance.now() - searchStarted) / 1000;
  const searchPhase = inPlace ? 'patch the search index in place' : searchPatch ? 'patch and write the search index' : 'write the search index';
  clock.lap(besideDone ? `${searchPhase} on a worker, beside the extras` : searchPhase);
  if (!besideDone && options.besideSearch) {
    bucketCache = await options.besideSearch(writtenBuckets, undefined, outputBuilds);
    writtenBuckets = [];
    clock.lap('write extras');
  }

  // The state's paths removed; the files: a post's is its bucket's, removed once the bucket holds no post.
  const removed: string[] = [...removedMembers];
  for (const path of before.keys()) {
    if (after.has(path) || isMemberPath(path)) continue;
    await rm(join(dataRoot, path), { force: true });
    removed.push(path);
  }
  for (const task of emptied) await rm(join(dataRoot, task.file), { force: true });
  await output?.record(
    { files: after, changed, removed, plan: built.snapshot, searchRows: { keys, stats: search, tail }, ...(bucketCache ? { bucketCache } : {}) },
    buildId,
  );
  clock.lap('remove old files, save state');
  return {
    phases: clock.phases,
    phaseMemory: clock.memory,
    search: {
      tokens: search.tokens + tail.tokens,
      bytes: search.bytes + tail.bytes,
      shards: search.shards + tail.shards,
      pieces: search.pieces,
      tailPosts: built.postCount - tailFrom,
      addSeconds: rowsSeconds,
      writeSeconds: searchSeconds,
      ...(searchPatch ? { patched: true } : {}),
    },
    written: writer.written,
    // Every file of this build's output that was not written was left as it was. The state names each
    // post, not its bucket: the output has one file per bucket.
    unchanged: after.size - bucketFiles.posts + bucketFiles.count - writer.written,
    removed: removed.length - removedMembers.length + emptied.length,
  };
}

/** The state's path of a post in its bucket: the bucket's path and the post's id. */
function memberPath(bucketFile: string, id: string): string {
  return `${bucketFile}#${id}`;
}

function isMemberPath(path: string): boolean {
  return path.includes('#');
}

/** The file of the output a path of the state stands for: a post's is its bucket's. */
export function fileOfStatePath(path: string): string {
  const mark = path.indexOf('#');
  return mark < 0 ? path : path.slice(0, mark);
}

/**
 * Fills each bucket task's `keep` with the bucket's posts that stay as they are (in the state after
 * this build, and not rendered again); returns the number of bucket files of the output and of posts in
 * them. `fresh`: no file was there before (every post is rendered), and the state need not be read.
 */
function keepUnchangedMembers(tasks: ReadonlyMap<string, BucketTask>, after: ReadonlyMap<string, string>, fresh: boolean): { count: number; posts: number } {
  if (fresh) return { count: tasks.size, posts: [...tasks.values()].reduce((sum, task) => sum + task.render.length, 0) };
  const rendered = new Map([...tasks.values()].map((task) => [task.file, new Set(task.render.map(({ place }) => place.id))]));
  const files = new Set<string>();
  let posts = 0;
  for (const path of after.keys()) {
    const file = fileOfStatePath(path);
    if (file === path) continue;
    posts++;
    files.add(file);
    const task = tasks.get(file);
    const id = path.slice(file.length + 1);
    if (task && Array.isArray(task.keep) && !rendered.get(file)!.has(id)) task.keep.push(id);
  }
  return { count: files.size, posts };
}

/** The bucket files of an archive whose posts have these ids, and its posts. */
function countBuckets(ids: readonly string[], bucketCount: number): { count: number; posts: number } {
  const used = new Uint8Array(bucketCount);
  let count = 0;
  for (const id of ids) {
    const bucket = postBucket(id, bucketCount);
    if (used[bucket]) continue;
    used[bucket] = 1;
    count++;
  }
  return { count, posts: ids.length };
}

/** The rows `start` to `end` - 1. */
function range(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, n) => start + n);
}

/** Rows indexed on this thread (ascending). */
async function indexInline(tasks: readonly RowTask[], store: PostStore): Promise<PartialIndex> {
  const search = searchIndexBuilder(tasks.length);
  for (let start = 0; start < tasks.length; start += ROW_BATCH) await indexRows(tasks.slice(start, start + ROW_BATCH), store, search);
  return search.exportPartial();
}

/**
 * Each worker indexes a contiguous share of rows, so that their runs join in order; the buckets
 * are written in batches by whichever worker is free. Returns the runs' paths and the buckets' lines.
 */
async function onWorkers(
  rowCount: number,
  buckets: readonly BucketTask[],
  pool: WorkerPool,
  { storeDir, runsFolder }: { storeDir: string; runsFolder: string },
  output: { dataRoot: string; compression: DataCompression },
  rowTasks: (start: number, end: number) => RowTask[],
): Promise<[runs: string[], written: WrittenBuckets]> {
  const share = Math.ceil(rowCount / pool.size);
  const indexing = Array.from({ length: pool.size }, (_, worker) =>
    pool.run({ type: 'rows', tasks: rowTasks(worker * share, Math.min(rowCount, (worker + 1) * share)), storeDir, runsFolder }),
  );
  const writing: Promise<WrittenBuckets>[] = [];
  for (let start = 0; start < buckets.length; start += BUCKET_BATCH)
    writing.push(pool.run({ type: 'buckets', tasks: buckets.slice(start, start + BUCKET_BATCH), storeDir, ...output }));
  const [runs, written] = await Promise.all([Promise.all(indexing), Promise.all(writing)]);
  // What the workers of a large build hold goes with them, before the index is merged on a worker.
  await pool.endPhase(rowCount);
  return [runs.flat(), written.flat()];
}

/**
 * Every token of the posts whose old rows the patch drops (gone or changed), with its weight, from their
 * old versions still in the store (see IngestOptions.keepStale): the only lists the patch must walk.
 * Undefined when one of them is not there to read.
 */
async function droppedTokens(store: PostStore, droppedRows: readonly number[], droppedKeys: readonly string[]): Promise<DroppedPostings | undefined> {
  const searches: SearchTokens[] = [];
  for (const key of droppedKeys) {
    const search = await store.getSearch(key);
    if (!search) return undefined;
    searches.push(search);
  }
  return droppedPostingsOf(droppedRows, searches);
}

/**
 * patchInPlace over the output state: the last index's files stay in the state unless the patch writes
 * or drops them, but its tail's, which this build wrote anew. Undefined, with the state as it was, when
 * there is no written index to patch.
 */
async function patchSearchInPlace(
  before: ReadonlyMap<string, string>,
  after: Map<string, string>,
  patch: Omit<InPlacePatch, 'drop'>,
): Promise<InPlaceResult | undefined> {
  const carried = [...before].filter(([path]) => path.startsWith('search/') && !path.startsWith(SEARCH_TAIL_FOLDER));
  for (const [path, hash] of carried) after.set(path, hash);
  const result = await patchInPlace({ ...patch, drop: (path) => after.delete(path) });
  if (!result) for (const [path] of carried) after.delete(path);
  return result;
}

function readIfThere(path: string): Uint8Array | undefined {
  try {
    return readDataFileSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The search index's head written from the workers' runs by a worker of the pool, whose files then join
 * the writer's state as though it had written them.
 */
async function writeHeadOnWorker(
  pool: WorkerPool,
  writer: DataWriter,
  request: Omit<SearchHeadRequest, 'before'>,
): Promise<{ stats: SearchShardStats; seconds: number }> {
  const before = [...writer.before].filter(([path]) => path.startsWith('search/'));
  const head = await pool.run({ type: 'search-head', ...request, before });
  for (const [path, hash] of head.files) writer.after.set(path, hash);
  writer.changed.push(...head.changed);
  writer.written += head.written;
  return { stats: head.stats, seconds: head.seconds };
}
