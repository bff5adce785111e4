/**
 * Cuts the search index's token stream (search-index.ts, or search-cache.ts's patch of the last build's)
 * into the files the browser fetches: shards of about SEARCH_SHARD_BYTES, and common tokens' older
 * postings as pieces (format: src/index-format/search-format.ts).
 */
import {
  PIECE_POSTINGS, SEARCH_FORMAT_VERSION, SEARCH_META_PATH, encodeShard, searchPiecePath, searchShardPath, type SearchMeta, type ShardHeader,
} from '../index-format/search-format.ts';
import { fnv1a } from '../index-format/types.ts';
import { SearchIndexBuilder, mergePartialIndexes, varintAt, varintEnd, varintLength, writeVarint, type TokenPostings } from './search-index.ts';
import { searchVariantGroups } from './search-variants.ts';

/**
 * Postings per shard, about. A query needs one shard per token: at 32 KB, a two-word query at 200k posts
 * fetches ~100 KB, and meta.json lists one token per 32 KB of index.
 */
export const SEARCH_SHARD_BYTES = 32 * 1024;

/**
 * Cuts a token stream (in token order) into shards, and common tokens' older postings into pieces,
 * and hands each file to `write` (path under `data/`), then meta.json. Returns the total bytes and the
 * number of shards and pieces.
 */
export async function writeSearchShards(
  lists: Iterable<TokenPostings>,
  postCount: number,
  write: (path: string, body: Uint8Array | string) => Promise<void>,
  shardBytes = SEARCH_SHARD_BYTES,
  piecePostings = PIECE_POSTINGS,
): Promise<{ bytes: number; shards: number; pieces: number; tokens: number }> {
  const firstTokens: string[] = [];
  let total = 0;
  let tokenCount = 0;
  let header: ShardHeader = { tokens: [], ends: [], counts: [] };
  let parts: Uint8Array[] = [];
  let size = 0;
  let headerSize = 0;
  let pieceCount = 0;
  const pieced: Record<string, number> = {};
  const flush = async () => {
    if (header.tokens.length === 0) return;
    const file = encodeShard(header, concat(parts));
    firstTokens.push(header.tokens[0]!);
    total += file.length;
    await write(searchShardPath(header.tokens[0]!), file);
    header = { tokens: [], ends: [], counts: [] };
    parts = [];
    size = 0;
    headerSize = 0;
  };
  for (const list of lists) {
    tokenCount++;
    const { token } = list;
    const { pieces, rest, restCount } = splitIntoPieces(list, piecePostings);
    for (const [k, piece] of pieces.entries()) {
      const file = encodeShard({ tokens: [token], ends: [piece.length], counts: [piecePostings] }, piece);
      total += file.length;
      await write(searchPiecePath(token, k), file);
    }
    pieceCount += pieces.length;
    // The header costs bytes too (a shard of many rare tokens is mostly header): ~3 bytes a CJK
    // character, plus quotes, commas and two numbers.
    const tokenHeaderBytes = token.length * 3 + 16;
    if (endsShardBefore(token, size + headerSize, rest.length + tokenHeaderBytes, shardBytes)) await flush();
    header.tokens.push(token);
    parts.push(rest);
    size += rest.length;
    header.ends.push(size);
    header.counts.push(restCount);
    if (pieces.length > 0) pieced[token] = pieces.length;
    headerSize += tokenHeaderBytes;
  }
  await flush();
  const meta: SearchMeta = { version: SEARCH_FORMAT_VERSION, postCount, firstTokens, variants: searchVariantGroups(), pieces: pieced };
  const metaJson = JSON.stringify(meta);
  total += metaJson.length;
  await write(SEARCH_META_PATH, metaJson);
  return { bytes: total, shards: firstTokens.length, pieces: pieceCount, tokens: tokenCount };
}

/**
 * A token's postings as its pieces (each exactly `perPiece` postings, the oldest first) and the rest,
 * which always holds at least one posting: a token with 2 × perPiece postings has one piece, and its
 * second piece is made only when a third lot begins, so a piece, once made, is never rewritten by
 * posts added after the newest. Each part's first delta is its row from zero.
 */
function splitIntoPieces(list: TokenPostings, perPiece: number): { pieces: Uint8Array[]; rest: Uint8Array; restCount: number } {
  const pieceCount = Math.floor((list.count - 1) / perPiece);
  if (pieceCount === 0) return { pieces: [], rest: list.postings, restCount: list.count };
  const bytes = list.postings;
  const parts: Uint8Array[] = [];
  let at = 0;
  let row = 0;
  for (let part = 0; part <= pieceCount; part++) {
    // The part's first posting: its row from zero, where it had its distance from the previous part's last.
    row += varintAt(bytes, at);
    at = varintEnd(bytes, at);
    const afterFirstDelta = at;
    const firstRow = row;
    at++; // its weight
    // The rest (the last part) runs to the end; a piece's other postings are walked to find where it
    // ends (inline and allocation-free: the commonest tokens have ~200k postings each).
    let stop = bytes.length;
    if (part < pieceCount) {
      for (let n = 1; n < perPiece; n++) {
        let value = 0;
        let scale = 1;
        let byte: number;
        do {
          byte = bytes[at++]!;
          value += (byte & 0x7f) * scale;
          scale *= 128;
        } while (byte >= 0x80);
        row += value;
        at++;
      }
      stop = at;
    }
    const out = new Uint8Array(varintLength(firstRow) + (stop - afterFirstDelta));
    out.set(bytes.subarray(afterFirstDelta, stop), writeVarint(out, 0, firstRow));
    parts.push(out);
  }
  return { pieces: parts.slice(0, pieceCount), rest: parts[pieceCount]!, restCount: list.count - pieceCount * perPiece };
}

/**
 * Whether a shard holding `bytes` ends before `token` (of `tokenBytes`). Decided, past half the target
 * size, by the token alone: its hash against its size (each of its bytes has a 2/shardBytes chance of
 * being a cut), so shards are ~shardBytes on average and most cuts fall on the same tokens whatever
 * came before. A new post grows some tokens' postings by a few bytes and adds a few new tokens; a cut
 * then moves only in the shards it touched, and the next cut already falls where it fell. With shards
 * cut greedily at the target (the first design), one cut moved moved every cut after it. A token that
 * would take the shard past three times the target starts its own (the commonest tokens are shards
 * by themselves).
 */
function endsShardBefore(token: string, bytes: number, tokenBytes: number, shardBytes: number): boolean {
  if (bytes === 0) return false;
  if (bytes + tokenBytes > 3 * shardBytes) return true;
  if (bytes < shardBytes / 2) return false;
  return mixedHash(token) / 2 ** 32 < (2 * tokenBytes) / shardBytes;
}

/** FNV-1a with a final avalanche (MurmurHash3's fmix32), so that short tokens' hashes spread over all 32 bits. */
function mixedHash(token: string): number {
  let hash = fnv1a(token);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size += part.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The whole search index in memory, for the dev server and tests (builds stream it to disk instead). */
export async function buildSearchFiles(
  posts: AsyncIterable<{ row: number; title: string; text: string }>,
  sizes: { shardBytes?: number; piecePostings?: number } = {},
): Promise<Map<string, Uint8Array | string>> {
  const builder = new SearchIndexBuilder();
  for await (const post of posts) builder.addText(post.row, post.title, post.text);
  const files = new Map<string, Uint8Array | string>();
  await writeSearchShards(mergePartialIndexes([builder.exportPartial()]), builder.postCount, async (path, body) => void files.set(path, body), sizes.shardBytes, sizes.piecePostings);
  return files;
}
