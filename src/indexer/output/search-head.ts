/**
 * The search index's head (every row before the tail) written from the runs the workers spilled, as a
 * worker's task: the main thread meanwhile makes the extras, which need none of it.
 */
import { performance } from 'node:perf_hooks';
import { mergeRuns } from '../search/partial-runs.ts';
import { writeSearchShards, type SearchTail } from '../search/search-shards.ts';
import type { DataCompression } from './data-file.ts';
import { DataWriter } from './data-writer.ts';

export interface SearchHeadRequest {
  /** The runs' files, in row order. */
  runs: string[];
  postCount: number;
  shardBytes: number | undefined;
  /** The tail already written, which meta.json names. */
  tail: SearchTail;
  dataRoot: string;
  compression: DataCompression;
  /** The last build's state of the search files: path → hash. */
  before: [path: string, hash: string][];
}

export type SearchShardStats = Awaited<ReturnType<typeof writeSearchShards>>;

export interface WrittenSearchHead {
  stats: SearchShardStats;
  /** Every file of the head (written or left as it was), with its hash. */
  files: [path: string, hash: string][];
  /** Those whose hash differs from the last build's. */
  changed: string[];
  written: number;
  seconds: number;
}

export async function writeSearchHead(request: SearchHeadRequest): Promise<WrittenSearchHead> {
  const started = performance.now();
  const writer = new DataWriter(request.dataRoot, new Map(request.before), request.compression);
  const stats = await writeSearchShards(mergeRuns(request.runs), request.postCount, writer.write, { shardBytes: request.shardBytes, tail: request.tail });
  await writer.flush();
  return { stats, files: [...writer.after], changed: writer.changed, written: writer.written, seconds: (performance.now() - started) / 1000 };
}
