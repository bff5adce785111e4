/**
 * Writes each post's "same story" list (see plan/same-story.ts) into the extras files (ExtrasBucket),
 * from the post buckets as written. A post's signature depends on its text alone: it is kept in the build
 * cache with its bucket's size and time, and a bucket the build left as it was (write-index.ts writes
 * only buckets whose posts changed) is not read again. Extras files are written only when they change.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { extrasBucketCount, extrasFile, type ExtrasBucket, type Manifest, type PostBucket, type PostFile, type StoryRef } from '../../shared/types.ts';
import { findSameStories, MAX_SAME_STORY, storySignature, type StoryItem } from '../plan/same-story.ts';

export const EXTRAS_FOLDER = 'extras';
const CACHE_FILE = 'same-story-signatures.json';
/** Bumped when what a signature is made from changes: the cache is then made anew. */
const CACHE_VERSION = 1;

interface CachedBucket {
  size: number;
  mtimeMs: number;
  posts: [id: string, title: string, date: string, tags: string[], signature: string][];
}

export interface WrittenSameStories {
  posts: number;
  /** Posts listed with at least one other report. */
  grouped: number;
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

export function storyItemsOf(bucket: PostBucket): CachedBucket['posts'] {
  return bucket.map((post) => {
    const signature = storySignature(storyTextOf(post));
    return [post.id, post.title, post.date, post.tags.map((tag) => tag.key), signature ? Buffer.from(signature.buffer).toString('base64') : ''];
  });
}

export async function writeSameStories(dataRoot: string, cacheDir?: string): Promise<WrittenSameStories> {
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
        fresh[path] = { size, mtimeMs, posts: storyItemsOf(JSON.parse(await readFile(join(postsRoot, path), 'utf8')) as PostBucket) };
      }
    }
  }
  if (cachePath) {
    await mkdir(cacheDir!, { recursive: true });
    await writeFile(cachePath, JSON.stringify({ version: CACHE_VERSION, buckets: fresh }));
  }

  const refs = new Map<string, StoryRef>();
  const items: StoryItem[] = [];
  for (const bucket of Object.values(fresh)) {
    for (const [id, title, date, tags, signature] of bucket.posts) {
      refs.set(id, { id, title, date, tags });
      items.push({ id, title, time: Date.parse(date), signature: signature ? new Uint32Array(Uint8Array.from(Buffer.from(signature, 'base64')).buffer) : undefined });
    }
  }
  const found = findSameStories(items);

  const files = new Map<string, ExtrasBucket>();
  for (let n = 0; n < extrasBucketCount(manifest.postBuckets); n++) files.set(`${EXTRAS_FOLDER}/${n}.json`, {});
  for (const [id, others] of [...found].sort(([a], [b]) => (a < b ? -1 : 1))) {
    files.get(extrasFile(id, manifest.postBuckets))![id] = { sameStory: others.slice(0, MAX_SAME_STORY).map((other) => refs.get(other.id)!) };
  }
  const { written, unchanged } = await writeChanged(dataRoot, files);
  return { posts: items.length, grouped: found.size, bucketsRead, written, unchanged, seconds: (performance.now() - started) / 1000 };
}

/** Writes the extras files whose JSON changed; removes those of a larger archive's bucket count. */
async function writeChanged(dataRoot: string, files: ReadonlyMap<string, ExtrasBucket>): Promise<{ written: number; unchanged: number }> {
  await mkdir(join(dataRoot, EXTRAS_FOLDER), { recursive: true });
  let written = 0;
  let unchanged = 0;
  for (const [path, bucket] of files) {
    const json = JSON.stringify(bucket);
    if ((await readFile(join(dataRoot, path), 'utf8').catch(() => undefined)) === json) unchanged++;
    else {
      await writeFile(join(dataRoot, path), json);
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
