/**
 * Which shard holds a token, in two levels (format 8). meta.json's `directory` lists the first token of
 * each directory page; a page (`search/dir/<hex>.json`, searchDirectoryPath) lists the first tokens of
 * its run of shards and the pieces of the tokens they hold. A query fetches meta.json, the pages of its
 * tokens, then their shards and pieces; a page, once fetched, is kept like a shard.
 *
 * Why: listing every shard in meta.json made it 271 KB (100 KB gzip) at 200k posts, 60-75 % of what a
 * cold query fetched. With ~64 shards a page, meta.json lists ~300 pages and a page is ~1 KB.
 */
import { shardHolding, shardsHoldingPrefix } from './search-format.ts';

/** A page of the directory: a run of consecutive shards. */
export interface SearchDirectoryPage {
  /** First token of each shard of the run, ascending; the first names the page. */
  firstTokens: string[];
  /**
   * Tokens of these shards whose older postings are in pieces (see searchPiecePath), and how many: a
   * query fetches a token's pieces beside its shard, not after reading the shard.
   */
  pieces: Record<string, number>;
}

/** The shards of several pages, as far as a query needs them: see joinDirectoryPages. */
export interface ShardListing {
  firstTokens: string[];
  pieces: Record<string, number>;
}

/**
 * The pages (named by their first tokens, from `directory`) that list the shards of `tokens` and of
 * every token one of `prefixes` stands for (runTokensEnd): the directory is to its pages what a page
 * is to its shards, so the same lookups serve.
 */
export function directoryPagesFor(directory: readonly string[], tokens: Iterable<string>, prefixes: Iterable<string>): string[] {
  const pages = new Set<string>();
  for (const token of tokens) {
    const page = shardHolding(directory, token);
    if (page !== undefined) pages.add(page);
  }
  for (const prefix of prefixes) for (const page of shardsHoldingPrefix(directory, prefix)) pages.add(page);
  return [...pages];
}

/**
 * Pages fetched, as one listing of shards. It answers shardHolding and shardsHoldingPrefix as the
 * whole list of shards would for the tokens and prefixes whose pages are among them (directoryPagesFor):
 * a token's page holds the last shard beginning at or before it, and the pages after it begin after it.
 */
export function joinDirectoryPages(pages: readonly SearchDirectoryPage[]): ShardListing {
  const ordered = pages.filter((page) => page.firstTokens.length > 0).sort((a, b) => (a.firstTokens[0]! < b.firstTokens[0]! ? -1 : 1));
  return {
    firstTokens: ordered.flatMap((page) => page.firstTokens),
    pieces: Object.assign({}, ...ordered.map((page) => page.pieces)) as Record<string, number>,
  };
}
