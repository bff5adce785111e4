/**
 * Cuts the list of shards into the directory's pages (format: src/shared/search-directory.ts). Where a
 * page begins depends on its first shard's first token alone, as where a shard ends depends on its
 * tokens (search-shards.ts): a new shard changes the page that lists it and no other, so a rebuild
 * rewrites a page or two, not every page after it.
 */
import { shardOfToken } from '../../shared/search-format.ts';
import type { SearchDirectoryPage } from '../../shared/search-directory.ts';
import { fnv1a, mix32 } from '../../shared/types.ts';

/**
 * Shards a page lists, on average. A cold query fetches meta.json (a name per page) and a page per
 * token: at 200k posts (~20k shards, ~15 bytes a name), 64 gives a ~5 KB list and ~1 KB pages, about the
 * least in all for a query of a few tokens. @default 64
 */
export const PAGE_SHARDS = 64;

/**
 * Seeds the hash that picks pages' first shards. Shards begin where a token's hash is small
 * (search-shards.ts): the same hash would make nearly every shard begin a page.
 */
const PAGE_SEED = 0x5bd1e995;

/**
 * Whether a shard beginning with `firstToken` begins a page (but the first, which always does): one in
 * `pageShards` does, whatever the shards around it.
 */
export function beginsDirectoryPage(firstToken: string, pageShards = PAGE_SHARDS): boolean {
  return mix32(fnv1a(firstToken) ^ PAGE_SEED) < 2 ** 32 / pageShards;
}

/**
 * The directory of shards beginning with `firstTokens` (ascending), each common token's pieces listed
 * in the page of its shard: meta.json's list of pages, and the pages. A page lists at most four times
 * `pageShards` shards (a long run of shards none of which begins a page is cut there).
 */
export function cutDirectory(
  firstTokens: readonly string[],
  pieces: Readonly<Record<string, number>>,
  pageShards = PAGE_SHARDS,
): { directory: string[]; pages: SearchDirectoryPage[] } {
  const pages: SearchDirectoryPage[] = [];
  for (const first of firstTokens) {
    const page = pages.at(-1);
    if (!page || page.firstTokens.length >= 4 * pageShards || beginsDirectoryPage(first, pageShards)) pages.push({ firstTokens: [first], pieces: {} });
    else page.firstTokens.push(first);
  }
  const directory = pages.map((page) => page.firstTokens[0]!);
  for (const [token, count] of Object.entries(pieces)) pages[shardOfToken(directory, token)]!.pieces[token] = count;
  return { directory, pages };
}
