/**
 * Builds the search index (format: src/index-format/search-format.ts).
 *
 * Three steps, so that a build can spread the work over threads and cache it between builds:
 *   1. countSearchTokens: one post's title and text → its tokens and their weights. Done once per post
 *      version, when it is parsed, and kept in the post store.
 *   2. SearchIndexBuilder: posts' token lists, fed in ascending row order → postings. A build runs one
 *      builder per thread, each over a contiguous range of rows, and exports it as a PartialIndex.
 *   3. mergePartialIndexes + writeSearchShards: the partial indexes, in row order, joined token by token
 *      and cut into shards.
 *
 * Memory is what limits this at 200k posts, so postings are kept encoded as they arrive (≈2 bytes per
 * post per token) and a token seen in one post only — most of them, news text being full of names —
 * keeps its one posting in two numbers instead of a buffer.
 */
import {
  MAX_OCCURRENCES, SEARCH_FORMAT_VERSION, SEARCH_META_PATH, TITLE_BIT, encodeShard, searchShardPath,
  type SearchMeta, type ShardHeader,
} from '../index-format/search-format.ts';
import { foldText, tokenizeFolded } from '../index-format/search-text.ts';
import { searchVariantGroups } from './search-variants.ts';

/**
 * Postings per shard, about. A query needs one shard per token: at 32 KB, a two-word query at 200k posts
 * fetches ~100 KB, and meta.json lists one token per 32 KB of index.
 */
export const SEARCH_SHARD_BYTES = 32 * 1024;

/** One post's tokens, each with its weight byte (see search-format.ts). */
export interface SearchTokens {
  tokens: string[];
  weights: Uint8Array;
}

export function countSearchTokens(title: string, text: string): SearchTokens {
  // occurrences × 2 + the title bit
  const counts = new Map<string, number>();
  tokenizeFolded(foldText(title), (token) => counts.set(token, ((counts.get(token) ?? 0) | TITLE_BIT) + 2));
  tokenizeFolded(foldText(text), (token) => counts.set(token, (counts.get(token) ?? 0) + 2));
  const tokens: string[] = [];
  const weights = new Uint8Array(counts.size);
  for (const [token, value] of counts) {
    weights[tokens.length] = (Math.min(value >> 1, MAX_OCCURRENCES) << 1) | (value & TITLE_BIT);
    tokens.push(token);
  }
  return { tokens, weights };
}

interface TokenList {
  /** Encoded postings, once the token is in two posts or more. */
  bytes?: Uint8Array;
  length: number;
  count: number;
  firstRow: number;
  lastRow: number;
  /** The first post's weight, until `bytes` exists. */
  firstWeight: number;
}

/**
 * One thread's share of the index: its tokens in sorted order, and for each the postings of its rows.
 * The first posting's delta is the row itself, as in a whole index. Plain arrays and one buffer, so that
 * it crosses between threads cheaply.
 */
export interface PartialIndex {
  tokens: string[];
  counts: Uint32Array;
  firstRows: Uint32Array;
  lastRows: Uint32Array;
  /** Where each token's postings end in `postings`. */
  ends: Uint32Array;
  postings: Uint8Array;
  posts: number;
}

/** A token with all its postings, as the shard writer takes them (in token order). */
export interface TokenPostings {
  token: string;
  count: number;
  postings: Uint8Array;
}

export class SearchIndexBuilder {
  private readonly lists = new Map<string, TokenList>();
  private lastRow = -1;
  private posts = 0;

  /** Adds one post's tokens. Rows must ascend, as the postings are delta-encoded on the fly. */
  add(row: number, { tokens, weights }: SearchTokens): void {
    if (row <= this.lastRow) throw new RangeError(`rows must ascend: ${row} after ${this.lastRow}`);
    this.lastRow = row;
    this.posts++;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      const weight = weights[i]!;
      const list = this.lists.get(token);
      if (!list) {
        this.lists.set(token, { length: 0, count: 1, firstRow: row, lastRow: row, firstWeight: weight });
        continue;
      }
      if (!list.bytes) {
        list.bytes = new Uint8Array(16);
        list.length = writePosting(list.bytes, 0, list.lastRow, list.firstWeight);
      }
      if (list.length + 6 > list.bytes.length) {
        const grown = new Uint8Array(list.bytes.length * 2);
        grown.set(list.bytes.subarray(0, list.length));
        list.bytes = grown;
      }
      list.length = writePosting(list.bytes, list.length, row - list.lastRow, weight);
      list.lastRow = row;
      list.count++;
    }
  }

  /** Adds one post from its text (tests and tools; builds count tokens once, when parsing). */
  addText(row: number, title: string, text: string): void {
    this.add(row, countSearchTokens(title, text));
  }

  get tokenCount(): number {
    return this.lists.size;
  }

  get postCount(): number {
    return this.posts;
  }

  /** This builder's postings, ready to merge with other threads' (and to cross to another thread). */
  exportPartial(): PartialIndex {
    const tokens = [...this.lists.keys()].sort(compareTokens);
    const counts = new Uint32Array(tokens.length);
    const firstRows = new Uint32Array(tokens.length);
    const lastRows = new Uint32Array(tokens.length);
    const ends = new Uint32Array(tokens.length);
    let size = 0;
    for (const list of this.lists.values()) size += list.bytes ? list.length : 8;
    const postings = new Uint8Array(size);
    let at = 0;
    tokens.forEach((token, i) => {
      const list = this.lists.get(token)!;
      if (list.bytes) {
        postings.set(list.bytes.subarray(0, list.length), at);
        at += list.length;
      } else at = writePosting(postings, at, list.firstRow, list.firstWeight);
      counts[i] = list.count;
      firstRows[i] = list.firstRow;
      lastRows[i] = list.lastRow;
      ends[i] = at;
    });
    return { tokens, counts, firstRows, lastRows, ends, postings: postings.subarray(0, at), posts: this.posts };
  }
}

export function compareTokens(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Joins partial indexes over consecutive row ranges (given in row order) into one token stream. A token
 * in several parts gets their postings end to end; each later part's first delta, which is its row from
 * zero, is rewritten as the distance from the previous part's last row.
 */
export function* mergePartialIndexes(parts: PartialIndex[]): Generator<TokenPostings> {
  const next = parts.map(() => 0);
  const scratch = new Uint8Array(8);
  for (;;) {
    let token: string | undefined;
    for (let p = 0; p < parts.length; p++) {
      const candidate = parts[p]!.tokens[next[p]!];
      if (candidate !== undefined && (token === undefined || candidate < token)) token = candidate;
    }
    if (token === undefined) return;
    const pieces: Uint8Array[] = [];
    let count = 0;
    let lastRow = -1;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      const i = next[p]!;
      if (part.tokens[i] !== token) continue;
      next[p] = i + 1;
      const start = i === 0 ? 0 : part.ends[i - 1]!;
      const own = part.postings.subarray(start, part.ends[i]!);
      if (lastRow < 0) pieces.push(own);
      else {
        // Re-encode the first delta (a varint), keep the rest as it is.
        const skip = varintLength(own);
        const length = writeVarint(scratch, 0, part.firstRows[i]! - lastRow);
        pieces.push(scratch.slice(0, length), own.subarray(skip));
      }
      count += part.counts[i]!;
      lastRow = part.lastRows[i]!;
    }
    yield { token, count, postings: pieces.length === 1 ? pieces[0]! : concat(pieces) };
  }
}

/**
 * Cuts a token stream (in token order) into shards and hands each file to `write` (path under
 * `data/`), then meta.json. Returns the total bytes and the number of shards.
 */
export async function writeSearchShards(
  lists: Iterable<TokenPostings>,
  postCount: number,
  write: (path: string, body: Uint8Array | string) => Promise<void>,
  shardBytes = SEARCH_SHARD_BYTES,
): Promise<{ bytes: number; shards: number; tokens: number }> {
  const firstTokens: string[] = [];
  let total = 0;
  let tokenCount = 0;
  let header: ShardHeader = { tokens: [], ends: [], counts: [] };
  let parts: Uint8Array[] = [];
  let size = 0;
  let headerSize = 0;
  const flush = async () => {
    if (header.tokens.length === 0) return;
    const file = encodeShard(header, concat(parts));
    firstTokens.push(header.tokens[0]!);
    total += file.length;
    await write(searchShardPath(firstTokens.length - 1), file);
    header = { tokens: [], ends: [], counts: [] };
    parts = [];
    size = 0;
    headerSize = 0;
  };
  for (const { token, count, postings } of lists) {
    tokenCount++;
    if (size > 0 && size + headerSize + postings.length > shardBytes) await flush();
    header.tokens.push(token);
    parts.push(postings);
    size += postings.length;
    header.ends.push(size);
    header.counts.push(count);
    // The header costs bytes too (a shard of many rare tokens is mostly header): ~3 bytes a CJK
    // character, plus quotes, commas and two numbers.
    headerSize += token.length * 3 + 16;
    if (size + headerSize > shardBytes) await flush();
  }
  await flush();
  const meta: SearchMeta = { version: SEARCH_FORMAT_VERSION, postCount, firstTokens, variants: searchVariantGroups() };
  const metaJson = JSON.stringify(meta);
  total += metaJson.length;
  await write(SEARCH_META_PATH, metaJson);
  return { bytes: total, shards: firstTokens.length, tokens: tokenCount };
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

function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[at++] = value;
  return at;
}

function varintLength(bytes: Uint8Array): number {
  let at = 0;
  while (bytes[at]! & 0x80) at++;
  return at + 1;
}

function writePosting(bytes: Uint8Array, at: number, delta: number, weight: number): number {
  at = writeVarint(bytes, at, delta);
  bytes[at++] = weight;
  return at;
}

/** The whole search index in memory, for the dev server and tests (builds stream it to disk instead). */
export async function buildSearchFiles(posts: AsyncIterable<{ row: number; title: string; text: string }>): Promise<Map<string, Uint8Array | string>> {
  const builder = new SearchIndexBuilder();
  for await (const post of posts) builder.addText(post.row, post.title, post.text);
  const files = new Map<string, Uint8Array | string>();
  await writeSearchShards(mergePartialIndexes([builder.exportPartial()]), builder.postCount, async (path, body) => void files.set(path, body));
  return files;
}
