/**
 * The build's worker threads, one per core: parsing and indexing are CPU-bound and each post is
 * independent, so the work splits evenly. A request goes to one chosen worker and its reply comes back
 * as a promise.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileToIngest, IngestedFile } from './ingest-file.ts';
import type { ParseOptions } from '../parse/parse-post.ts';
import type { PartialIndex } from '../search/search-index.ts';
import type { BucketTask, RowTask } from '../output/write-rows.ts';

export type WorkerRequest = { id: number } & (
  | { type: 'ingest'; files: FileToIngest[]; settings: string; parseOptions: ParseOptions; storeDir: string }
  | { type: 'rows'; tasks: RowTask[]; storeDir: string }
  | { type: 'buckets'; tasks: BucketTask[]; storeDir: string; dataRoot: string }
  | { type: 'rows-end' }
  | { type: 'stat'; paths: string[] }
);

export type WorkerReply = { id: number; result: unknown } | { id: number; error: string };

type RequestOf<T extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: T }>, 'id'>;

interface Replies {
  ingest: IngestedFile[];
  rows: void;
  buckets: number;
  'rows-end': PartialIndex;
  stat: Float64Array;
}

/**
 * The JS heap of each worker, capped. What a worker must hold is small and grows slowly with the archive;
 * left uncapped, V8 lets a busy thread's garbage grow to several times that before collecting it, and two
 * workers at 200k posts pushed the build past 1.7 GB. Parsing: 96 MB + 1 MB per 2,500 posts, at least
 * 160 MB. Writing, the build's peak (the search index a worker builds lives outside its heap, in its
 * block pool; its token table is ~40 MB at 200k posts): 64 MB + 1 MB per 5,000 posts, at least 96 MB.
 * Two to three times the measured need; CNA_READER_WORKER_HEAP_MB sets both.
 */
function workerHeapMb(posts: number, phase: BuildPhase): number {
  const set = process.env['CNA_READER_WORKER_HEAP_MB'];
  if (set) return Number(set);
  return phase === 'parse' ? Math.max(160, Math.round(96 + posts / 2500)) : Math.max(96, Math.round(64 + posts / 5000));
}

export type BuildPhase = 'parse' | 'write';

export class WorkerPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  /** Each started on its first call after start or recycle. */
  private readonly workers: (Worker | undefined)[];

  /** Posts in the archive being built, and what the workers do: their heap cap follows both. */
  expectedPosts = 0;
  phase: BuildPhase = 'parse';

  private constructor(
    readonly size: number,
    private readonly entry: URL,
  ) {
    this.workers = Array.from({ length: size });
  }

  /**
   * A pool of `size` workers (default: one per core), started when first called. `entry`: the worker's
   * module, bundled (see worker-bundle.ts); by default the sources themselves, through tsx.
   */
  static start(size = availableParallelism(), entry = new URL('./worker-boot.mjs', import.meta.url)): WorkerPool {
    return new WorkerPool(Math.max(1, size), entry);
  }

  call<T extends WorkerRequest['type']>(worker: number, request: RequestOf<T> & { type: T }): Promise<Replies[T]> {
    const id = this.nextId++;
    const thread = (this.workers[worker] ??= this.spawn());
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      thread.postMessage({ ...request, id });
    });
  }

  /**
   * Ends workers now (all, or the one given; the next call to a worker starts a new one). Between
   * phases of a build, this gives back all they hold (parser garbage, index builders) at once rather
   * than when their collectors get to it: at 200k posts, hundreds of MB.
   */
  async recycle(only?: number): Promise<void> {
    const ending = this.workers.map((worker, n) => (only === undefined || n === only ? worker : undefined));
    ending.forEach((worker, n) => worker && (this.workers[n] = undefined));
    await Promise.all(ending.map((worker) => worker?.terminate()));
  }

  close(): Promise<void> {
    return this.recycle();
  }

  private spawn(): Worker {
    const worker = new Worker(this.entry, { resourceLimits: { maxOldGenerationSizeMb: workerHeapMb(this.expectedPosts, this.phase) } });
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if ('error' in reply) waiting?.reject(new Error(`build worker: ${reply.error}`));
      else waiting?.resolve(reply.result);
    });
    worker.on('error', (error: Error & { code?: string }) =>
      this.failAll(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`a build worker ran out of its ${workerHeapMb(this.expectedPosts, this.phase)} MB heap; set CNA_READER_WORKER_HEAP_MB higher`, { cause: error }) : error),
    );
    worker.on('exit', (code) => {
      if (this.workers.includes(worker)) this.failAll(new Error(`build worker exited (code ${code})`));
    });
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
