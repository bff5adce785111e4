/**
 * The whole build-time pipeline: list → read → parse → index. The Vite plugin and the benchmarks call this.
 */
import { readFile } from 'node:fs/promises';
import type { Problem } from '../index-format/types.ts';
import { assertTimeZone } from '../index-format/days.ts';
import { buildIndex, summarizePost, type BuiltIndex, type PostSummary } from './build-index.ts';
import { parsePost, type ParseOptions, type ParseOutcome } from './parse-post.ts';
import { memoryStore, storeKey, type PostStore } from './post-store.ts';
import { LOCAL_ASSET_PATH } from './urls.ts';
import { listPostFiles, type PostFileRef } from './read-posts.ts';

export interface IngestOptions {
  postsDir: string;
  /** @default 'Asia/Taipei' */
  timeZone?: string;
  shardSize?: number;
  /** Public URL of the site's `archive-assets/` folder, e.g. `/` + `archive-assets/`. @default '/archive-assets/' */
  assetBase?: string;
  /**
   * Where parsed posts wait until their files are written; a disk store doubles as the cache that
   * makes rebuilds incremental. @default a fresh in-memory store
   */
  store?: PostStore;
  /** Folded into every store key: a fingerprint of the parser's source (see sourceFingerprint). */
  codeVersion?: string;
}

export const DEFAULT_TIME_ZONE = 'Asia/Taipei';

/** Files read at once: enough to keep the disk busy while the CPU parses, few enough to bound memory. */
const READ_CONCURRENCY = 32;

export async function ingestPosts(options: IngestOptions): Promise<BuiltIndex> {
  const startedAt = Date.now();
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const files = await listPostFiles(options.postsDir);
  const parseOptions: ParseOptions = { timeZone, assetBase: options.assetBase ?? LOCAL_ASSET_PATH };
  const settings = JSON.stringify({ ...parseOptions, code: options.codeVersion ?? '' });
  const store = options.store ?? memoryStore();
  const posts: PostSummary[] = [];
  const problems: Problem[] = [];
  const used = new Set<string>();

  await forEachFile(files, async (file) => {
    const bytes = await readFile(file.absolutePath).catch((error: Error) => error);
    if (bytes instanceof Error) {
      problems.push({ path: file.path, reason: 'unreadable', severity: 'error', detail: bytes.message });
      return;
    }
    // The path is part of the key: dates and problems depend on it, not only on the bytes.
    const key = storeKey(bytes, `${settings}\u0000${file.path}`);
    used.add(key);
    let outcome = await store.get(key);
    if (!outcome) {
      outcome = parseSafely(file, bytes, parseOptions);
      await store.put(key, outcome);
    }
    if ('problem' in outcome) problems.push(outcome.problem);
    else {
      posts.push(summarizePost(outcome.post, key));
      problems.push(...outcome.warnings);
    }
  });
  await store.prune(used);

  return buildIndex({
    posts,
    loadPost: async (key) => {
      const outcome = await store.get(key);
      if (!outcome || !('post' in outcome)) throw new Error(`post ${key} vanished from the store during the build`);
      return outcome.post;
    },
    problems,
    filesSeen: files.length,
    postsDir: options.postsDir,
    timeZone,
    startedAt,
    shardSize: options.shardSize,
  });
}

function parseSafely(file: PostFileRef, bytes: Uint8Array, options: ParseOptions): ParseOutcome {
  try {
    return parsePost(file.path, bytes, options);
  } catch (error) {
    // A parser bug must not stop the build either: the file is reported with the error, and the build goes on.
    return { problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: `internal error while parsing: ${(error as Error).message}` } };
  }
}

async function forEachFile(files: PostFileRef[], work: (file: PostFileRef) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) await work(files[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
}
