/**
 * Writes each post's extras (ExtrasBucket): its other reports of the same story (plan/same-story.ts)
 * and, for a post with few links of its own, further reading (plan/related-reading.ts), from the post
 * buckets as written. What they need of a post (signature, lead, links) depends on the post alone: it
 * is kept in the build cache with its bucket's size and time, and a bucket the build left as it was
 * (write-index.ts writes only buckets whose posts changed) is not read again. Extras files are written
 * only when they change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import {
  extrasBucketCount,
  extrasFile,
  GROUPS_FILE,
  INDEX_FORMAT_VERSION,
  shardFile,
  type MetaShard,
  type RowGroups,
  type ExtrasBucket,
  type Manifest,
  type PostBucket,
  type PostExtras,
  type PostFile,
  type StoryRef,
} from '../../shared/types.ts';
import { readDataText, writeDataFile, type DataCompression } from './data-file.ts';
import { findSameStories, MAX_SAME_STORY, storyPrint, storyTerms, type StoryItem } from '../plan/same-story.ts';
import { buildRowGroups } from '../plan/story-groups.ts';
import { findFurtherReading, LEAD_CHARACTERS, type ReadingItem } from '../plan/related-reading.ts';

export const EXTRAS_FOLDER = 'extras';
const CACHE_FILE = 'same-story-signatures.json';
/** Bumped when what a signature is made from changes: the cache is then made anew. */
const CACHE_VERSION = 4;

interface CachedBucket {
  size: number;
  mtimeMs: number;
  posts: CachedStory[];
}

/** What the extras keep of a post: the signature in base64 ('' for a text too short), with its count of shingles. */
type CachedStory = [
  id: string,
  title: string,
  date: string,
  tags: string[],
  signature: string,
  lead: string,
  links: string[],
  shingles: number,
  versions: string[],
];

export interface WrittenStoryExtras {
  posts: number;
  /** Posts listed with at least one other report. */
  grouped: number;
  /** Posts given further reading. */
  furtherReading: number;
  /** Post buckets read (the others' signatures came from the cache). */
  bucketsRead: number;
  written: number;
  unchanged: number;
  seconds: number;
}

/** A post's text for comparing: its title and its clean HTML's text. */
export function storyTextOf(post: Pick<PostFile, 'title' | 'html'>): string {
  return `${post.title}\n${decodeHTML(post.html.replace(/<[^>]*>/g, ' '))}`;
}

/** What the extras need of each post of a bucket: kept in the cache. */
export function storyItemsOf(bucket: PostBucket): CachedStory[] {
  return bucket.map((post) => {
    const text = storyTextOf(post);
    const print = storyPrint(text);
    const lead = text.slice(post.title.length + 1, post.title.length + 1 + LEAD_CHARACTERS);
    // The stories it links to: the archived copies' ids, or the links' URLs (only counted).
    const links = post.related.map((link) => link.archivedId ?? link.url);
    const signature = print ? Buffer.from(print.signature.buffer).toString('base64') : '';
    const versions = (post.versions ?? []).map((version) => version.id);
    return [post.id, post.title, post.date, post.tags.map((tag) => tag.key), signature, lead, links, print?.shingles ?? 0, versions];
  });
}

/** The same-story input of a cached post. */
export function storyItemOf([id, title, date, tags, signature, lead, , shingles]: CachedStory): StoryItem {
  return {
    id,
    title,
    time: Date.parse(date),
    signature: signature ? new Uint32Array(Uint8Array.from(Buffer.from(signature, 'base64')).buffer) : undefined,
    shingles,
    terms: storyTerms(title, lead),
    ...(tags[0] ? { outlet: tags[0] } : {}),
  };
}

export async function writeStoryExtras(dataRoot: string, cacheDir?: string): Promise<WrittenStoryExtras> {
  const started = performance.now();
  const manifest = JSON.parse(await readFile(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
  const cachePath = cacheDir && join(cacheDir, CACHE_FILE);
  const cache = loadCache(cachePath);
  const fresh: Record<string, CachedBucket> = {};
  let bucketsRead = 0;
  const postsRoot = join(dataRoot, 'posts');
  for (const folder of await readdir(postsRoot).catch(() => [] as string[])) {
    for (const name of await readdir(join(postsRoot, folder))) {
      const path = `${folder}/${name}`;
      const { size, mtimeMs } = await stat(join(postsRoot, path));
      const known = cache.buckets[path];
      if (known && known.size === size && known.mtimeMs === mtimeMs) fresh[path] = known;
      else {
        bucketsRead++;
        fresh[path] = { size, mtimeMs, posts: storyItemsOf(JSON.parse(await readDataText(join(postsRoot, path))) as PostBucket) };
      }
    }
  }
  // Nothing read, nothing gone, and the output there: the extras are what the last build wrote from
  // these same posts (a rebuild with no post changed skips the grouping, 2.7 → ~1 s at 5.4k posts).
  const unchangedPosts = bucketsRead === 0 && Object.keys(cache.buckets).length === Object.keys(fresh).length && cache.written !== undefined;
  if (unchangedPosts && (await outputIsThere(dataRoot))) {
    const files = extrasBucketCount(manifest.postBuckets);
    return { ...cache.written!, bucketsRead: 0, written: 0, unchanged: files, seconds: (performance.now() - started) / 1000 };
  }

  const refs = new Map<string, StoryRef>();
  const items: StoryItem[] = [];
  const reading: ReadingItem[] = [];
  const ownLinks = new Map<string, string[]>();
  const versionsOf = new Map<string, string[]>();
  for (const bucket of Object.values(fresh)) {
    for (const story of bucket.posts) {
      const [id, title, date, tags, , lead, links, , versions] = story;
      if (versions.length > 0) versionsOf.set(id, versions);
      refs.set(id, { id, title, date, tags });
      items.push(storyItemOf(story));
      reading.push({ id, title, lead, ownLinks: links.length });
      ownLinks.set(id, links);
    }
  }
  const found = findSameStories(items);
  // Further reading leaves out what the article lists already: its own links and its other reports.
  const further = findFurtherReading(reading, (id) => new Set([...(ownLinks.get(id) ?? []), ...(found.get(id) ?? []).map((other) => other.id)]));

  const files = new Map<string, ExtrasBucket>();
  for (let n = 0; n < extrasBucketCount(manifest.postBuckets); n++) files.set(`${EXTRAS_FOLDER}/${n}.json`, {});
  for (const id of [...new Set([...found.keys(), ...further.keys()])].sort()) {
    const extras: PostExtras = {};
    const others = found.get(id);
    if (others) extras.sameStory = others.slice(0, MAX_SAME_STORY).map((other) => refs.get(other.id)!);
    const suggested = further.get(id);
    if (suggested) extras.furtherReading = suggested.map((other) => refs.get(other)!);
    files.get(extrasFile(id, manifest.postBuckets))![id] = extras;
  }
  const groups: RowGroups = {
    version: INDEX_FORMAT_VERSION,
    ...buildRowGroups({ rowOf: await rowsOfPosts(dataRoot, manifest), versionsOf, sameStoryOf: found }),
  };
  const compression = manifest.compression ?? 'none';
  const groupsJson = JSON.stringify(groups);
  if ((await readDataText(join(dataRoot, GROUPS_FILE)).catch(() => undefined)) !== groupsJson)
    await writeDataFile(dataRoot, GROUPS_FILE, groupsJson, compression);
  const { written, unchanged } = await writeChanged(dataRoot, files, compression);
  if (cachePath) {
    await mkdir(cacheDir!, { recursive: true });
    const summary = { posts: items.length, grouped: found.size, furtherReading: further.size };
    await writeFile(cachePath, JSON.stringify({ version: CACHE_VERSION, buckets: fresh, written: summary } satisfies StoryCache));
  }
  return {
    posts: items.length,
    grouped: found.size,
    furtherReading: further.size,
    bucketsRead,
    written,
    unchanged,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Each post's row (counted from the oldest), from the metadata shards as written. */
async function rowsOfPosts(dataRoot: string, manifest: Manifest): Promise<Map<string, number>> {
  const rows = new Map<string, number>();
  for (let shard = 0; shard < manifest.shardCount; shard++) {
    const { posts } = JSON.parse(await readDataText(join(dataRoot, shardFile(shard)))) as MetaShard;
    posts.forEach((post, offset) => rows.set(post.id, shard * manifest.shardSize + offset));
  }
  return rows;
}

/** Writes the extras files whose JSON changed; removes those of a larger archive's bucket count. */
async function writeChanged(
  dataRoot: string,
  files: ReadonlyMap<string, ExtrasBucket>,
  compression: DataCompression,
): Promise<{ written: number; unchanged: number }> {
  await mkdir(join(dataRoot, EXTRAS_FOLDER), { recursive: true });
  let written = 0;
  let unchanged = 0;
  for (const [path, bucket] of files) {
    const json = JSON.stringify(bucket);
    if ((await readDataText(join(dataRoot, path)).catch(() => undefined)) === json) unchanged++;
    else {
      await writeDataFile(dataRoot, path, json, compression);
      written++;
    }
  }
  for (const name of await readdir(join(dataRoot, EXTRAS_FOLDER))) {
    if (!files.has(`${EXTRAS_FOLDER}/${name}`)) await rm(join(dataRoot, EXTRAS_FOLDER, name), { force: true });
  }
  return { written, unchanged };
}

/** The cache file: what the extras keep of each post bucket, and what the last build wrote from them. */
interface StoryCache {
  version: number;
  buckets: Record<string, CachedBucket>;
  written?: Pick<WrittenStoryExtras, 'posts' | 'grouped' | 'furtherReading'>;
}

function loadCache(path: string | undefined): StoryCache {
  const empty: StoryCache = { version: CACHE_VERSION, buckets: {} };
  if (!path || !existsSync(path)) return empty;
  try {
    const cache = JSON.parse(readFileSync(path, 'utf8')) as StoryCache;
    return cache.version === CACHE_VERSION ? cache : empty;
  } catch {
    return empty;
  }
}

/** Whether the extras' files are in the output (a data folder made anew has none). */
async function outputIsThere(dataRoot: string): Promise<boolean> {
  return (await stat(join(dataRoot, GROUPS_FILE)).catch(() => undefined)) !== undefined && existsSync(join(dataRoot, EXTRAS_FOLDER, '0.json'));
}
