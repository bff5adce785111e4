/**
 * Saving a view for offline reading: every post of the view, with its extras and pictures, put in the
 * service worker's caches (src/shared/offline-caches.ts), which answer for them when the network does
 * not. The data files are written by the page itself, so that saving does not depend on the worker
 * controlling the page; pictures of other sites are loaded as images, which the worker keeps (the CSP
 * lets the page fetch nothing but this site: connect-src 'self').
 */
import { extrasFile, postBucketFile, postInBucket, shardFile, type Manifest, type PostBucket } from '../../shared/types.ts';
import { DATA_CACHE } from '../../shared/offline-caches.ts';
import { dataContent, loadRow, shardOfRow } from '../data/data-client.ts';

/** Posts saved at once, at most: a day of the largest outlet is ~300. @default 500 */
export const MAX_SAVE = 500;
/** Posts fetched at once while saving. */
const CONCURRENCY = 6;

const DATA_BASE = `${import.meta.env.BASE_URL}data/`;

export interface SaveProgress {
  done: number;
  total: number;
  /** Bytes stored so far (pictures of other sites count 0: their size is not told). */
  bytes: number;
  failed: number;
}

export function canSaveOffline(): boolean {
  return typeof caches !== 'undefined';
}

/** Saves the posts at the given list positions; reports progress after each. */
export async function saveOffline(manifest: Manifest, positions: readonly number[], onProgress: (progress: SaveProgress) => void): Promise<SaveProgress> {
  const data = await caches.open(DATA_CACHE);
  const progress: SaveProgress = { done: 0, total: positions.length, bytes: 0, failed: 0 };
  const shards = new Set(positions.map((position) => shardFile(shardOfRow(manifest, position).shard)));
  for (const path of ['manifest.json', ...shards]) progress.bytes += await store(data, DATA_BASE + path);
  let next = 0;
  const worker = async () => {
    while (next < positions.length) {
      const position = positions[next++]!;
      try {
        progress.bytes += await savePost(manifest, position, data);
      } catch {
        progress.failed++;
      }
      progress.done++;
      onProgress({ ...progress });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return progress;
}

async function savePost(manifest: Manifest, position: number, data: Cache): Promise<number> {
  const meta = await loadRow(manifest, position);
  if (!meta) throw new Error(`no post at ${position}`);
  const bucketUrl = DATA_BASE + postBucketFile(meta.id, manifest.postBuckets);
  let bytes = await store(data, bucketUrl);
  bytes += await store(data, DATA_BASE + extrasFile(meta.id, manifest.postBuckets), true);
  const post = postInBucket((await (await dataContent((await data.match(bucketUrl))!)).json()) as PostBucket, meta.id);
  // Every candidate of a srcset: offline, the browser picks among them as it would online.
  const sources = new Set([...(post?.figures ?? []).flatMap((figure) => [figure.src, ...srcsetUrls(figure.srcset)]), ...(meta.image ? [meta.image.src] : [])]);
  for (const src of sources) await loadPicture(src);
  return bytes;
}

/** Fetches a URL of this site into a cache; returns its size. `optional`: a 404 is no failure. */
async function store(cache: Cache, url: string, optional = false): Promise<number> {
  const response = await fetch(url);
  if (!response.ok) {
    if (optional && response.status === 404) return 0;
    throw new Error(`HTTP ${response.status} for ${url}`);
  }
  const body = await response.clone().arrayBuffer();
  await cache.put(url, response);
  return body.byteLength;
}

/** A picture, loaded as the article would load it: the worker keeps it (see offline-app.ts). */
function loadPicture(src: string): Promise<void> {
  const image = new Image();
  image.referrerPolicy = 'no-referrer';
  image.src = src;
  // A picture that cannot be loaded leaves the article saved without it.
  return image.decode().catch(() => undefined);
}

function srcsetUrls(srcset: string | undefined): string[] {
  return (srcset ?? '')
    .split(',')
    .map((candidate) => candidate.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);
}

/** Whether a post's file is in the cache: the row is readable offline. */
export async function isSavedOffline(manifest: Manifest, id: string): Promise<boolean> {
  if (!canSaveOffline()) return false;
  return (await caches.match(DATA_BASE + postBucketFile(id, manifest.postBuckets), { cacheName: DATA_CACHE })) !== undefined;
}

/** Sizes as the reader reads them: KB or MB. */
export function formatBytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
