/**
 * The whole build-time pipeline: list → read → parse → index. The Vite plugin and the benchmarks call this.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Problem } from '../index-format/types.ts';
import { assertTimeZone } from '../index-format/days.ts';
import { buildIndex, type BuiltIndex } from './build-index.ts';
import { parsePost, type ParsedPost, type ParseOptions, type ParseOutcome } from './parse-post.ts';
import { LOCAL_ASSET_PATH } from './urls.ts';
import { listPostFiles, type PostFileRef } from './read-posts.ts';

export interface IngestOptions {
  postsDir: string;
  /** @default 'Asia/Taipei' */
  timeZone?: string;
  shardSize?: number;
  /** Public URL of the site's `archive-assets/` folder, e.g. `/` + `archive-assets/`. @default '/archive-assets/' */
  assetBase?: string;
  /** Parse results kept between runs of a long-lived process (vite dev); unchanged files are not parsed again. */
  cache?: ParseCache;
}

/** Path → the file's size and mtime when parsed, and the outcome. */
export type ParseCache = Map<string, { size: number; mtimeMs: number; settings: string; outcome: ParseOutcome }>;

export const DEFAULT_TIME_ZONE = 'Asia/Taipei';

/** Files read at once: enough to keep the disk busy while the CPU parses, few enough to bound memory. */
const READ_CONCURRENCY = 32;

export async function ingestPosts(options: IngestOptions): Promise<BuiltIndex> {
  const startedAt = Date.now();
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const files = await listPostFiles(options.postsDir);
  const posts: ParsedPost[] = [];
  const problems: Problem[] = [];
  const parseOptions: ParseOptions = { timeZone, assetBase: options.assetBase ?? LOCAL_ASSET_PATH };
  const cache = options.cache;
  const live = new Set<string>();
  await forEachFile(files, async (file) => {
    live.add(file.path);
    const outcome = cache ? await ingestFileCached(file, parseOptions, cache) : await ingestFile(file, parseOptions);
    if ('problem' in outcome) problems.push(outcome.problem);
    else {
      posts.push(outcome.post);
      problems.push(...outcome.warnings);
    }
  });
  if (cache) for (const path of cache.keys()) if (!live.has(path)) cache.delete(path);
  return buildIndex({ posts, problems, filesSeen: files.length, postsDir: options.postsDir, timeZone, startedAt, shardSize: options.shardSize });
}

export async function ingestFile(file: PostFileRef, options: ParseOptions): Promise<ParseOutcome> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file.absolutePath);
  } catch (error) {
    return { problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: (error as Error).message } };
  }
  try {
    return parsePost(file.path, bytes, options);
  } catch (error) {
    // A parser bug must not stop the build either: the file is reported with the error, and the build goes on.
    return { problem: { path: file.path, reason: 'unreadable', severity: 'error', detail: `internal error while parsing: ${(error as Error).message}` } };
  }
}

async function ingestFileCached(file: PostFileRef, options: ParseOptions, cache: ParseCache): Promise<ParseOutcome> {
  const info = await stat(file.absolutePath).catch(() => undefined);
  const cached = cache.get(file.path);
  const settings = JSON.stringify(options);
  if (info && cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs && cached.settings === settings) return cached.outcome;
  const outcome = await ingestFile(file, options);
  if (info) cache.set(file.path, { size: info.size, mtimeMs: info.mtimeMs, settings, outcome });
  return outcome;
}

async function forEachFile(files: PostFileRef[], work: (file: PostFileRef) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < files.length) await work(files[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
}
