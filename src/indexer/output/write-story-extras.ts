/**
 * Writes each post's extras (ExtrasBucket): its other reports of the same story (plan/same-story.ts)
 * and, for a post with few links of its own, further reading (plan/related-reading.ts), from the post
 * buckets as written. A post's story print (signature, name terms, lead) is made where the post is
 * parsed and kept with it in the post store (parse/post-digest.ts); what the extras need of a post is
 * kept in the build cache with its bucket's size and time, and a bucket the build left as it was
 * (write-index.ts writes only buckets whose posts changed) is not read again. Extras files are written
 * only when they change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
  type StoryRef,
} from '../../shared/types.ts';
import { readDataText, writeDataFile, type DataCompression } from './data-file.ts';
import type { PostStore } from '../incremental/post-store.ts';
import { findSameStories, MAX_SAME_STORY, parseStoryPrint, serializeStoryPrint, storyPrintOf, storyTextOfHtml, type StoryItem } from '../plan/same-story.ts';
import { buildRowGroups } from '../plan/story-groups.ts';
import { findFurtherReading, type ReadingItem } from '../plan/related-reading.ts';

export const EXTRAS_FOLDER = 'extras';
const CACHE_FILE = 'same-story-signatures.json';
/** Bumped when what the cache keeps of a post changes: the cache is then made anew. */
const CACHE_VERSION = 6;

interface CachedBucket {
  size: number;
  mtimeMs: number;
  posts: CachedStory[];
}

/**
 * What the extras keep of a post: its story print as its JSON line (see serializeStoryPrint), or '' when
 * the post store keeps it (read again by key: at 200k posts the prints would make this file ~300 MB),
 * its links and versions.
 */
type CachedStory = [id: string, title: string, date: string, tags: string[], print: string, links: string[], versions: string[]];

/** Where the build keeps the story prints its workers made: the post store, and each row's key in it. */
export interface StoryPrints {
  /** Every row's store key, in row order (oldest first), as the metadata shards list the posts. */
  keys: readonly string[];
  store: Pick<PostStore, 'getStory'>;
}

export interface WrittenStoryExtras {
  posts: number;
  /** Posts listed with at least one other report. */
  grouped: number;
  /** Posts given further reading. */
  furtherReading: number;
  /** Post buckets read (the others' signatures came from the cache). */
  bucketsRead: number;
  /** Story prints made here from a written post (the others came from the post store or the cache). */
  printsMade: number;
  written: number;
  unchanged: number;
  seconds: number;
}

/**
 * What the extras need of each post of a bucket. `printOf` gives a post's story print as the post store
 * keeps it; without one (an older store entry, no store) it is made here from the written post.
 * `stored` tells which prints came from the store: the cache keeps only the others' (see CachedStory).
 */
export async function storyItemsOf(
  bucket: PostBucket,
  printOf: (id: string) => Promise<string | undefined> = async () => undefined,
): Promise<{ stories: CachedStory[]; made: number; stored: boolean[] }> {
  let made = 0;
  const stored: boolean[] = [];
  const stories = await Promise.all(
    bucket.map(async (post, at): Promise<CachedStory> => {
      let print = await printOf(post.id);
      stored[at] = print !== undefined && parseStoryPrint(print) !== undefined;
      if (!stored[at]) {
        made++;
        print = serializeStoryPrint(storyPrintOf(post.title, storyTextOfHtml(post.html)));
      }
      // The stories it links to: the archived copies' ids, or the links' URLs (only counted).
      const links = post.related.map((link) => link.archivedId ?? link.url);
      const versions = (post.versions ?? []).map((version) => version.id);
      return [post.id, post.title, post.date, post.tags.map((tag) => tag.key), print!, links, versions];
    }),
  );
  return { stories, made, stored };
}

/** The same-story input of a post, and its lead. */
export function storyItemOf([id, title, date, tags, line]: CachedStory, print = parseStoryPrint(line)!): StoryItem & { lead: string } {
  return {
    id,
    title,
    time: Date.parse(date),
    signature: print.signature,
    shingles: print.shingles,
    terms: print.terms,
    lead: print.lead,
    ...(tags[0] ? { outlet: tags[0] } : {}),
  };
}

export async function writeStoryExtras(dataRoot: string, cacheDir?: string, prints?: StoryPrints): Promise<WrittenStoryExtras> {
  const started = performance.now();
  const manifest = JSON.parse(await readFile(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
  const cachePath = cacheDir && join(cacheDir, CACHE_FILE);
  const cache = loadCache(cachePath);
  const fresh: Record<string, CachedBucket> = {};
  let bucketsRead = 0;
  let printsMade = 0;
  // Each post's row, read from the shards once when first needed (a bucket read, or the groups).
  let rows: Map<string, number> | undefined;
  const rowOf = async () => (rows ??= await rowsOfPosts(dataRoot, manifest));
  const printOf = async (id: string) => {
    const row = prints && (await rowOf()).get(id);
    const key = row === undefined ? undefined : prints!.keys[row];
    return key === undefined ? undefined : prints!.store.getStory(key);
  };
  const postsRoot = join(dataRoot, 'posts');
  const lines = new Map<string, string>();
  const readBucket = async (path: string, size: number, mtimeMs: number): Promise<CachedBucket> => {
    bucketsRead++;
    const { stories, made, stored } = await storyItemsOf(JSON.parse(await readDataText(join(postsRoot, path))) as PostBucket, printOf);
    printsMade += made;
    for (const story of stories) lines.set(story[0], story[4]);
    return { size, mtimeMs, posts: stories.map((story, at) => (stored[at] ? [...story.slice(0, 4), '', ...story.slice(5)] : story) as CachedStory) };
  };
  for (const folder of await readdir(postsRoot).catch(() => [] as string[])) {
    for (const name of await readdir(join(postsRoot, folder))) {
      const path = `${folder}/${name}`;
      const { size, mtimeMs } = await stat(join(postsRoot, path));
      const known = cache.buckets[path];
      if (known && known.size === size && known.mtimeMs === mtimeMs) fresh[path] = known;
      else fresh[path] = await readBucket(path, size, mtimeMs);
    }
  }
  // Nothing read, nothing gone, and the output there: the extras are what the last build wrote from
  // these same posts (a rebuild with no post changed skips the grouping, 2.7 → ~1 s at 5.4k posts).
  const unchangedPosts = bucketsRead === 0 && Object.keys(cache.buckets).length === Object.keys(fresh).length && cache.written !== undefined;
  if (unchangedPosts && (await outputIsThere(dataRoot))) {
    const files = extrasBucketCount(manifest.postBuckets);
    return { ...cache.written!, bucketsRead: 0, printsMade: 0, written: 0, unchanged: files, seconds: (performance.now() - started) / 1000 };
  }

  const refs = new Map<string, StoryRef>();
  const items: StoryItem[] = [];
  const reading: ReadingItem[] = [];
  const ownLinks = new Map<string, string[]>();
  const versionsOf = new Map<string, string[]>();
  for (const [path, cached] of Object.entries(fresh)) {
    // Each post's print: read this build, kept in the cache, or from the store by its key.
    const printsOf = (bucket: CachedBucket) => Promise.all(bucket.posts.map(async ([id, , , , line]) => (line || lines.get(id)) ?? (await printOf(id)) ?? ''));
    let bucket = cached;
    let bucketPrints = (await printsOf(bucket)).map((line) => parseStoryPrint(line));
    // A print the store does not have (no store given, or an entry gone): the bucket is read again.
    if (bucketPrints.some((print) => print === undefined)) {
      bucket = fresh[path] = await readBucket(path, cached.size, cached.mtimeMs);
      bucketPrints = (await printsOf(bucket)).map((line) => parseStoryPrint(line));
    }
    for (const [at, story] of bucket.posts.entries()) {
      const [id, title, date, tags, , links, versions] = story;
      if (versions.length > 0) versionsOf.set(id, versions);
      refs.set(id, { id, title, date, tags });
      const item = storyItemOf(story, bucketPrints[at]!);
      items.push(item);
      reading.push({ id, title, lead: item.lead, ownLinks: links.length });
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
    ...buildRowGroups({ rowOf: await rowOf(), versionsOf, sameStoryOf: found }),
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
    printsMade,
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
