/**
 * The extras' cache of post buckets (story-extras.ndjson in the build cache): what the extras keep of each
 * post of a bucket (its links, versions and, when the post store had none, its story print), with the
 * bucket's size and time, so that a bucket the build left as it was is not read again. A bucket the build
 * wrote is not read either: its writer reports what the extras keep of it (WrittenBuckets).
 */
import { createWriteStream, existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import type { PostFile } from '../../shared/types.ts';
import { parseStoryPrint, serializeStoryPrint, storyPrintOf, storyTextOfHtml, type StoryItem, type StoryPrint } from '../plan/same-story.ts';
import { FEW_OWN_LINKS } from '../plan/related-reading.ts';
import { ShingleScratch } from '../plan/shingle-hashes.ts';
import { readCacheFile } from './data-file.ts';

/** The extras cache: a header line, then a line a post bucket (see CacheLine). */
export const EXTRAS_CACHE_FILE = 'story-extras.ndjson';
/** The cache of earlier versions (one JSON string of everything): removed when found. */
export const OLD_EXTRAS_CACHE_FILE = 'same-story-signatures.json';
/** Bumped when what the cache keeps of a post changes: the cache is then made anew. */
const CACHE_VERSION = 7;

/**
 * What the extras keep of a post from its bucket: its own related links' count, the archived posts it
 * links to (only for a post with fewer than FEW_OWN_LINKS: the others get no further reading), its
 * other versions' ids, and its story print's line when the post store had none (made here).
 */
export interface CachedPost {
  id: string;
  links: number;
  archived?: string[];
  versions?: string[];
  print?: string;
}

export interface CachedBucket {
  size: number;
  mtimeMs: number;
  /** Replaced whole, never edited in place: saveCache tells a changed bucket by this array's identity. */
  posts: readonly Readonly<CachedPost>[];
}

/** A cache file's line after the header: a post bucket's path, size, time and posts. */
type CacheLine = [path: string, size: number, mtimeMs: number, posts: CachedBucket['posts']];

/** The fields of a post file the extras take: the one input of extrasPostOf. */
export type ExtrasFields = Pick<PostFile, 'id' | 'related' | 'versions'>;

/**
 * The post buckets this build wrote, a CacheLine each (keyed by postBucketKey), made by their writers from
 * the posts they wrote (writtenBucketLine): what the extras would otherwise read back from each file.
 */
export type WrittenBuckets = readonly string[];

/** The print of a post whose text is unknown: no signature, no terms. */
export const NO_PRINT: StoryPrint = { signature: undefined, shingles: 0, terms: { hashes: new Uint32Array(0), counts: new Uint8Array(0) }, lead: '' };

/**
 * What the extras keep of each post of a bucket. `hasPrint` tells whether the post store keeps a story
 * print of the post that parses (of this version, not damaged); without one, it is made here from the
 * written post and kept.
 */
export async function cachedPostsOf(
  bucket: readonly Readonly<PostFile>[],
  hasPrint: (id: string) => Promise<boolean> = async () => false,
): Promise<{ posts: CachedPost[]; made: number }> {
  let made = 0;
  // Made only for a bucket with a print to make (an old cache): most have all theirs.
  let scratch: ShingleScratch | undefined;
  const posts = await Promise.all(
    bucket.map(async (post): Promise<CachedPost> => {
      const cached = extrasPostOf(post);
      if (!(await hasPrint(post.id))) {
        made++;
        cached.print = serializeStoryPrint(storyPrintOf(post.title, storyTextOfHtml(post.html), (scratch ??= new ShingleScratch())));
      }
      return cached;
    }),
  );
  return { posts, made };
}

/**
 * What the extras keep of a post but its print: the one rule, for a bucket read back (cachedPostsOf) and
 * for one being written (writtenBucketLine), so that the two cannot differ.
 */
export function extrasPostOf(post: ExtrasFields): CachedPost {
  const cached: CachedPost = { id: post.id, links: post.related.length };
  // An id is never a URL: only the archived copies' ids can be left out of further reading.
  const archived = post.related.length < FEW_OWN_LINKS ? post.related.flatMap((link) => (link.archivedId ? [link.archivedId] : [])) : [];
  if (archived.length > 0) cached.archived = archived;
  if (post.versions?.length) cached.versions = post.versions.map((version) => version.id);
  return cached;
}

/** A written bucket's line (see WrittenBuckets): its key (postBucketKey), its file's size and time, and its posts as written. */
export function writtenBucketLine(path: string, size: number, mtimeMs: number, posts: readonly ExtrasFields[]): string {
  return JSON.stringify([path, size, mtimeMs, posts.map(extrasPostOf)] satisfies CacheLine);
}

/**
 * The buckets this build wrote, by key (postBucketKey): each as the cache would hold it, with no print
 * (the store's are asked for), and saved from its line as it came.
 */
export function writtenBucketsOf(lines: WrittenBuckets): Map<string, CachedBucket> {
  const buckets = new Map<string, CachedBucket>();
  for (const line of lines) {
    const [path, size, mtimeMs, posts] = JSON.parse(line) as CacheLine;
    const bucket = { size, mtimeMs, posts };
    buckets.set(path, bucket);
    linesRead.set(bucket, { path, size, mtimeMs, posts, line });
  }
  return buckets;
}

/** The same-story inputs of a bucket's posts (their prints from `printOf`, or made here), with their leads. */
export async function storyItemsOf(
  bucket: readonly Readonly<PostFile>[],
  printOf: (id: string) => Promise<string | undefined> = async () => undefined,
): Promise<{ items: (StoryItem & { lead: string })[]; made: number }> {
  const stored = new Map<string, StoryPrint>();
  for (const post of bucket) {
    const line = await printOf(post.id);
    const print = line === undefined ? undefined : parseStoryPrint(line);
    if (print) stored.set(post.id, print);
  }
  const { posts, made } = await cachedPostsOf(bucket, async (id) => stored.has(id));
  const items = bucket.map((post, at) => {
    const print = stored.get(post.id) ?? parseStoryPrint(posts[at]!.print!)!;
    const outlet = post.tags[0]?.key;
    return { id: post.id, title: post.title, time: Date.parse(post.date), ...print, ...(outlet ? { outlet } : {}) };
  });
  return { items, made };
}

/** The cache: what the extras keep of each post bucket, and what the last build wrote from them. */
export interface StoryCache {
  buckets: Map<string, CachedBucket>;
  written?: { posts: number; grouped: number; furtherReading: number };
  /** The extras' code that wrote them (see extrasCode): other code, other extras from the same posts. */
  code?: string;
}

/** Reads the cache, then parses it a line at a time; an absent, damaged or older cache is an empty one. */
export function loadCache(path: string | undefined): StoryCache {
  const cache: StoryCache = { buckets: new Map() };
  if (!path || !existsSync(path)) return cache;
  try {
    // Read whole: a line reader's stream and events cost more than the text held at once.
    const lines = readCacheFile(path).toString('utf8').split('\n');
    const header = JSON.parse(lines[0]!) as { version: number; written: StoryCache['written']; code?: string };
    if (header.version !== CACHE_VERSION) return cache;
    cache.written = header.written;
    if (header.code) cache.code = header.code;
    for (let at = 1; at < lines.length; at++) {
      const line = lines[at]!;
      if (line === '') continue;
      const [bucket, size, mtimeMs, posts] = JSON.parse(line) as CacheLine;
      const loaded = { size, mtimeMs, posts };
      cache.buckets.set(bucket, loaded);
      linesRead.set(loaded, { path: bucket, size, mtimeMs, posts, line });
    }
    return cache;
  } catch {
    return { buckets: new Map() };
  }
}

/**
 * Each bucket as loadCache read it (or as its writer reported it, writtenBucketsOf), with its line: saved
 * again as it was read when nothing of it changed (an edit leaves all but a few of the 16k buckets at 64k
 * posts), not made again by JSON.stringify.
 * Weak: a changed bucket's line goes with its loaded object, once the cache's map lets that go.
 */
const linesRead = new WeakMap<CachedBucket, CachedBucket & { path: string; line: string }>();

/** A bucket's line of the cache file: the line it was read from while its path, stats and posts are the same. */
function lineOf(path: string, bucket: CachedBucket): string {
  const { size, mtimeMs, posts } = bucket;
  const read = linesRead.get(bucket);
  if (read && read.path === path && read.size === size && read.mtimeMs === mtimeMs && read.posts === posts) return read.line;
  return JSON.stringify([path, size, mtimeMs, posts] satisfies CacheLine);
}

/** Characters of the cache's lines written at once. */
const WRITE_PIECE = 1 << 20;

/** Writes the cache a line a bucket (one string of all of it was ~100 MB at 200k posts), then puts it in place. */
export async function saveCache(path: string, { written, code }: Omit<StoryCache, 'buckets'>, buckets: ReadonlyMap<string, CachedBucket>): Promise<void> {
  const partial = `${path}.partial`;
  const out = createWriteStream(partial, 'utf8');
  // Lines gathered into pieces of about WRITE_PIECE characters: a write (and a wait for the stream) a line cost more.
  let piece = '';
  // A wait only when the stream asks for one: not a promise a line.
  const write = (line: string) => {
    piece += `${line}\n`;
    if (piece.length < WRITE_PIECE) return undefined;
    const full = piece;
    piece = '';
    return out.write(full) ? undefined : once(out, 'drain');
  };
  await write(JSON.stringify({ version: CACHE_VERSION, written, code }));
  for (const [bucket, cached] of buckets) {
    const drained = write(lineOf(bucket, cached));
    if (drained) await drained;
  }
  out.end(piece);
  await once(out, 'finish');
  await rename(partial, path);
}
