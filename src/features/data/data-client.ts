/**
 * Fetching the index. Every file is fetched at most once per page load (a failed fetch is forgotten, so
 * a retry fetches again), and shards are fetched only when a visible row or a filter needs them.
 */
import {
  postBucketFile,
  postInBucket,
  shardFile,
  type Manifest,
  type MetaShard,
  type PostBucket,
  type PostFile,
  type PostMeta,
  type TagPostList,
} from '../../shared/types.ts';
import { readerSavesData } from '../../ui/save-data.ts';
import { isCompressedData } from '../../shared/compressed-data.ts';

// `?.`: the search engine comparison (src/tools) runs this code under plain Node, without Vite's import.meta.env.
const DATA_BASE = `${import.meta.env?.BASE_URL ?? '/'}data/`;

export class DataError extends Error {
  constructor(
    readonly url: string,
    readonly status?: number,
  ) {
    super(status ? `HTTP ${status} for ${url}` : `Network error for ${url}`);
  }
}

const cache = new Map<string, Promise<unknown>>();

/**
 * A file under `data/`, its content as written (inflated when the build compressed it), or a DataError
 * saying why not (network, or HTTP status).
 */
export async function fetchData(path: string): Promise<Response> {
  return dataContent(await request(DATA_BASE + path));
}

async function request(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new DataError(url);
  }
  if (!response.ok) throw new DataError(url, response.status);
  return response;
}

const utf8 = new TextDecoder();

/**
 * A JSON file under `data/`, parsed (inflated first when compressed). Its bytes are parsed here rather
 * than read again through a second Response: each read of a body waits for a turn of the main thread,
 * which on the first screen runs the app's script and first render.
 */
export async function fetchJson<T>(path: string): Promise<T> {
  const response = await request(DATA_BASE + path);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!isCompressedData(bytes)) return JSON.parse(utf8.decode(bytes)) as T;
  return (await new Response(inflated(bytes)).json()) as T;
}

/**
 * A data file's response (fetched, or from a cache) as its content: a file of a compressed build (its
 * manifest says `compression: 'gzip'`) is inflated here, as hosts such as GitHub Pages send it without a
 * Content-Encoding. Each file is known by its first bytes rather than by the manifest, so that a page
 * holding the manifest of the build before a switch reads the new files, and the search index reads
 * alone (as the tools run it).
 */
export async function dataContent(response: Response): Promise<Response> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const init = { status: response.status, statusText: response.statusText };
  if (!isCompressedData(bytes)) return new Response(bytes, init);
  return new Response(inflated(bytes), init);
}

function inflated(bytes: Uint8Array<ArrayBuffer>): ReadableStream<Uint8Array> {
  return new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
}

function cached<T>(path: string): Promise<T> {
  let promise = cache.get(path) as Promise<T> | undefined;
  if (!promise) {
    promise = fetchJson<T>(path);
    cache.set(path, promise);
    promise.catch(() => cache.delete(path));
  }
  return promise;
}

/** The manifest once read: the list draws in its first render when it arrived before the app ran. */
let manifestRead: Manifest | undefined;

export function loadManifest(): Promise<Manifest> {
  const promise = cached<Manifest>('manifest.json');
  if (!manifestRead) void promise.then((manifest) => (manifestRead = manifest)).catch(() => undefined);
  return promise;
}

/** The manifest if it has arrived (see loadManifest), else undefined. */
export function peekManifest(): Manifest | undefined {
  return manifestRead;
}

export async function loadShard(manifest: Manifest, index: number): Promise<PostMeta[]> {
  if (index < 0 || index >= manifest.shardCount) throw new RangeError(`no shard ${index}`);
  return (await cached<MetaShard>(shardFile(index))).posts;
}

/** Tag lists decoded once (by file): choosing an outlet again, or with another, costs nothing. */
const decodedTagRows = new Map<string, readonly number[]>();

/**
 * Ascending list positions (rows counted from the newest, as the list numbers them) of the posts
 * carrying `key`. Shared: not to be changed.
 */
export async function loadTagRows(manifest: Manifest, key: string): Promise<readonly number[]> {
  const tag = manifest.tags.find((t) => t.key === key);
  if (!tag) return [];
  const list = await cached<TagPostList>(tag.file);
  let rows = decodedTagRows.get(tag.file);
  if (!rows) {
    rows = tagListPositions(list, manifest.postCount);
    decodedTagRows.set(tag.file, rows);
  }
  return rows;
}

/** A tag list's rows (ascending from the oldest post, delta-encoded) as ascending list positions. */
export function tagListPositions(list: TagPostList, postCount: number): number[] {
  const positions: number[] = [];
  let row = 0;
  for (const delta of list.rowDeltas) positions.push(postCount - 1 - (row += delta));
  return positions.reverse();
}

/** The tag's rows if they have arrived (see loadTagRows), for filtering during a render; else undefined. */
export function peekTagRows(manifest: Manifest, key: string): readonly number[] | undefined {
  const tag = manifest.tags.find((t) => t.key === key);
  return tag ? decodedTagRows.get(tag.file) : [];
}

/** Fetches and decodes a tag's row list ahead of its use; failures are left for the real load to report. */
export async function prefetchTagRows(manifest: Manifest, key: string): Promise<void> {
  await loadTagRows(manifest, key).catch(() => undefined);
}

/**
 * A post's file, from its bucket's (see postBucketFile): kept for the page's life, so that opening
 * another post of the same bucket fetches nothing. A post its bucket does not hold is a 404.
 */
export async function loadPost(id: string): Promise<PostFile> {
  const manifest = await loadManifest();
  const path = postBucketFile(id, manifest.postBuckets);
  const post = postInBucket(await cached<PostBucket>(path), id);
  if (!post) throw new DataError(DATA_BASE + path, 404);
  return post;
}

/**
 * Fetches a post's bucket ahead of its opening (a reader's intent: a row pointed at or touched, the
 * next article down), unless the reader asked the browser to save data. Failures are left for the real
 * load to report.
 */
export function prefetchPost(id: string): void {
  if (readerSavesData()) return;
  loadPost(id).catch(() => undefined);
}

/**
 * The shard holding the post at a list position (a row counted from the newest), and its place in it:
 * shards number rows from the oldest (see shared/types.ts).
 */
export function shardOfRow(manifest: Manifest, position: number): { shard: number; offset: number } {
  const row = manifest.postCount - 1 - position;
  return { shard: Math.floor(row / manifest.shardSize), offset: row % manifest.shardSize };
}

/** Synchronous peek for rendering: the row's metadata if its shard has arrived. */
const arrived = new Map<string, PostMeta[]>();
export function peekRow(manifest: Manifest, row: number): PostMeta | undefined {
  const { shard, offset } = shardOfRow(manifest, row);
  return arrived.get(shardFile(shard))?.[offset];
}

export async function loadRow(manifest: Manifest, row: number): Promise<PostMeta | undefined> {
  const { shard, offset } = shardOfRow(manifest, row);
  const posts = await loadShard(manifest, shard);
  arrived.set(shardFile(shard), posts);
  return posts[offset];
}

/** For tests: forget everything fetched. */
export function resetDataCache(): void {
  cache.clear();
  manifestRead = undefined;
  arrived.clear();
  decodedTagRows.clear();
}
