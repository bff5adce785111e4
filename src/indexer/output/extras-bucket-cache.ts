/**
 * The extras' cache of post buckets (story-extras.bin in the build cache): what the extras keep of each
 * post of a bucket (its links, versions and, when the post store had none, its story print), with the
 * bucket's size and time, so that a bucket the build left as it was is not read again. A bucket the build
 * wrote is not read either: its writer reports what the extras keep of it (WrittenBuckets).
 *
 * The cache is saved under the build id of the output whose buckets it holds (Header.output), and the
 * output's record names that id in the same transaction as its state (last-build.ts): over that same
 * output, the buckets a build did not write are the cache's, and none is stat'ed (the folder is only
 * listed, see OutputBuilds).
 */
import { existsSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { PostFile } from '../../shared/types.ts';
import { parseStoryPrint, serializeStoryPrint, storyPrintOf, storyTextOfHtml, type StoryItem, type StoryPrint } from '../plan/same-story.ts';
import { FEW_OWN_LINKS } from '../plan/related-reading.ts';
import { ShingleScratch } from '../plan/shingle-hashes.ts';
import { ownBuffer, readCacheFile, readSections, sectionChunks, type SectionsHeader } from './data-file.ts';

/** The extras cache: a header, then its sections (see Header). */
export const EXTRAS_CACHE_FILE = 'story-extras.bin';
/**
 * The caches of earlier versions (one JSON string of everything; a JSON line a bucket), and the file that
 * named a later output beside the cache (now the output's record does): removed when found.
 */
export const OLD_EXTRAS_CACHE_FILES = ['same-story-signatures.json', 'story-extras.ndjson', 'story-extras.output'];
/** Bumped when what the cache keeps of a post changes: the cache is then made anew. */
const CACHE_VERSION = 10;

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
  posts: readonly Readonly<CachedPost>[];
}

/** A written bucket as its writer reports it (see WrittenBuckets): its path, size, time and posts. */
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
 * (the store's are asked for).
 */
export function writtenBucketsOf(lines: WrittenBuckets): Map<string, CachedBucket> {
  const buckets = new Map<string, CachedBucket>();
  for (const line of lines) {
    const [path, size, mtimeMs, posts] = JSON.parse(line) as CacheLine;
    buckets.set(path, { size, mtimeMs, posts });
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
  /** The build id of the output the cache was saved for (see Header.output). */
  savedFor?: string;
}

/**
 * The output a build writes over and the one it leaves, as write-index.ts knows them before the extras: when
 * `last` is the id the cache was saved for, the buckets on disk are the cache's but for those this build
 * wrote (reported) or `emptied`. The folder is trusted by its id: hand edits of a bucket's bytes are not
 * seen (a bucket removed or added by hand is: the folder is still listed, and a listing that disagrees
 * with the cache sends the build to the buckets' stats).
 */
export interface OutputBuilds {
  /**
   * The id the bucket cache was saved for (Header.output) whose buckets are the output's as the last build
   * left it, as the output's record names it (LastOutput.bucketCache); undefined when this build did not
   * trust the output's state (a folder written anew) or the record names none.
   */
  last: string | undefined;
  /** The build id this build's output will carry once its state is saved. */
  next: string;
  /** The buckets (keys, see postBucketKey) this build leaves without a post: removed after the extras. */
  emptied: readonly string[];
}

/**
 * The cache file, in the layout of the cache's files of sections (see readSections in data-file.ts): the
 * header, then every bucket's path, size and time and post count, every post's id and links' count, and
 * the few posts' other fields (archived, versions, print) as JSON: no JSON a bucket to parse.
 */
interface Header extends SectionsHeader {
  version: number;
  written: StoryCache['written'];
  code?: string;
  /** The build id of the output whose buckets these were when saved (see OutputBuilds.next). */
  output?: string;
}

/**
 * The sections in file order: the buckets' paths (joined by line breaks), sizes and times (float64), post
 * counts (32-bit); the posts' ids (joined, UTF-16: CJK mostly, decoded by a copy), links' counts (32-bit);
 * the posts with other fields, as a JSON list of [post number, fields].
 */
const SECTIONS = ['paths', 'sizes', 'times', 'counts', 'ids', 'links', 'others'] as const;
type OtherFields = Pick<CachedPost, 'archived' | 'versions' | 'print'>;

/** Bucket paths and post ids are file names: never a line break. */
const SEPARATOR = '\n';

/** Reads the cache; an absent, damaged or older cache is an empty one. */
export function loadCache(path: string | undefined): StoryCache {
  const empty: StoryCache = { buckets: new Map() };
  if (!path || !existsSync(path)) return empty;
  try {
    const read = readSections<Header, (typeof SECTIONS)[number]>(readCacheFile(path), SECTIONS);
    if (read?.header.version !== CACHE_VERSION) return empty;
    const { header, sections } = read;
    const paths = linesOf(sections.paths, 'utf8');
    const ids = linesOf(sections.ids, 'utf16le');
    // Copied out of the file: a float64 section need not start at a multiple of 8 bytes.
    const sizes = new Float64Array(ownBuffer(sections.sizes));
    const times = new Float64Array(ownBuffer(sections.times));
    const counts = new Uint32Array(ownBuffer(sections.counts));
    const links = new Uint32Array(ownBuffer(sections.links));
    // Sections that disagree on the buckets or the posts: not this writer's file.
    if (![sizes.length, times.length, counts.length].every((length) => length === paths.length) || links.length !== ids.length) return empty;
    const others = new Map(JSON.parse(sections.others.toString('utf8')) as [number, OtherFields][]);
    const cache: StoryCache = {
      buckets: new Map(),
      written: header.written,
      ...(header.code ? { code: header.code } : {}),
      ...(header.output ? { savedFor: header.output } : {}),
    };
    let post = 0;
    for (let bucket = 0; bucket < paths.length; bucket++) {
      const posts: CachedPost[] = [];
      for (const end = post + counts[bucket]!; post < end; post++) {
        if (post >= ids.length) return empty;
        posts.push({ id: ids[post]!, links: links[post]!, ...others.get(post) });
      }
      cache.buckets.set(paths[bucket]!, { size: sizes[bucket]!, mtimeMs: times[bucket]!, posts });
    }
    return post === ids.length ? cache : empty;
  } catch {
    return empty;
  }
}

/** A section of joined names, split. */
function linesOf(bytes: Buffer, encoding: BufferEncoding): string[] {
  return bytes.length === 0 ? [] : bytes.toString(encoding).split(SEPARATOR);
}

/** Writes the cache (see Header) beside its path, then puts it in place. */
export async function saveCache(
  path: string,
  { written, code, output }: Omit<StoryCache, 'buckets' | 'savedFor'> & { output?: string },
  buckets: ReadonlyMap<string, CachedBucket>,
): Promise<void> {
  const sizes = new Float64Array(buckets.size);
  const times = new Float64Array(buckets.size);
  const counts = new Uint32Array(buckets.size);
  let postCount = 0;
  for (const { posts } of buckets.values()) postCount += posts.length;
  const ids: string[] = [];
  const links = new Uint32Array(postCount);
  const others: [number, OtherFields][] = [];
  let bucket = 0;
  let post = 0;
  for (const { size, mtimeMs, posts } of buckets.values()) {
    sizes[bucket] = size;
    times[bucket] = mtimeMs;
    counts[bucket] = posts.length;
    bucket++;
    for (const { id, links: count, archived, versions, print } of posts) {
      if (archived || versions || print !== undefined) others.push([post, { archived, versions, print }]);
      ids.push(id);
      links[post++] = count;
    }
  }
  const bytesOf = (view: ArrayBufferView) => new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  const parts: Record<(typeof SECTIONS)[number], Uint8Array> = {
    paths: Buffer.from([...buckets.keys()].join(SEPARATOR)),
    sizes: bytesOf(sizes),
    times: bytesOf(times),
    counts: bytesOf(counts),
    ids: Buffer.from(ids.join(SEPARATOR), 'utf16le'),
    links: bytesOf(links),
    others: Buffer.from(JSON.stringify(others)),
  };
  const header: Omit<Header, 'sections'> = { version: CACHE_VERSION, written, ...(code ? { code } : {}), ...(output ? { output } : {}) };
  await writeFile(`${path}.partial`, sectionChunks(header, SECTIONS, parts));
  await rename(`${path}.partial`, path);
}
