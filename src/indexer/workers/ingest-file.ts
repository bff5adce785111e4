/**
 * One post file → its store key and digest: read from the store when the last build stored these same
 * bytes (a touched file), parsed (and stored) otherwise. Runs on the build's worker threads,
 * or inline.
 *
 * A file whose size and modification time are those of the last build never comes here: it is taken to
 * be the same file (as make and rsync do) and its digest comes from the last build's record (see
 * readFiles in ingest.ts and seen-files.ts), so that a rebuild of 200k posts does not read and hash a
 * gigabyte of unchanged posts.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { parsePost, type ParseOptions, type ParseOutcome } from '../parse/parse-post.ts';
import { digestOutcome, type DigestHead, type PostScratch } from '../parse/post-digest.ts';
import type { Problem } from '../../shared/types.ts';
import { storeKey, type PostStore } from '../incremental/post-store.ts';
import type { PostFileRef } from '../read-posts.ts';

/**
 * What the main thread gets of a file: its digest head (summary and warnings, or its problem) as the JSON
 * line the store keeps, which the main thread parses and records for the next build (see seen-files.ts).
 * Search tokens stay in the store until the index is written (at 200k posts they would take gigabytes).
 * A file that could not be read has no key: it is not recorded, and is read again next time.
 */
export interface IngestedFile {
  path: string;
  key?: string;
  head: string;
  /** Size and modification time when read, for the next build's check. */
  seen?: FileSeen;
}

/** A file's size and modification time (ms). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

/** A file's size, modification time and store key, as a build saw them. */
export interface FileSeen extends FileStamp {
  key: string;
}

/** A file to read. */
export type FileToIngest = PostFileRef;

/** `scratch`: the calling thread's (see PostScratch). */
export async function ingestFile(file: FileToIngest, settings: string, options: ParseOptions, store: PostStore, scratch: PostScratch): Promise<IngestedFile> {
  // Synchronous, as the disk store's reads (see post-store.ts): a post is a few KB.
  const read = readSafely(file.absolutePath);
  if (read instanceof Error) {
    const problem: Problem = { path: file.path, reason: 'unreadable', severity: 'error', detail: read.message };
    return { path: file.path, head: JSON.stringify({ problem } satisfies DigestHead) };
  }
  const { bytes, stat } = read;
  // The path is part of the key: dates and problems depend on it, not only on the bytes.
  const contentKey = storeKey(bytes, `${settings}\u0000${file.path}`);
  let stored = await store.find(contentKey);
  if (!stored) {
    const outcome = parseSafely(file, bytes, options, scratch);
    stored = await store.put(contentKey, outcome, digestOutcome(outcome, scratch));
  }
  return result(file.path, stored.key, stored.head, { size: stat.size, mtimeMs: stat.mtimeMs, key: stored.key });
}

/**
 * Same size and modification time as when last seen: taken to be the same bytes, as make and rsync do.
 * NaN (a file not statted, or not recorded) is the same as nothing.
 */
export function isSameStamp(size: number, mtimeMs: number, seenSize: number, seenMtimeMs: number): boolean {
  return size === seenSize && mtimeMs === seenMtimeMs;
}

function result(path: string, key: string, head: string, seen: FileSeen | undefined): IngestedFile {
  const file: IngestedFile = { path, key, head };
  if (seen) file.seen = seen;
  return file;
}

export function statSafely(path: string): FileStamp | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function parseSafely(file: PostFileRef, bytes: Uint8Array, options: ParseOptions, scratch: PostScratch): ParseOutcome {
  try {
    return parsePost(file.path, bytes, options, scratch.wallTimes);
  } catch (error) {
    // A parser bug must not stop the build either: the file is reported with the error, and the build goes on.
    return { problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: `internal error while parsing: ${(error as Error).message}` } };
  }
}

/** A file's bytes, with the size and time of the file opened: three calls to the system after its opening, not a stat of the path too. */
function readSafely(path: string): { bytes: Buffer; stat: { size: number; mtimeMs: number } } | Error {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    const bytes = Buffer.allocUnsafe(stat.size);
    let length = 0;
    // A file that shrank meanwhile is read to its end; one that grew, to the size it had.
    for (let got = 1; got > 0 && length < bytes.length; length += got) got = readSync(fd, bytes, length, bytes.length - length, null);
    return { bytes: length < bytes.length ? bytes.subarray(0, length) : bytes, stat };
  } catch (error) {
    return error as Error;
  } finally {
    // A failed close loses nothing read: it must not turn the file's outcome into a thrown error.
    if (fd !== undefined) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The descriptor is gone either way.
  }
}
