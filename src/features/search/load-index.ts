/**
 * The files of the search index a query's tokens need, fetched: the directory pages of the shards
 * before the tail and of the tail's (both at once), then the shards holding the tokens and every
 * token a prefix (a run of one or three characters) stands for, and the pieces of those that have
 * them. Fetches are cached (search-client.ts): loading again with more tokens fetches only the files
 * they add.
 */
import { isContextToken } from '../../shared/search-contexts.ts';
import { directoryPagesFor, joinDirectoryPages, type ShardListing } from '../../shared/search-directory.ts';
import { isTokenOfRun, newestFirst, shardHolding, shardsHoldingPrefix, type DecodedShard, type Postings, type SearchMeta } from '../../shared/search-format.ts';
import { loadSearchDirectoryPage, loadSearchPiece, loadSearchShard, loadSearchTailDirectoryPage, loadSearchTailShard } from './search-client.ts';

export interface LoadedIndex {
  /** A token's postings, in list positions (newest first), from its pieces, its shard and the tail; undefined when no post holds it. */
  postingsOf(token: string): Postings | undefined;
  /** The tokens the loaded shards hold, before the tail and in it. */
  tokensHeld(): Iterable<string>;
}

export async function loadIndex(meta: SearchMeta, tokens: ReadonlySet<string>, prefixes: ReadonlySet<string>): Promise<LoadedIndex> {
  const shardsNeeded = (firstTokens: readonly string[]) => [
    ...new Set([
      ...[...tokens].flatMap((token) => shardHolding(firstTokens, token) ?? []),
      ...[...prefixes].flatMap((prefix) => shardsHoldingPrefix(firstTokens, prefix)),
    ]),
  ];
  const listingOf = async (directory: readonly string[], loadPage: typeof loadSearchDirectoryPage): Promise<ShardListing> =>
    joinDirectoryPages(await Promise.all(directoryPagesFor(directory, tokens, prefixes).map(loadPage)));
  // The newest posts are in the tail, in shards of its own, with pages of its own: a token's postings
  // may be in both (an archive smaller than the tail's span has only a tail).
  const [head, tail] = await Promise.all([
    listingOf(meta.directory, loadSearchDirectoryPage),
    listingOf(meta.tail?.directory ?? [], loadSearchTailDirectoryPage),
  ]);
  // A common token keeps its older postings in pieces (its directory page says how many): fetched beside the shards.
  const pieced = Object.keys(head.pieces).filter(
    (token) => tokens.has(token) || (!isContextToken(token) && [...prefixes].some((prefix) => isTokenOfRun(token, prefix))),
  );
  const [shardEntries, tailEntries, pieceLists] = await Promise.all([
    Promise.all(shardsNeeded(head.firstTokens).map(async (first) => [first, await loadSearchShard(first)] as const)),
    Promise.all(shardsNeeded(tail.firstTokens).map(async (first) => [first, await loadSearchTailShard(first)] as const)),
    Promise.all(pieced.map((token) => Promise.all(Array.from({ length: head.pieces[token]! }, (_, k) => loadSearchPiece(token, k))))),
  ]);
  const shards = new Map(shardEntries);
  const tailShards = new Map(tailEntries);
  const pieces = new Map(pieced.map((token, i) => [token, pieceLists[i]!]));
  const postingsIn = (loaded: ReadonlyMap<string, DecodedShard>, firstTokens: readonly string[], token: string) => {
    const first = shardHolding(firstTokens, token);
    return first === undefined ? undefined : loaded.get(first)?.postings(token);
  };
  return {
    postingsOf(token) {
      const inHead = postingsIn(shards, head.firstTokens, token);
      const inTail = postingsIn(tailShards, tail.firstTokens, token);
      const parts = [...(inHead ? [...(pieces.get(token) ?? []), inHead] : []), ...(inTail ? [inTail] : [])];
      return parts.length > 0 ? newestFirst(parts, meta.postCount) : undefined;
    },
    *tokensHeld() {
      for (const loaded of [shards, tailShards]) for (const shard of loaded.values()) yield* shard.header.tokens;
    },
  };
}
