/**
 * Partial indexes spilled to disk ("runs"), so that no thread holds the whole search index: a worker
 * feeds a builder at most RUN_ROWS rows, writes its partial index to a run file and starts a new one,
 * and the main thread merges the runs as it cuts the shards, reading each file a chunk at a time (the
 * external merge sort of a search engine's indexer). The runs live in the build cache's folder for the
 * length of one build.
 */
import { closeSync, mkdirSync, openSync, readdirSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BlockPool, COUNT, HOT_STRIDE, LAST_ROW, LENGTH, mergeParts, type MergedToken, type PartCursor, type PartialIndex } from './search-index.ts';
import { growArray } from '../../shared/grow-array.ts';

/**
 * Rows per builder before it is spilled. A builder's token tables (~100 MB) come whatever its rows;
 * its postings grow ~1.5 MB per 1,000 real posts: 32k rows hold a thread to ~250 MB at any archive
 * size, and a 64k archive's two workers still make one run each.
 */
export const RUN_ROWS = 32_768;

/** Bytes a run is written and read by. */
const RUN_BUFFER = 4 << 20;

/** A token's record: count, first row, last row, postings' length (u32 each), its units' count (u16), first weight (u8). */
const HEADER_BYTES = 19;

/** Postings up to this many bytes are copied by a loop (see RunCursor.copyPostings). */
const COPIED_BY_LOOP = 64;

const RUNS_PREFIX = 'search-runs-';

/**
 * A folder for this build's runs in the cache folder, emptied. Folders left by builds that were killed
 * go too; another process's running build (a dev server on the same cache) keeps its own.
 */
export function makeRunsFolder(cacheDir: string): string {
  for (const name of readdirSafely(cacheDir)) {
    if (name.startsWith(RUNS_PREFIX) && !isOtherLiveProcess(Number(name.slice(RUNS_PREFIX.length))))
      rmSync(join(cacheDir, name), { recursive: true, force: true });
  }
  const folder = join(cacheDir, `${RUNS_PREFIX}${process.pid}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

function isOtherLiveProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readdirSafely(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}

/** Writes a partial index to a run file, in token order (what RunCursor reads). `bufferBytes`: tests make it small. */
export function writeRun(part: PartialIndex, path: string, bufferBytes = RUN_BUFFER): void {
  const pool = new BlockPool(part.pages);
  const fd = openSync(path, 'w');
  try {
    let buffer = Buffer.allocUnsafe(bufferBytes);
    let at = 0;
    const flush = () => {
      for (let done = 0; done < at;) done += writeSync(fd, buffer, done, at - done);
      at = 0;
    };
    for (let i = 0; i + 1 < part.tokenStarts.length; i++) {
      const start = part.tokenStarts[i]!;
      const units = part.tokenStarts[i + 1]! - start;
      const id = part.order[i]!;
      const hot = id * HOT_STRIDE;
      const length = part.hot[hot + LENGTH]!;
      const size = HEADER_BYTES + 2 * units + length;
      if (at + size > buffer.length) {
        flush();
        if (size > buffer.length) buffer = Buffer.allocUnsafe(size);
      }
      // Byte by byte rather than through Buffer's write methods, a call and its checks a field.
      at = putUint32(buffer, at, part.hot[hot + COUNT]!);
      at = putUint32(buffer, at, part.firstRows[id]!);
      at = putUint32(buffer, at, part.hot[hot + LAST_ROW]!);
      at = putUint32(buffer, at, length);
      at = putUint16(buffer, at, units);
      buffer[at++] = part.firstWeights[id]!;
      for (let unit = 0; unit < units; unit++) at = putUint16(buffer, at, part.tokenUnits[start + unit]!);
      if (length > 0) at = pool.copyChain(part.heads[id]!, length, buffer, at);
    }
    flush();
  } finally {
    closeSync(fd);
  }
}

/** Writes `value` at `at` as 4 bytes, little-endian; returns the position after them. */
function putUint32(bytes: Uint8Array, at: number, value: number): number {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  bytes[at + 2] = value >>> 16;
  bytes[at + 3] = value >>> 24;
  return at + 4;
}

function getUint32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function putUint16(bytes: Uint8Array, at: number, value: number): number {
  bytes[at] = value;
  bytes[at + 1] = value >>> 8;
  return at + 2;
}

/**
 * Run files over consecutive row ranges, in row order, merged into one token stream; each file is
 * removed once read. Every token is one object, reused (its units, count and postings too): it is
 * valid only until the next is asked for, so copy what you keep (`[...mergeRuns(x)]` holds N of the last).
 */
export function mergeRuns(paths: readonly string[], bufferBytes = RUN_BUFFER): Generator<MergedToken> {
  return mergeParts(
    paths.map((path) => new RunCursor(path, bufferBytes)),
    true,
  );
}

/** A run file's tokens, one at a time, read a chunk at a time. */
class RunCursor implements PartCursor {
  units = new Uint16Array(64);
  readonly start = 0;
  end = 0;
  count = 0;
  firstRow = 0;
  lastRow = 0;
  firstWeight = 0;
  length = 0;
  done = false;
  private fd: number | undefined;
  private buffer: Buffer;
  /** Bytes of the file in the buffer, the current record's start in it, and its size. */
  private filled = 0;
  private at = 0;
  private size = 0;

  constructor(
    private readonly path: string,
    bufferBytes: number,
  ) {
    this.buffer = Buffer.allocUnsafe(bufferBytes);
    this.fd = openSync(path, 'r');
    this.advance();
  }

  advance(): void {
    this.at += this.size;
    this.size = 0;
    if (!this.hold(HEADER_BYTES)) {
      this.finish();
      return;
    }
    // Byte by byte, as writeRun puts them: Buffer's read methods are a call and its checks a field.
    let buffer = this.buffer;
    let at = this.at;
    this.count = getUint32(buffer, at);
    this.firstRow = getUint32(buffer, at + 4);
    this.lastRow = getUint32(buffer, at + 8);
    this.length = getUint32(buffer, at + 12);
    const units = buffer[at + 16]! | (buffer[at + 17]! << 8);
    this.firstWeight = buffer[at + 18]!;
    const size = HEADER_BYTES + 2 * units + this.length;
    if (!this.hold(size)) throw new Error(`the search index's run ${this.path} ends inside a token (a full disk?)`);
    buffer = this.buffer;
    at = this.at + HEADER_BYTES;
    if (units > this.units.length) this.units = growArray(this.units, units, 0);
    const unitsOut = this.units;
    for (let unit = 0; unit < units; unit++, at += 2) unitsOut[unit] = buffer[at]! | (buffer[at + 1]! << 8);
    this.end = units;
    this.size = size;
  }

  copyPostings(out: Uint8Array, at: number): number {
    const length = this.length;
    const from = this.at + this.size - length;
    const buffer = this.buffer;
    if (length > COPIED_BY_LOOP) {
      out.set(new Uint8Array(buffer.buffer, buffer.byteOffset + from, length), at);
      return at + length;
    }
    // Most lists are a few bytes: a loop, not a Buffer made by subarray for `set`.
    for (let k = from; k < from + length; k++) out[at++] = buffer[k]!;
    return at;
  }

  /** Whether `bytes` from the current record's start are in the buffer, reading more of the file if not. */
  private hold(bytes: number): boolean {
    if (this.filled - this.at >= bytes) return true;
    if (this.fd === undefined) return false;
    // What is left moves to the buffer's start; a record larger than the buffer gets a larger one.
    const left = this.filled - this.at;
    const buffer = bytes > this.buffer.length ? Buffer.allocUnsafe(bytes) : this.buffer;
    this.buffer.copy(buffer, 0, this.at, this.filled);
    this.buffer = buffer;
    this.at = 0;
    this.filled = left;
    while (this.filled < bytes) {
      const read = readSync(this.fd, this.buffer, this.filled, this.buffer.length - this.filled, null);
      if (read === 0) {
        closeSync(this.fd);
        this.fd = undefined;
        break;
      }
      this.filled += read;
    }
    return this.filled >= bytes;
  }

  private finish(): void {
    this.done = true;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    unlinkSync(this.path);
  }
}
