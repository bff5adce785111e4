/**
 * The build's worker threads, one per core: parsing and indexing are CPU-bound and each post is
 * independent, so the work splits evenly. A request goes to one chosen worker and its reply comes back
 * as a promise.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { IngestedFile } from './ingest-file.ts';
import type { ParseOptions } from './parse-post.ts';
import type { PostFileRef } from './read-posts.ts';
import type { PartialIndex } from './search-index.ts';
import type { RowTask } from './write-rows.ts';

export type WorkerRequest = { id: number } & (
  | { type: 'ingest'; files: PostFileRef[]; settings: string; parseOptions: ParseOptions; storeDir: string }
  | { type: 'rows'; tasks: RowTask[]; storeDir: string; dataRoot: string }
  | { type: 'rows-end' }
);

export type WorkerReply = { id: number; result: unknown } | { id: number; error: string };

type RequestOf<T extends WorkerRequest['type']> = Omit<Extract<WorkerRequest, { type: T }>, 'id'>;

interface Replies {
  ingest: IngestedFile[];
  rows: number;
  'rows-end': PartialIndex;
}

export class WorkerPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const worker of workers) {
      worker.on('message', (reply: WorkerReply) => {
        const waiting = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        if ('error' in reply) waiting?.reject(new Error(`build worker: ${reply.error}`));
        else waiting?.resolve(reply.result);
      });
      worker.on('error', (error) => this.failAll(error));
      worker.on('exit', (code) => this.failAll(new Error(`build worker exited (code ${code})`)));
    }
  }

  /** Starts `size` workers (default: one per core). */
  static start(size = availableParallelism()): WorkerPool {
    const script = new URL('./worker-boot.mjs', import.meta.url);
    return new WorkerPool(Array.from({ length: Math.max(1, size) }, () => new Worker(script)));
  }

  get size(): number {
    return this.workers.length;
  }

  call<T extends WorkerRequest['type']>(worker: number, request: RequestOf<T> & { type: T }): Promise<Replies[T]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.workers[worker]!.postMessage({ ...request, id });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
