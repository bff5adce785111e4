/**
 * Fetching the search index: meta.json once, then each directory page and shard the first time a query
 * needs it. Fetches are shared and kept for the page's life; a failed one is forgotten so that a retry
 * fetches again.
 */
import type { SearchDirectoryPage } from '../../shared/search-directory.ts';
import {
  SEARCH_META_PATH,
  decodeShard,
  searchDirectoryPath,
  searchPiecePath,
  searchShardPath,
  searchTailDirectoryPath,
  searchTailShardPath,
  type DecodedShard,
  type Postings,
  type SearchMeta,
} from '../../shared/search-format.ts';
import { fetchData } from '../data/data-client.ts';

const cache = new Map<string, Promise<unknown>>();

/** Bytes fetched so far (as decoded; the wire carries them compressed): for the benchmarks. */
export const searchTraffic = { files: 0, bytes: 0 };

async function fetchBytes(path: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(await (await fetchData(path)).arrayBuffer());
  searchTraffic.files++;
  searchTraffic.bytes += bytes.length;
  return bytes;
}

function cached<T>(path: string, load: () => Promise<T>): Promise<T> {
  let promise = cache.get(path) as Promise<T> | undefined;
  if (!promise) {
    promise = load();
    cache.set(path, promise);
    promise.catch(() => cache.delete(path));
  }
  return promise;
}

export function loadSearchMeta(): Promise<SearchMeta> {
  return cached(SEARCH_META_PATH, async () => JSON.parse(new TextDecoder().decode(await fetchBytes(SEARCH_META_PATH))) as SearchMeta);
}

/** The directory page whose first token is `firstToken` (a name from meta.json's directory). */
export function loadSearchDirectoryPage(firstToken: string): Promise<SearchDirectoryPage> {
  const path = searchDirectoryPath(firstToken);
  return cached(path, async () => JSON.parse(new TextDecoder().decode(await fetchBytes(path))) as SearchDirectoryPage);
}

/** The tail's directory page whose first token is `firstToken` (a name from meta.json's tail.directory). */
export function loadSearchTailDirectoryPage(firstToken: string): Promise<SearchDirectoryPage> {
  const path = searchTailDirectoryPath(firstToken);
  return cached(path, async () => JSON.parse(new TextDecoder().decode(await fetchBytes(path))) as SearchDirectoryPage);
}

/** The shard whose first token is `firstToken` (a name from a directory page). */
export function loadSearchShard(firstToken: string): Promise<DecodedShard> {
  return loadShardFile(searchShardPath(firstToken));
}

/** The tail's shard whose first token is `firstToken` (a name from a page of the tail's directory). */
export function loadSearchTailShard(firstToken: string): Promise<DecodedShard> {
  return loadShardFile(searchTailShardPath(firstToken));
}

function loadShardFile(path: string): Promise<DecodedShard> {
  return cached(path, async () => decodeShard(await fetchBytes(path)));
}

/** Piece k of a common token's postings (see searchPiecePath; its directory page says how many). */
export function loadSearchPiece(token: string, piece: number): Promise<Postings> {
  const path = searchPiecePath(token, piece);
  return cached(path, async () => {
    const postings = decodeShard(await fetchBytes(path)).postings(token);
    if (!postings) throw new Error(`${path} does not hold ${token}`);
    return postings;
  });
}

/** For tests: forget everything fetched. */
export function resetSearchCache(): void {
  cache.clear();
}
