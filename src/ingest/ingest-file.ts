/**
 * One post file → its store key and digest: read from the store when this version of the file was seen
 * before, parsed (and stored) otherwise. Runs on the build's worker threads, or inline.
 *
 * A file whose size and modification time are those of the last build is taken to be the same file:
 * its key is reused without reading it (as make and rsync do), so that a rebuild of 200k posts does not
 * read and hash a gigabyte of unchanged posts.
 */
import { readFileSync, statSync } from 'node:fs';
import { parsePost, type ParseOptions, type ParseOutcome } from './parse-post.ts';
import { digestOutcome, headOf, type DigestHead, type PostSummary } from './post-digest.ts';
import type { Problem } from '../index-format/types.ts';
import { storeKey, type PostStore } from './post-store.ts';
import type { PostFileRef } from './read-posts.ts';

/**
 * What the main thread keeps of a file: its summary or its problem. Search tokens stay in the store until
 * the index is written (at 200k posts they would take gigabytes here).
 */
export type IngestedFile = ({ path: string; key?: string; problem: Problem } | { path: string; key: string; summary: PostSummary; warnings: Problem[] }) & {
  /** Size and modification time when read, for the next build's check. */
  seen?: FileSeen;
};

/** A file's size, modification time (ms) and store key, as a build saw them. */
export type FileSeen = [size: number, mtimeMs: number, key: string];

/** A post file, with what the last build saw of it. */
export type SeenFileRef = PostFileRef & { seen?: FileSeen };

export async function ingestFile(file: SeenFileRef, settings: string, options: ParseOptions, store: PostStore): Promise<IngestedFile> {
  const stat = statSafely(file.absolutePath);
  if (stat && file.seen && stat.size === file.seen[0] && stat.mtimeMs === file.seen[1]) {
    const head = await store.getHead(file.seen[2]);
    if (head) return result(file.path, file.seen[2], head, file.seen);
  }
  // Synchronous, as the disk store's reads (see post-store.ts): a post is a few KB.
  const bytes = readSafely(file.absolutePath);
  if (bytes instanceof Error) return { path: file.path, problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: bytes.message } };
  // The path is part of the key: dates and problems depend on it, not only on the bytes.
  const key = storeKey(bytes, `${settings}\u0000${file.path}`);
  const seen: FileSeen | undefined = stat ? [stat.size, stat.mtimeMs, key] : undefined;
  const head = await store.getHead(key);
  if (head) return result(file.path, key, head, seen);
  const outcome = parseSafely(file, bytes, options);
  const digest = digestOutcome(outcome);
  await store.put(key, outcome, digest);
  return result(file.path, key, headOf(digest), seen);
}

function result(path: string, key: string, head: DigestHead, seen: FileSeen | undefined): IngestedFile {
  const file: IngestedFile = 'problem' in head ? { path, key, problem: head.problem } : { path, key, summary: head.summary, warnings: head.warnings };
  if (seen) file.seen = seen;
  return file;
}

function statSafely(path: string): { size: number; mtimeMs: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function parseSafely(file: PostFileRef, bytes: Uint8Array, options: ParseOptions): ParseOutcome {
  try {
    return parsePost(file.path, bytes, options);
  } catch (error) {
    // A parser bug must not stop the build either: the file is reported with the error, and the build goes on.
    return { problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: `internal error while parsing: ${(error as Error).message}` } };
  }
}

function readSafely(path: string): Uint8Array | Error {
  try {
    return readFileSync(path);
  } catch (error) {
    return error as Error;
  }
}
