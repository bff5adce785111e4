/**
 * The build's worker threads, one per core (piscina): parsing and indexing are CPU-bound and each post
 * is independent, so the work splits evenly. Each request is a task of its own, run by the next free
 * thread; a thread that dies is replaced and its task fails (see ingestOnWorkers for what a build does
 * then), with an error that names what the task was working on (see WorkerTaskError).
 */
import { availableParallelism } from 'node:os';
import type { Piscina } from 'piscina';
import type { FileToIngest, IngestedFile } from './ingest-file.ts';
import type { ParseOptions } from '../parse/parse-post.ts';
import type { BucketTask, RowTask } from '../output/write-rows.ts';
import type { DataCompression } from '../output/data-file.ts';
import type { WrittenBuckets } from '../output/extras-bucket-cache.ts';
import type { SearchHeadRequest, WrittenSearchHead } from '../output/search-head.ts';
import type { ReadingRequest } from './further-reading-task.ts';
import type { RankedReading } from '../plan/related-reading.ts';
import { forgetThreadOpenings } from '../incremental/cache-map.ts';

// Kept apart (see inline-at-most.ts), and offered here with the pool it decides for.
export { INLINE_AT_MOST } from './inline-at-most.ts';

export type WorkerRequest =
  | {
      type: 'ingest';
      files: FileToIngest[];
      settings: string;
      parseOptions: ParseOptions;
      storeDir: string;
      /** Test hook: the worker that reaches this file (path relative to the posts folder) dies, as on a crash. */
      crashOn?: string;
    }
  /** Rows indexed in ascending order, spilled as run files into `runsFolder`: their paths come back (see partial-runs.ts). */
  | { type: 'rows'; tasks: RowTask[]; storeDir: string; runsFolder: string }
  | {
      type: 'buckets';
      tasks: BucketTask[];
      storeDir: string;
      dataRoot: string;
      compression?: DataCompression;
      /** Test hook: the worker that reaches this bucket file (path under the data folder) dies, as on a crash. */
      crashOn?: string;
      /** Test hook: with crashOn, only a batch of buckets dies, not the file alone (the pool's retry writes it). */
      crashInBatchOnly?: boolean;
    }
  /** The search index's head written from the runs (see search-head.ts). */
  | ({ type: 'search-head' } & SearchHeadRequest)
  /** Further reading's candidates ranked (see further-reading-task.ts). */
  | ({ type: 'further-reading' } & ReadingRequest);

type RequestOf<T extends WorkerRequest['type']> = Extract<WorkerRequest, { type: T }>;

export interface Replies {
  ingest: IngestedFile[];
  rows: string[];
  buckets: WrittenBuckets;
  'search-head': WrittenSearchHead;
  'further-reading': RankedReading;
}

/**
 * A safety net, not a setting: a parse that runs away (a parser bug on some post) ends its own thread,
 * which the build reports as `worker-crashed`, rather than the whole process. The largest post a build
 * accepts (4 MB, MAX_POST_BYTES) of the densest markup parses in ~300 MB of heap, whatever the archive's
 * size: memory is bounded by the batches a worker takes, not by this.
 */
const WORKER_HEAP_MB = 1024;

/**
 * A phase that worked on at most this many posts leaves its threads up for the next: they hold little
 * then, and starting a thread again costs more than they hold (docs/build-speed.md, stop 41).
 */
export const KEEP_THREADS_AFTER_POSTS_AT_MOST = 16_384;

/** The sources themselves, through tsx: what a pool runs when given no bundle. */
const SOURCE_ENTRY = new URL('./worker-boot.mjs', import.meta.url);

export interface WorkerPoolOptions {
  /** A phase of at most this many posts leaves the threads up (tests make it small). @default KEEP_THREADS_AFTER_POSTS_AT_MOST */
  keepThreadsAfterPostsAtMost?: number;
}

/** A task that failed on a worker: what it was working on, and why. */
export class WorkerTaskError extends Error {
  constructor(
    readonly work: string,
    readonly reason: unknown,
  ) {
    super(`a build worker failed ${work}: ${messageOf(reason)}`);
  }
}

export class WorkerPool {
  /** Started on the first call after start or recycle. */
  private threads: Promise<Piscina> | undefined;
  private entry: Promise<URL> | undefined;
  /**
   * Errors the threads reported outside any task (a thread that died after answering, whose answer
   * piscina then calls "Unexpected message from Worker"): kept, never thrown, as the tasks were answered.
   */
  readonly strayErrors: Error[] = [];
  private started = 0;

  private constructor(
    readonly size: number,
    private readonly makeEntry: () => Promise<URL | undefined>,
    private readonly keepThreadsAfterPostsAtMost: number,
  ) {}

  /** Threads started so far, replacements of dead ones included: what the pool's starts cost is counted in them. */
  get threadsStarted(): number {
    return this.started;
  }

  /**
   * A pool of `size` workers (default: one per core), started when first called. `entry`: the worker's
   * module, bundled (see worker-bundle.ts), or how to make it, when first called: a build that needs no
   * worker makes no bundle; by default, or when it cannot be made, the sources themselves, through tsx.
   */
  static start(size = availableParallelism(), entry?: URL | (() => Promise<URL | undefined>), options: WorkerPoolOptions = {}): WorkerPool {
    const { keepThreadsAfterPostsAtMost = KEEP_THREADS_AFTER_POSTS_AT_MOST } = options;
    return new WorkerPool(Math.max(1, size), typeof entry === 'function' ? entry : async () => entry, keepThreadsAfterPostsAtMost);
  }

  /**
   * Runs a request on the next free thread; rejects with a WorkerTaskError. `transfer`: buffers of the
   * request moved to the thread, not copied (the caller no longer reads them).
   */
  async run<T extends WorkerRequest['type']>(request: RequestOf<T>, transfer?: ArrayBuffer[]): Promise<Replies[T]> {
    try {
      return await this.runOnce(request, transfer);
    } catch (error) {
      // A batch of buckets whose thread died: each bucket once more on its own (writing one is
      // idempotent), so that the error names the bucket that kills its thread, not a batch of 64.
      const asked: WorkerRequest = request;
      if (asked.type === 'buckets' && asked.tasks.length > 1 && isThreadDeath(error)) return (await this.bucketsOneByOne(asked)) as Replies[T];
      throw new WorkerTaskError(workOf(asked), error);
    }
  }

  private async runOnce<T extends WorkerRequest['type']>(request: RequestOf<T>, transfer?: ArrayBuffer[]): Promise<Replies[T]> {
    this.threads ??= this.startThreads();
    return (await this.threads).run(request, transfer ? { transferList: transfer } : {}) as Promise<Replies[T]>;
  }

  private async bucketsOneByOne(request: RequestOf<'buckets'>): Promise<WrittenBuckets> {
    const written = await Promise.all(
      request.tasks.map((task) =>
        this.runOnce({ ...request, tasks: [task] }).catch((error: unknown) => {
          throw new WorkerTaskError(workOf({ ...request, tasks: [task] }), isThreadDeath(error) ? `its thread died on it twice (${messageOf(error)})` : error);
        }),
      ),
    );
    return written.flat();
  }

  private async startThreads(): Promise<Piscina> {
    const entry = await (this.entry ??= this.makeEntry().then((made) => made ?? SOURCE_ENTRY));
    // Loaded when first used: a small build starts no thread (~50 ms of CPU to load it).
    const { Piscina } = await import('piscina');
    const threads = new Piscina({
      filename: entry.href,
      minThreads: this.size,
      maxThreads: this.size,
      // Threads stay up for the whole phase; endPhase ends them after a large one, recycle at a build's end.
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      // An idle thread waits for its next task without blocking its event loop ('sync' would): it must
      // close its opening of the build cache when a drop round starts (see cache-map.ts).
      atomics: 'async',
    });
    // Without a listener, an 'error' event would end the whole process.
    threads.on('error', (error: Error) => this.strayErrors.push(error));
    // A thread that ended (recycled, or dead) closed no opening of the cache: a drop round must not wait
    // for it. Ids are taken when threads start (an ended thread's is -1), and those no longer among the
    // pool's threads forgotten once one is destroyed.
    const started = new Set<number>();
    threads.on('workerCreate', (thread: { id: number }) => {
      started.add(thread.id);
      this.started++;
    });
    threads.on('workerDestroy', () =>
      setImmediate(() => {
        const live = new Set(threads.threads.map((thread) => thread.threadId));
        for (const id of started) {
          if (live.has(id)) continue;
          started.delete(id);
          forgetThreadOpenings(id);
        }
      }),
    );
    return threads;
  }

  /**
   * A phase's work on `posts` posts is done: its threads end if it was large (see recycle), and
   * otherwise stay up for the next phase (see KEEP_THREADS_AFTER_POSTS_AT_MOST).
   */
  async endPhase(posts: number): Promise<void> {
    if (posts > this.keepThreadsAfterPostsAtMost) await this.recycle();
  }

  /**
   * Ends the threads (the next call starts new ones). Between phases of a large build, this gives back
   * all they hold (parser garbage, index builders) at once rather than when their collectors get to it:
   * at 200k posts, hundreds of MB.
   */
  async recycle(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    await (await threads)?.destroy();
  }

  close(): Promise<void> {
    return this.recycle();
  }
}

/** What a request works on, for an error message: its bucket files, rows or post files. */
function workOf(request: WorkerRequest): string {
  const few = (names: string[]) => (names.length <= 3 ? names.join(', ') : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`);
  switch (request.type) {
    case 'ingest':
      return `reading ${few(request.files.map((file) => file.path))}`;
    case 'rows':
      return `indexing rows ${request.tasks[0]?.row ?? 0}-${request.tasks.at(-1)?.row ?? 0}`;
    case 'buckets':
      return `writing the post bucket${request.tasks.length > 1 ? 's' : ''} ${few(request.tasks.map((task) => `${request.dataRoot}/${task.file}`))}`;
    case 'search-head':
      return `writing the search index from ${request.runs.length} runs`;
    case 'further-reading':
      return `ranking further reading for ${request.ids.length} posts`;
  }
}

/**
 * Whether a task failed because its thread ended: it exited, or ran out of memory. Not a pool being
 * closed ("Terminating worker thread"): nothing is to be run again then.
 */
function isThreadDeath(error: unknown): boolean {
  return (
    messageOf(error).startsWith('worker exited with code') || (error instanceof Error && (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY')
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
