/**
 * Builds the search index (format: src/index-format/search-format.ts) from posts fed in row order.
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

interface TokenList {
  /** Encoded postings, once the token is in two posts or more. */
  bytes?: Uint8Array;
  length: number;
  count: number;
  lastRow: number;
  /** The first post's weight, until `bytes` exists. */
  firstWeight: number;
}

export class SearchIndexBuilder {
  private readonly lists = new Map<string, TokenList>();
  private lastRow = -1;
  private posts = 0;

  /** Adds one post. Rows must ascend, as the postings are delta-encoded on the fly. */
  add(row: number, title: string, text: string): void {
    if (row <= this.lastRow) throw new RangeError(`rows must ascend: ${row} after ${this.lastRow}`);
    this.lastRow = row;
    this.posts++;
    // occurrences × 2 + the title bit
    const counts = new Map<string, number>();
    tokenizeFolded(foldText(title), (token) => counts.set(token, ((counts.get(token) ?? 0) | TITLE_BIT) + 2));
    tokenizeFolded(foldText(text), (token) => counts.set(token, (counts.get(token) ?? 0) + 2));
    for (const [token, value] of counts) {
      const weight = (Math.min(value >> 1, MAX_OCCURRENCES) << 1) | (value & TITLE_BIT);
      const list = this.lists.get(token);
      if (!list) {
        this.lists.set(token, { length: 0, count: 1, lastRow: row, firstWeight: weight });
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

  get tokenCount(): number {
    return this.lists.size;
  }

  /**
   * Cuts the index into shards and hands each file to `write` (path under `data/`), then meta.json.
   * Returns the total bytes written.
   */
  async finish(write: (path: string, body: Uint8Array | string) => Promise<void>, shardBytes = SEARCH_SHARD_BYTES): Promise<{ bytes: number; shards: number }> {
    const tokens = [...this.lists.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const firstTokens: string[] = [];
    let total = 0;
    let header: ShardHeader = { tokens: [], ends: [], counts: [] };
    let parts: Uint8Array[] = [];
    let size = 0;
    let headerSize = 0;
    const flush = async () => {
      if (header.tokens.length === 0) return;
      const body = new Uint8Array(size);
      let at = 0;
      for (const part of parts) {
        body.set(part, at);
        at += part.length;
      }
      const file = encodeShard(header, body);
      firstTokens.push(header.tokens[0]!);
      total += file.length;
      await write(searchShardPath(firstTokens.length - 1), file);
      header = { tokens: [], ends: [], counts: [] };
      parts = [];
      size = 0;
      headerSize = 0;
    };
    const single = new Uint8Array(8);
    for (const token of tokens) {
      const list = this.lists.get(token)!;
      const bytes = list.bytes ? list.bytes.subarray(0, list.length) : single.slice(0, writePosting(single, 0, list.lastRow, list.firstWeight));
      if (size > 0 && size + headerSize + bytes.length > shardBytes) await flush();
      header.tokens.push(token);
      parts.push(bytes);
      size += bytes.length;
      header.ends.push(size);
      header.counts.push(list.count);
      // The header costs bytes too (a shard of many rare tokens is mostly header): ~3 bytes a CJK
      // character, plus quotes, commas and two numbers.
      headerSize += token.length * 3 + 16;
      if (size + headerSize > shardBytes) await flush();
    }
    await flush();
    const meta: SearchMeta = { version: SEARCH_FORMAT_VERSION, postCount: this.posts, firstTokens, variants: searchVariantGroups() };
    const metaJson = JSON.stringify(meta);
    total += metaJson.length;
    await write(SEARCH_META_PATH, metaJson);
    return { bytes: total, shards: firstTokens.length };
  }
}

function writePosting(bytes: Uint8Array, at: number, delta: number, weight: number): number {
  let value = delta;
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[at++] = value;
  bytes[at++] = weight;
  return at;
}

/** The whole search index in memory, for the dev server and tests (builds stream it to disk instead). */
export async function buildSearchFiles(posts: AsyncIterable<{ row: number; title: string; text: string }>): Promise<Map<string, Uint8Array | string>> {
  const builder = new SearchIndexBuilder();
  for await (const post of posts) builder.add(post.row, post.title, post.text);
  const files = new Map<string, Uint8Array | string>();
  await builder.finish(async (path, body) => void files.set(path, body));
  return files;
}
