/**
 * Every post file's size and modification time, on threads of their own while the main thread reads the
 * last build's record: what a rebuild compares to find the files that changed (see build-cache.ts).
 */
import { Worker } from 'node:worker_threads';
import { isSameStamp, statSafely, type FileStamp } from '../workers/ingest-file.ts';
import type { IsAsSeen } from './build-cache.ts';

/**
 * A thread's whole program, plain JavaScript: a build worker boots the indexer's bundle first (~0.4 CPU s
 * a thread), more than its share of a 64k archive's stats costs. The paths come joined by NUL, which no
 * file name holds; each file's pair goes into the shared array, NaN for one that cannot be statted.
 */
const STAT_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const { joined, from, shared } = workerData;
const stamps = new Float64Array(shared);
let at = 2 * from;
for (const path of joined.split('\\0')) {
  let stat;
  try {
    stat = statSync(path, { throwIfNoEntry: false });
  } catch {}
  stamps[at] = stat ? stat.size : NaN;
  stamps[at + 1] = stat ? stat.mtimeMs : NaN;
  at += 2;
}
parentPort.postMessage('done');
`;

/**
 * Fewer files than this a thread: a thread's start (~30 ms) costs more than it saves. A build with
 * fewer files stats on its own thread, only the files its record has (see ingest.ts).
 */
export const FILES_A_THREAD_AT_LEAST = 4_096;

/** The files' sizes and times, by their place in the list, as the threads left them (NaN: not statted). */
export class FileStamps {
  constructor(private readonly stamps: Float64Array) {}

  /** A file's size and time; undefined when it cannot be statted. */
  at(at: number): FileStamp | undefined {
    const size = this.stamps[2 * at]!;
    return Number.isNaN(size) ? undefined : { size, mtimeMs: this.stamps[2 * at + 1]! };
  }

  /** Whether the file was statted with this size and time: compared in place, no object a file. */
  matches(at: number, size: number, mtimeMs: number): boolean {
    return isSameStamp(this.stamps[2 * at]!, this.stamps[2 * at + 1]!, size, mtimeMs);
  }
}

/** Whether each file is as the record has it, by the stamps the threads left (see statFilesAside). */
export function isAsStatted(stamps: FileStamps): IsAsSeen {
  return (at, seen) => stamps.matches(at, seen.sizeAt(at), seen.mtimeAt(at));
}

/**
 * The files' stamps, each of up to `threads` threads (at least one) statting a contiguous share. A
 * thread that fails leaves its share to this thread, statted in the same way: the promise never rejects.
 */
export async function statFilesAside(paths: readonly string[], threads: number): Promise<FileStamps> {
  const count = Math.max(1, Math.min(threads, Math.floor(paths.length / FILES_A_THREAD_AT_LEAST)));
  const share = Math.ceil(paths.length / count);
  const shared = new SharedArrayBuffer(paths.length * 2 * Float64Array.BYTES_PER_ELEMENT);
  const stamps = new Float64Array(shared);
  await Promise.all(
    Array.from({ length: count }, (_, n) => {
      const from = n * share;
      const part = paths.slice(from, from + share);
      return statOnThread(part, from, shared).catch(() => statHere(part, from, stamps));
    }),
  );
  return new FileStamps(stamps);
}

function statOnThread(paths: readonly string[], from: number, shared: SharedArrayBuffer): Promise<void> {
  if (paths.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    // No loader of the parent's (tsx in the tests and tools): the program is plain JavaScript.
    const thread = new Worker(STAT_PROGRAM, { eval: true, execArgv: [], workerData: { joined: paths.join('\0'), from, shared } });
    thread.once('message', () => resolve());
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`a stat thread exited with code ${code}`)));
  });
}

/** What a thread does, on this one. */
function statHere(paths: readonly string[], from: number, stamps: Float64Array): void {
  paths.forEach((path, n) => {
    const stat = statSafely(path);
    stamps[2 * (from + n)] = stat ? stat.size : Number.NaN;
    stamps[2 * (from + n) + 1] = stat ? stat.mtimeMs : Number.NaN;
  });
}
