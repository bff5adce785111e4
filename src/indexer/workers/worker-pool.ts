/**
 * The build's worker threads, one per core (piscina): parsing and indexing are CPU-bound and each post
 * is independent, so the work splits evenly. Each request is a task of its own, run by the next free
 * thread; a thread that dies is replaced and its task fails (see ingestOnWorkers for what a build does then).
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { FileToIngest, IngestedFile } from './ingest-file.ts';
import type { ParseOptions } from '../parse/parse-post.ts';
import type { BucketTask, RowTask } from '../output/write-rows.ts';
import type { DataCompression } from '../output/data-file.ts';

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
  | { type: 'buckets'; tasks: BucketTask[]; storeDir: string; dataRoot: string; compression?: DataCompression }
  | { type: 'stat'; paths: string[] };

type RequestOf<T extends WorkerRequest['type']> = Extract<WorkerRequest, { type: T }>;

export interface Replies {
  ingest: IngestedFile[];
  rows: string[];
  buckets: number;
  stat: Float64Array;
}

/**
 * A safety net, not a setting: a parse that runs away (a parser bug on some post) ends its own thread,
 * which the build reports as `worker-crashed`, rather than the whole process. The largest post a build
 * accepts (4 MB, MAX_POST_BYTES) of the densest markup parses in ~300 MB of heap, whatever the archive's
 * size: memory is bounded by the batches a worker takes, not by this.
 */
const WORKER_HEAP_MB = 1024;

/**
 * So few files or rows (a small archive, a rebuild after a fetch) are worked on the main thread: ~0.5 ms
 * a post, where starting the workers (each loading the parser's modules) costs ~1 s.
 */
export const INLINE_AT_MOST = 256;

/** The sources themselves, through tsx: what a pool runs when given no bundle. */
const SOURCE_ENTRY = new URL('./worker-boot.mjs', import.meta.url);

export class WorkerPool {
  /** Started on the first call after start or recycle. */
  private threads: Promise<Piscina> | undefined;
  private entry: Promise<URL> | undefined;

  private constructor(
    readonly size: number,
    private readonly makeEntry: () => Promise<URL | undefined>,
  ) {}

  /**
   * A pool of `size` workers (default: one per core), started when first called. `entry`: the worker's
   * module, bundled (see worker-bundle.ts), or how to make it, when first called: a build that needs no
   * worker makes no bundle; by default, or when it cannot be made, the sources themselves, through tsx.
   */
  static start(size = availableParallelism(), entry?: URL | (() => Promise<URL | undefined>)): WorkerPool {
    return new WorkerPool(Math.max(1, size), typeof entry === 'function' ? entry : async () => entry);
  }

  async run<T extends WorkerRequest['type']>(request: RequestOf<T>): Promise<Replies[T]> {
    this.threads ??= this.startThreads();
    return (await this.threads).run(request) as Promise<Replies[T]>;
  }

  private async startThreads(): Promise<Piscina> {
    const entry = await (this.entry ??= this.makeEntry().then((made) => made ?? SOURCE_ENTRY));
    return new Piscina({
      filename: entry.href,
      minThreads: this.size,
      maxThreads: this.size,
      // Threads stay up for the whole phase; recycle() ends them between phases.
      idleTimeout: Number.POSITIVE_INFINITY,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
  }

  /**
   * Ends the threads (the next call starts new ones). Between phases of a build, this gives back all
   * they hold (parser garbage, index builders) at once rather than when their collectors get to it: at
   * 200k posts, hundreds of MB.
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
