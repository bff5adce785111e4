/**
 * One post file → its store key and digest: read from the store when this version of the file was seen
 * before, parsed (and stored) otherwise. Runs on the build's worker threads, or inline.
 */
import { readFileSync } from 'node:fs';
import { parsePost, type ParseOptions, type ParseOutcome } from './parse-post.ts';
import { digestOutcome, type PostSummary } from './post-digest.ts';
import type { Problem } from '../index-format/types.ts';
import { storeKey, type PostStore } from './post-store.ts';
import type { PostFileRef } from './read-posts.ts';

/**
 * What the main thread keeps of a file: its summary or its problem. Search tokens stay in the store until
 * the index is written (at 200k posts they would take gigabytes here).
 */
export type IngestedFile = { path: string; key?: string; problem: Problem } | { path: string; key: string; summary: PostSummary; warnings: Problem[] };

export async function ingestFile(file: PostFileRef, settings: string, options: ParseOptions, store: PostStore): Promise<IngestedFile> {
  // Synchronous, as the disk store's reads (see post-store.ts): a post is a few KB.
  const bytes = readSafely(file.absolutePath);
  if (bytes instanceof Error) return { path: file.path, problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: bytes.message } };
  // The path is part of the key: dates and problems depend on it, not only on the bytes.
  const key = storeKey(bytes, `${settings}\u0000${file.path}`);
  let digest = await store.getDigest(key);
  if (!digest) {
    const outcome = parseSafely(file, bytes, options);
    digest = digestOutcome(outcome);
    await store.put(key, outcome, digest);
  }
  if ('problem' in digest) return { path: file.path, key, problem: digest.problem };
  return { path: file.path, key, summary: digest.summary, warnings: digest.warnings };
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
