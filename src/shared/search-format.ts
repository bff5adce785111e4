/**
 * The search index's files, written by the build and read by the browser (under `<base>/data/search/`):
 *
 *   meta.json     SearchMeta: post count, the directory's pages, the spelling variants, the tail
 *   dir/<hex>.json a page of the directory (search-directory.ts): the first token of each shard of a run
 *                 of shards, and which of their tokens have pieces; named by its first shard's first token
 *   <hex>.bin     one shard: a run of tokens in sorted order and, for each, the rows of the posts holding
 *                 it; named by its first token (searchShardPath)
 *   <hex>-<k>.bin piece k of a common token's postings (searchPiecePath): a token held by more than
 *                 PIECE_POSTINGS posts keeps its oldest postings in pieces of exactly that many, which no
 *                 new post changes; its shard holds the rest (the newest); its directory page lists it
 *   tail/<hex>.bin a shard of the tail (searchTailShardPath): the index of the newest posts, from row
 *                 `meta.tail.from` on, in shards of its own. The shards above index the rows before it.
 *   tail/dir/<hex>.json a page of the tail's directory (searchTailDirectoryPath), as dir/ is to the shards
 *
 * Why a tail: a post's few hundred tokens fall into as many shards, so a day's new posts, indexed with
 * the rest, changed most shards of the index (at 200k posts, a fetch of 66 posts rewrote 3,160 files,
 * 90 MB, for a deploy to upload). They change the tail's shards only: the tail holds the posts since the
 * last multiple of a fixed number of rows (see searchTailStart in src/indexer/search/search-shards.ts), and joins
 * the shards above when the archive reaches the next one. Where the tail begins depends on the number
 * of posts alone, so a build from scratch and one patched over the last build write the same files.
 *
 * Tokens are sorted and cut into shards of about SEARCH_SHARD_BYTES, so a query fetches meta.json once, the
 * directory pages of its tokens, then one shard per token it needs, never the whole index (a 200k-post
 * archive has ~20k shards).
 * Where a shard ends depends only on the tokens since its start (see search-index.ts), and a shard is
 * named by its first token, not its number: a new post changes the shards of its tokens, and the others
 * keep their bytes and their names.
 *
 * Shard layout: a little-endian u32 header length, the header as UTF-8 JSON ({@link ShardHeader}, written
 * front-coded: see encodeShardHeader), then each token's postings, end to end. Rows count from the oldest
 * post (see types.ts), so a new post's postings are appended to its tokens' lists and leave every other
 * list as it was. A token's postings are, per post holding it, ascending, its row and one weight:
 * bit 0 = the token is in the title, bits 1–7 = times it occurs (capped at 127); a short list as varint
 * row deltas and weight bytes, a longer one compact (bitmap or deltas, weights as 2-bit codes): see
 * search-postings.ts.
 */
import { lastIndexBefore } from './binary-search.ts';
import { decodePostings } from './search-postings.ts';

/**
 * 5: tokens hold the grams of CJK runs and Latin pairs joined by - or . (see search-text.ts).
 * 6: and each post's context markers and grams, which make runs of 5+ characters exact (search-contexts.ts).
 * 7: a marker keyed by the inner string and the character after it (beside the gram a query fetches).
 * 8: shards listed in directory pages (search-directory.ts), meta.json naming the pages.
 * 9: lists of 16+ postings written compact (search-postings.ts); the tail's shards smaller, listed in
 *    directory pages of their own.
 * 10: pairs written with PAIR_MARK between their characters (习!近), apart from the longer grams.
 */
export const SEARCH_FORMAT_VERSION = 10;

export interface SearchMeta {
  version: number;
  postCount: number;
  /**
   * First token of each directory page, ascending (see search-directory.ts): page n lists the shards
   * from `directory[n]` up to page n+1's. Empty when the shards before the tail hold no post.
   */
  directory: string[];
  /**
   * Groups of folded words that name the same thing in different regional usage (普京/蒲亭/普丁,
   * 新西兰/纽西兰): a query for one also finds the others.
   */
  variants: string[][];
  /**
   * The tail (see above): its first row, and the first token of each page of its directory, ascending
   * (pages under search/tail/dir/, as `directory` is to the shards before it). Absent from an index of an
   * older version (a page may meet one in a cache for a while after a deploy).
   */
  tail?: { from: number; directory: string[] };
}

export interface ShardHeader {
  tokens: string[];
  /** Byte offset, in the postings part, where each token's postings end. */
  ends: number[];
  /** Number of postings each token has here. */
  counts: number[];
}

/**
 * Postings per piece of a common token (see searchPiecePath). 16k postings are ~32-48 KB, a shard's
 * size; at 200k posts, a token in every post has 12 pieces and a shard with the newest 3k postings.
 */
export const PIECE_POSTINGS = 16_384;

/** Path of the shard whose first token is `firstToken`. */
export function searchShardPath(firstToken: string): string {
  return `search/${fileNameOf(firstToken)}.bin`;
}

/** A token as a file name: its UTF-8 bytes in hex (names stay ASCII, and distinct on case-blind disks). */
function fileNameOf(token: string): string {
  let hex = '';
  for (const byte of new TextEncoder().encode(token)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

export const SEARCH_META_PATH = 'search/meta.json';

export const SEARCH_DIRECTORY_FOLDER = 'search/dir/';

/** Path of the directory page whose first shard's first token is `firstToken` (see search-directory.ts). */
export function searchDirectoryPath(firstToken: string): string {
  return `${SEARCH_DIRECTORY_FOLDER}${fileNameOf(firstToken)}.json`;
}

export const SEARCH_TAIL_FOLDER = 'search/tail/';

/** Path of the tail's directory page whose first shard's first token is `firstToken`. */
export function searchTailDirectoryPath(firstToken: string): string {
  return `${SEARCH_TAIL_FOLDER}dir/${fileNameOf(firstToken)}.json`;
}

/** Path of the tail's shard whose first token is `firstToken` (see the module comment). */
export function searchTailShardPath(firstToken: string): string {
  return `${SEARCH_TAIL_FOLDER}${fileNameOf(firstToken)}.bin`;
}

/**
 * Path of piece k of a common token's postings: a shard-format file holding that token alone, with
 * postings k × PIECE_POSTINGS up to the next piece (rows ascending, the first delta from row 0).
 */
export function searchPiecePath(token: string, piece: number): string {
  return `search/${fileNameOf(token)}-${piece}.bin`;
}

export const TITLE_BIT = 1;
export const MAX_OCCURRENCES = 127;

/** One token's posts, decoded. */
export interface Postings {
  rows: Int32Array;
  weights: Uint8Array;
}

const UTF8 = new TextEncoder();

export function encodeShard(header: ShardHeader, postings: Uint8Array): Uint8Array {
  const headerBytes = UTF8.encode(encodeShardHeader(header));
  const out = new Uint8Array(4 + headerBytes.length + postings.length);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  out.set(postings, 4 + headerBytes.length);
  return out;
}

/**
 * A header as written, JSON: `t`, the tokens front-coded (each as one character, '0' plus the number
 * of UTF-16 units it shares with the token before, then the rest of it; joined by line breaks, which no
 * token holds); `l`, the byte length of each token's postings (where they end, as lengths: shorter
 * numbers); `c`, the counts. A shard of rare tokens is mostly header (a CJK gram in one post: ~25 bytes
 * of header for ~3 of postings in the plain form), and sorted tokens share most of their first
 * characters: this form is ~40 % smaller.
 */
interface WrittenHeader {
  t: string;
  l: number[];
  c: number[];
}

/** A front-coded token's first character: this plus the units it shares with the token before. */
export const SHARED_BASE = 0x30;

/** The build writes the same bytes token by token in src/indexer/search/shard-header.ts: a change here goes there too. */
export function encodeShardHeader(header: ShardHeader): string {
  // Built by hand, not as a WrittenHeader object: the build writes ~8M tokens' headers at 200k posts.
  let coded = '';
  let previous = '';
  for (const [i, token] of header.tokens.entries()) {
    let shared = 0;
    const most = Math.min(previous.length, token.length);
    while (shared < most && previous.charCodeAt(shared) === token.charCodeAt(shared)) shared++;
    // Never between the two halves of a surrogate pair: the rest would open with a lone half.
    if (shared > 0 && shared < token.length && isHighSurrogate(token.charCodeAt(shared - 1))) shared--;
    previous = token;
    coded += (i === 0 ? '' : '\n') + String.fromCharCode(SHARED_BASE + shared) + token.slice(shared);
  }
  let lengths = '';
  for (const [i, end] of header.ends.entries()) lengths += (i === 0 ? '' : ',') + (end - (i === 0 ? 0 : header.ends[i - 1]!));
  return `{"t":${JSON.stringify(coded)},"l":[${lengths}],"c":[${header.counts.join(',')}]}`;
}

export function decodeShardHeader(json: string): ShardHeader {
  const written = JSON.parse(json) as WrittenHeader;
  let previous = '';
  const tokens =
    written.t === ''
      ? []
      : written.t.split('\n').map((coded) => {
          previous = previous.slice(0, coded.charCodeAt(0) - SHARED_BASE) + coded.slice(1);
          return previous;
        });
  let end = 0;
  return { tokens, ends: written.l.map((length) => (end += length)), counts: written.c };
}

/** Whether a UTF-16 unit is the first half of a surrogate pair (a front-coded prefix never ends after one). */
export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export interface DecodedShard {
  header: ShardHeader;
  /** Postings of a token of this shard, or undefined when the shard does not hold it. */
  postings(token: string): Postings | undefined;
}

export function decodeShard(bytes: Uint8Array): DecodedShard {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const header = decodeShardHeader(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength)));
  const body = bytes.subarray(4 + headerLength);
  const position = new Map(header.tokens.map((token, i) => [token, i]));
  return {
    header,
    postings(token) {
      const i = position.get(token);
      if (i === undefined) return undefined;
      return decodePostings(body.subarray(i === 0 ? 0 : header.ends[i - 1]!, header.ends[i]!), header.counts[i]!);
    },
  };
}

/**
 * A token's postings, given as its parts in row order (its pieces, then the postings in its shard),
 * renumbered for a list shown newest first: each row r becomes its position from the newest,
 * postCount - 1 - r, still ascending (so the parts and each part's postings are reversed).
 */
export function newestFirst(parts: readonly Postings[], postCount: number): Postings {
  let count = 0;
  for (const part of parts) count += part.rows.length;
  const rows = new Int32Array(count);
  const weights = new Uint8Array(count);
  let at = 0;
  for (let p = parts.length - 1; p >= 0; p--) {
    const part = parts[p]!;
    for (let i = part.rows.length - 1; i >= 0; i--) {
      rows[at] = postCount - 1 - part.rows[i]!;
      weights[at++] = part.weights[i]!;
    }
  }
  return { rows, weights };
}

/**
 * The first token (the name) of the shard that would hold `token`, among shards beginning with
 * `firstTokens`; undefined when there is none (a part of the index holding no post).
 */
export function shardHolding(firstTokens: readonly string[], token: string): string | undefined {
  return firstTokens.length === 0 ? undefined : firstTokens[shardOfToken(firstTokens, token)];
}

/**
 * Written between the two characters of a CJK pair token (习!近, search-text.ts). The pairs of a
 * character then sort right after the character alone and apart from its longer grams (习近平,
 * 习近平表…), which begin with it too: a query for one character reads those two kinds of token
 * alone (docs/search-exact.md). It sorts below every unit a token holds after a CJK character (CJK
 * characters, letters, digits). Pairs, not grams, carry the mark: a pair grows to three UTF-16 units, a
 * gram would have grown to five, past the four the build keeps as numbers (token-ids.ts, count-tokens.ts).
 */
export const PAIR_MARK = '!';
export const PAIR_MARK_UNIT = PAIR_MARK.charCodeAt(0);

/**
 * The tokens a query's run of one or three CJK characters stands for lie from the run to this string:
 * for one character, the character alone and its pairs; for three, its grams of three and four
 * characters, and the context tokens that callers skip (isContextToken). Tokens sort by UTF-16 units,
 * and no token holds U+FFFF.
 */
export function runTokensEnd(run: string): string {
  const oneCharacter = run.length === 1 || (run.length === 2 && run.codePointAt(0)! > 0xffff);
  return oneCharacter ? `${run}${PAIR_MARK}\uffff` : `${run}\uffff`;
}

/** Whether `token` is one of the tokens that the query's run `run` (of one or three characters) stands for. */
export function isTokenOfRun(token: string, run: string, end = runTokensEnd(run)): boolean {
  return token.startsWith(run) && token < end;
}

/**
 * The first tokens (names) of the shards that would hold a token of the query's run `prefix` (of one or
 * three characters), among shards beginning with `firstTokens`: such tokens lie between `prefix` and
 * runTokensEnd(prefix).
 */
export function shardsHoldingPrefix(firstTokens: readonly string[], prefix: string): string[] {
  if (firstTokens.length === 0) return [];
  return firstTokens.slice(shardOfToken(firstTokens, prefix), shardOfToken(firstTokens, runTokensEnd(prefix)) + 1);
}

/** The shard that would hold `token`: the last shard whose first token is ≤ it. */
export function shardOfToken(firstTokens: readonly string[], token: string): number {
  return lastIndexBefore(firstTokens.length, (n) => firstTokens[n]! > token);
}
