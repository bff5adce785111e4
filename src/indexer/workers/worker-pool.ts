/**
 * The build's worker threads, one per core (piscina): parsing and indexing are CPU-bound and each post
 * is independent, so the work splits evenly. Each request is a task of its own, run by the next free
 * thread; a thread that dies is replaced and its task fails (see ingestOnWorkers for what a build does then).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { FileToIngest, IngestedFile } from './ingest-file.ts';
import type { ParseOptions } from '../parse/parse-post.ts';
import type { PartialIndex } from '../search/search-index.ts';
import type { BucketTask, RowTask } from '../output/write-rows.ts';

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
  /** Rows indexed by one builder, in ascending order: its partial index comes back. */
  | { type: 'rows'; tasks: RowTask[]; storeDir: string }
  | { type: 'buckets'; tasks: BucketTask[]; storeDir: string; dataRoot: string }
  | { type: 'stat'; paths: string[] };

type RequestOf<T extends WorkerRequest['type']> = Extract<WorkerRequest, { type: T }>;

export interface Replies {
  ingest: IngestedFile[];
  rows: PartialIndex;
  buckets: number;
  stat: Float64Array;
}

/**
 * A safety net, not a setting: a parse that runs away (a parser bug on some post) ends its own thread,
 * which the build reports as `worker-crashed`, rather than the whole process. Far above what the
 * largest post a build accepts needs (4 MB: see MAX_POST_BYTES), whatever the archive's size: memory is
 * bounded by the batches a worker takes, not by this.
 */
const WORKER_HEAP_MB = 1024;

export class WorkerPool {
  /** Started on the first call after start or recycle. */
  private threads: Piscina | undefined;

  private constructor(
    readonly size: number,
    private readonly entry: URL,
  ) {}

  /**
   * A pool of `size` workers (default: one per core), started when first called. `entry`: the worker's
   * module, bundled (see worker-bundle.ts); by default the sources themselves, through tsx.
   */
  static start(size = availableParallelism(), entry = new URL('./worker-boot.mjs', import.meta.url)): WorkerPool {
    return new WorkerPool(Math.max(1, size), entry);
  }

  run<T extends WorkerRequest['type']>(request: RequestOf<T>): Promise<Replies[T]> {
    this.threads ??= new Piscina({
      filename: this.entry.href,
      minThreads: this.size,
      maxThreads: this.size,
      // Threads stay up for the whole phase; recycle() ends them between phases.
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    return this.threads.run(request) as Promise<Replies[T]>;
  }

  /**
   * Ends the threads (the next call starts new ones). Between phases of a build, this gives back all
   * they hold (parser garbage, index builders) at once rather than when their collectors get to it: at
   * 200k posts, hundreds of MB.
   */
  async recycle(): Promise<void> {
    const threads = this.threads;
    this.threads = undefined;
    await threads?.destroy();
  }

  close(): Promise<void> {
    return this.recycle();
  }
}
