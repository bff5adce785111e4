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
  type ExtrasBucket,
  type Manifest,
  type PostBucket,
  type PostExtras,
  type PostFile,
  type StoryRef,
} from '../../shared/types.ts';
import { readDataText, writeDataFile, type DataCompression } from './data-file.ts';
import { findSameStories, MAX_SAME_STORY, storySignature, type StoryItem } from '../plan/same-story.ts';
import { findFurtherReading, LEAD_CHARACTERS, type ReadingItem } from '../plan/related-reading.ts';

export const EXTRAS_FOLDER = 'extras';
const CACHE_FILE = 'same-story-signatures.json';
/** Bumped when what a signature is made from changes: the cache is then made anew. */
const CACHE_VERSION = 2;

interface CachedBucket {
  size: number;
  mtimeMs: number;
  posts: [id: string, title: string, date: string, tags: string[], signature: string, lead: string, links: string[]][];
}

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
export function storyItemsOf(bucket: PostBucket): CachedBucket['posts'] {
  return bucket.map((post) => {
    const text = storyTextOf(post);
    const signature = storySignature(text);
    const lead = text.slice(post.title.length + 1, post.title.length + 1 + LEAD_CHARACTERS);
    // The stories it links to: the archived copies' ids, or the links' URLs (only counted).
    const links = post.related.map((link) => link.archivedId ?? link.url);
    return [post.id, post.title, post.date, post.tags.map((tag) => tag.key), signature ? Buffer.from(signature.buffer).toString('base64') : '', lead, links];
  });
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
      const known = cache[path];
      if (known && known.size === size && known.mtimeMs === mtimeMs) fresh[path] = known;
      else {
        bucketsRead++;
        fresh[path] = { size, mtimeMs, posts: storyItemsOf(JSON.parse(await readDataText(join(postsRoot, path))) as PostBucket) };
      }
    }
  }
  if (cachePath) {
    await mkdir(cacheDir!, { recursive: true });
    await writeFile(cachePath, JSON.stringify({ version: CACHE_VERSION, buckets: fresh }));
  }

  const refs = new Map<string, StoryRef>();
  const items: StoryItem[] = [];
  const reading: ReadingItem[] = [];
  const ownLinks = new Map<string, string[]>();
  for (const bucket of Object.values(fresh)) {
    for (const [id, title, date, tags, signature, lead, links] of bucket.posts) {
      refs.set(id, { id, title, date, tags });
      items.push({
        id,
        title,
        time: Date.parse(date),
        signature: signature ? new Uint32Array(Uint8Array.from(Buffer.from(signature, 'base64')).buffer) : undefined,
      });
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
  const { written, unchanged } = await writeChanged(dataRoot, files, manifest.compression ?? 'none');
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

function loadCache(path: string | undefined): Record<string, CachedBucket> {
  if (!path || !existsSync(path)) return {};
  try {
    const cache = JSON.parse(readFileSync(path, 'utf8')) as { version: number; buckets: Record<string, CachedBucket> };
    return cache.version === CACHE_VERSION ? cache.buckets : {};
  } catch {
    return {};
  }
}
