/**
 * Builds the search index (format: src/shared/search-format.ts).
 *
 * Three steps, so that a build can spread the work over threads and cache it between builds:
 *   1. countSearchTokens (count-tokens.ts): one post's title and text → its tokens and their weights.
 *      Done once per post version, when it is parsed, and kept in the post store.
 *   2. SearchIndexBuilder: posts' token lists, fed in ascending row order → postings. A build runs one
 *      builder per thread, each over a contiguous range of rows, and exports it as a PartialIndex.
 *   3. mergePartialIndexes: the partial indexes, in row order, joined token by token, to be cut into
 *      shards (search-shards.ts).
 *
 * Memory is what limits this at 200k posts, so postings are kept encoded as they arrive (≈2 bytes per
 * post per token) and a token seen in one post only — most of them, news text being full of names —
 * keeps its one posting in two numbers instead of a buffer.
 */
import { countSearchTokens, TokenScratch, unitRangeToString, type SearchTokens } from '../parse/count-tokens.ts';
import { writeVarint } from '../../shared/varint.ts';
import { TokenIds } from './token-ids.ts';
import { growArray } from '../../shared/grow-array.ts';

/**
 * One thread's share of the index: its tokens in sorted order, and for each the postings of its rows.
 * The first posting's delta is the row itself, as in a whole index. Plain arrays and one buffer, so that
 * it crosses between threads cheaply. The columns are the builder's own, by token id (`order` gives the
 * ids in token order): handed over rather than gathered into new arrays, a second copy at a worker's peak.
 */
export interface PartialIndex {
  /** Its tokens' UTF-16 units end to end: token i is `tokenUnits[tokenStarts[i]]` to `tokenUnits[tokenStarts[i + 1]]`. */
  tokenUnits: Uint16Array;
  tokenStarts: Uint32Array;
  /** The id of token i, in token order: the index of its values in the columns below. */
  order: Uint32Array;
  /** Token id × HOT_STRIDE: its last row, its post count, the length in bytes of its postings after the first (see SearchIndexBuilder). */
  hot: Uint32Array;
  firstRows: Uint32Array;
  firstWeights: Uint8Array;
  /** Each token's chain of blocks in `pages` (the postings after the first). */
  heads: Uint32Array;
  /** The builder's block pool itself, handed over rather than copied (no second copy at the peak). */
  pages: Uint8Array[];
  posts: number;
}

/** The buffers of a partial index, to transfer it to another thread without copying. */
export function partialIndexBuffers(part: PartialIndex): ArrayBuffer[] {
  return [part.tokenUnits, part.tokenStarts, part.order, part.hot, part.firstRows, part.firstWeights, part.heads, ...part.pages].map(
    (array) => array.buffer as ArrayBuffer,
  );
}

/** A token with all its postings, as the shard writer takes them (in token order). */
export interface TokenPostings {
  token: string;
  count: number;
  postings: Uint8Array;
}

/**
 * Postings of many tokens in one pool of fixed-size blocks, each token's a chain of blocks: no object
 * and no buffer per token. With a buffer per token (the first design) a 200k-post build spent ~300 bytes
 * a token on bookkeeping and its threads' heaps grew past 1 GB.
 */
export class BlockPool {
  static readonly BLOCK = 32;
  /** The last 4 bytes of a block hold the number of the next block. */
  static readonly DATA = BlockPool.BLOCK - 4;
  /** Blocks a page: 1 MB pages (block b is on page b >>> 15). */
  static readonly PAGE_BLOCKS = 1 << 15;
  private readonly views: DataView[];
  private used = 0;

  constructor(readonly pages: Uint8Array[] = []) {
    this.views = pages.map((page) => new DataView(page.buffer, page.byteOffset, page.byteLength));
  }

  allocate(): number {
    if (this.used === this.pages.length * BlockPool.PAGE_BLOCKS) {
      const page = new Uint8Array(BlockPool.PAGE_BLOCKS * BlockPool.BLOCK);
      this.pages.push(page);
      this.views.push(new DataView(page.buffer));
    }
    return this.used++;
  }

  setByte(block: number, offset: number, value: number): void {
    this.pages[block >>> 15]![(block & 0x7fff) * BlockPool.BLOCK + offset] = value;
  }

  setNext(block: number, next: number): void {
    this.views[block >>> 15]!.setUint32((block & 0x7fff) * BlockPool.BLOCK + BlockPool.DATA, next, true);
  }

  /** Copies a chain's bytes (`length` of them, starting at block `head`) into `out` at `at`. */
  copyChain(head: number, length: number, out: Uint8Array, at: number): number {
    let block = head;
    let left = length;
    for (;;) {
      const page = this.pages[block >>> 15]!;
      const start = (block & 0x7fff) * BlockPool.BLOCK;
      // Byte by byte: a subarray a block to hand to `set` cost more than the copy itself.
      const stop = start + Math.min(left, BlockPool.DATA);
      for (let from = start; from < stop; from++) out[at++] = page[from]!;
      left -= stop - start;
      if (left === 0) return at;
      const next = start + BlockPool.DATA;
      block = (page[next]! | (page[next + 1]! << 8) | (page[next + 2]! << 16) | (page[next + 3]! << 24)) >>> 0;
    }
  }
}

/** The numbers of a token in PartialIndex.hot: at id × HOT_STRIDE, its last row, its post count, its postings' length and its chain's last block. */
export const HOT_STRIDE = 4;
export const LAST_ROW = 0;
export const COUNT = 1;
export const LENGTH = 2;
const TAIL = 3;

export class SearchIndexBuilder {
  private readonly ids: TokenIds;
  private readonly pool = new BlockPool();
  // Per token (by id): what every posting reads and writes side by side in `hot` (one cache line a
  // posting rather than one an array), and what only its first posting or block writes: its first row,
  // the first post's weight, the chain's first block.
  private hot: Uint32Array;
  private firstRow: Uint32Array;
  private firstWeight: Uint8Array;
  private head: Uint32Array;
  private previousRow = -1;
  private posts = 0;
  /** For addText, made when first used. */
  private scratch: TokenScratch | undefined;

  /** `expectedPosts`: how many posts it will be fed, about, to size its tables from the start. @default 0 */
  constructor(expectedPosts = 0) {
    this.ids = new TokenIds(expectedPosts);
    // Sized to the tables' capacity, so that the columns are never copied by doubling; their pages are
    // touched only as tokens arrive.
    const tokens = Math.max(1024, this.ids.capacity);
    this.hot = new Uint32Array(tokens * HOT_STRIDE);
    this.firstRow = new Uint32Array(tokens);
    this.firstWeight = new Uint8Array(tokens);
    this.head = new Uint32Array(tokens);
  }

  /** Adds one post's tokens. Rows must ascend, as the postings are delta-encoded on the fly. */
  add(row: number, { joined, weights }: SearchTokens): void {
    if (row <= this.previousRow) throw new RangeError(`rows must ascend: ${row} after ${this.previousRow}`);
    this.previousRow = row;
    this.posts++;
    // Each token is read where it lies in the joined text: a short one never becomes a string of its own.
    for (let i = 0, start = 0; start < joined.length; i++) {
      let end = joined.indexOf('\n', start);
      if (end < 0) end = joined.length;
      const weight = weights[i]!;
      const fresh = this.ids.size;
      const id = this.ids.idOf(joined, start, end);
      start = end + 1;
      if (id === fresh) {
        this.newToken(id, row, weight);
        continue;
      }
      const at = id * HOT_STRIDE;
      this.appendPosting(at, row - this.hot[at + LAST_ROW]!, weight);
      this.hot[at + LAST_ROW] = row;
      this.hot[at + COUNT]!++;
    }
  }

  /** A posting (its row's delta as a varint, then its weight) at the end of a token's chain (`at`: its place in `hot`). */
  private appendPosting(at: number, delta: number, weight: number): void {
    const length = this.hot[at + LENGTH]!;
    const offset = length % BlockPool.DATA;
    // Most postings fit in the chain's last block (a varint of up to 5 bytes, and the weight): written
    // there directly, rather than byte by byte through writeByte.
    if (offset !== 0 && offset + 6 <= BlockPool.DATA) {
      const tail = this.hot[at + TAIL]!;
      const page = this.pool.pages[tail >>> 15]!;
      const begin = (tail & 0x7fff) * BlockPool.BLOCK + offset;
      let byte = begin;
      while (delta >= 0x80) {
        page[byte++] = (delta & 0x7f) | 0x80;
        delta = Math.floor(delta / 128);
      }
      page[byte++] = delta;
      page[byte++] = weight;
      this.hot[at + LENGTH] = length + (byte - begin);
      return;
    }
    while (delta >= 0x80) {
      this.writeByte(at, (delta & 0x7f) | 0x80);
      delta = Math.floor(delta / 128);
    }
    this.writeByte(at, delta);
    this.writeByte(at, weight);
  }

  private newToken(id: number, row: number, weight: number): void {
    if (id >= this.firstRow.length) {
      const size = id + 1;
      this.hot = growArray(this.hot, size * HOT_STRIDE);
      this.firstRow = growArray(this.firstRow, size);
      this.firstWeight = growArray(this.firstWeight, size);
      this.head = growArray(this.head, size);
    }
    const at = id * HOT_STRIDE;
    this.hot[at + COUNT] = 1;
    this.hot[at + LAST_ROW] = row;
    this.hot[at + LENGTH] = 0;
    this.firstRow[id] = row;
    this.firstWeight[id] = weight;
  }

  private writeByte(at: number, value: number): void {
    const length = this.hot[at + LENGTH]!;
    const offset = length % BlockPool.DATA;
    if (length === 0) this.head[at / HOT_STRIDE] = this.hot[at + TAIL] = this.pool.allocate();
    else if (offset === 0) {
      const block = this.pool.allocate();
      this.pool.setNext(this.hot[at + TAIL]!, block);
      this.hot[at + TAIL] = block;
    }
    this.pool.setByte(this.hot[at + TAIL]!, offset, value);
    this.hot[at + LENGTH] = length + 1;
  }

  /** Adds one post from its text (tests and tools; builds count tokens once, when parsing). */
  addText(row: number, title: string, text: string): void {
    this.add(row, countSearchTokens(title, text, (this.scratch ??= new TokenScratch())));
  }

  get tokenCount(): number {
    return this.ids.size;
  }

  get postCount(): number {
    return this.posts;
  }

  /**
   * This builder's postings, ready to merge with other threads' (and to cross to another thread): the
   * tokens sorted, their columns in that order, and the block pool as it is. The builder is spent.
   */
  exportPartial(): PartialIndex {
    const { units, starts, ids } = this.ids.sortedUnits();
    return {
      tokenUnits: units,
      tokenStarts: starts,
      order: ids,
      hot: this.hot,
      firstRows: this.firstRow,
      firstWeights: this.firstWeight,
      heads: this.head,
      pages: this.pool.pages,
      posts: this.posts,
    };
  }
}

/**
 * A partial index's tokens one at a time, in token order: in memory (a PartialIndex) or read back from
 * a run file (partial-runs.ts). Its fields are the current token's; `done` once past the last one.
 */
export interface PartCursor {
  /** The current token is `units[start]` to `units[end]`. */
  readonly units: Uint16Array;
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly firstRow: number;
  readonly lastRow: number;
  readonly firstWeight: number;
  /** Bytes of its postings after the first. */
  readonly length: number;
  readonly done: boolean;
  /** Copies its postings after the first into `out` at `at`; returns the position after them. */
  copyPostings(out: Uint8Array, at: number): number;
  advance(): void;
}

/** The tokens of a partial index in memory. */
class PartialCursor implements PartCursor {
  readonly units: Uint16Array;
  start = 0;
  end = 0;
  count = 0;
  firstRow = 0;
  lastRow = 0;
  firstWeight = 0;
  length = 0;
  done = false;
  private at = -1;
  private readonly pool: BlockPool;

  constructor(private readonly part: PartialIndex) {
    this.units = part.tokenUnits;
    this.pool = new BlockPool(part.pages);
    this.advance();
  }

  advance(): void {
    const i = ++this.at;
    const part = this.part;
    this.done = i >= part.tokenStarts.length - 1;
    if (this.done) return;
    this.start = part.tokenStarts[i]!;
    this.end = part.tokenStarts[i + 1]!;
    const id = part.order[i]!;
    const at = id * HOT_STRIDE;
    this.count = part.hot[at + COUNT]!;
    this.firstRow = part.firstRows[id]!;
    this.lastRow = part.hot[at + LAST_ROW]!;
    this.firstWeight = part.firstWeights[id]!;
    this.length = part.hot[at + LENGTH]!;
  }

  copyPostings(out: Uint8Array, at: number): number {
    return this.length > 0 ? this.pool.copyChain(this.part.heads[this.part.order[this.at]!]!, this.length, out, at) : at;
  }
}

/**
 * A token as the merge gives it: its UTF-16 units (`units[start]` to `units[end]`), its post count, and
 * its postings (`bytes[from]` to `bytes[to]`). The shard writer reads these where they lie; `token` and
 * `postings` are made only when asked for (pieces, a patch's maps), not for each of a build's ~2.5 M
 * tokens.
 */
export class MergedToken implements TokenPostings {
  private text: string | undefined;

  constructor(
    public units: Uint16Array,
    public start: number,
    public end: number,
    public count: number,
    public bytes: Uint8Array,
    public from: number,
    public to: number,
  ) {}

  get token(): string {
    return (this.text ??= unitRangeToString(this.units, this.start, this.end));
  }

  get postings(): Uint8Array {
    return this.bytes.subarray(this.from, this.to);
  }

  /** Makes it the next token: the merge's one object when it reuses its buffers. */
  reset(units: Uint16Array, start: number, end: number, count: number, bytes: Uint8Array, from: number, to: number): void {
    this.units = units;
    this.start = start;
    this.end = end;
    this.count = count;
    this.bytes = bytes;
    this.from = from;
    this.to = to;
    this.text = undefined;
  }
}

/**
 * Joins partial indexes over consecutive row ranges (given in row order) into one token stream. A token
 * in several parts gets their postings end to end; each later part's first delta, which is its row from
 * zero, is rewritten as the distance from the previous part's last row.
 */
export function mergePartialIndexes(parts: PartialIndex[]): Generator<MergedToken> {
  return mergeParts(parts.map((part) => new PartialCursor(part)));
}

/**
 * mergePartialIndexes over any cursors, in row order. With `reuse`, a token (one object, its units and
 * its postings) is valid only until the next token is asked for (one buffer for all: a 200k index merges
 * ~500 MB of postings); without it, each token keeps its cursor's units, which must not change.
 */
export function* mergeParts(parts: PartCursor[], reuse = false): Generator<MergedToken> {
  // Without `reuse`, postings are cut from large chunks, never reused: an array of its own per token
  // (2.8M tokens on the real corpus) cost ~1 s of allocation and collection on the main thread.
  let chunk = new Uint8Array(0);
  let used = 0;
  const holding = new Uint8Array(parts.length);
  let units = new Uint16Array(64);
  const merged = new MergedToken(units, 0, 0, 0, chunk, 0, 0);
  for (;;) {
    // The least token and every part holding it, in one comparison a part.
    let first: PartCursor | undefined;
    let size = 0;
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p]!;
      holding[p] = 0;
      if (part.done) continue;
      const order = first ? compareCursors(part, first) : -1;
      if (order > 0) continue;
      if (order < 0) {
        for (let q = 0; q < p; q++) holding[q] = 0;
        first = part;
        size = 0;
      }
      holding[p] = 1;
      size += 6 + part.length;
    }
    if (!first) return;
    const length = first.end - first.start;
    if (reuse) {
      // The cursors' units change as they advance: the token's are copied first.
      if (length > units.length) units = new Uint16Array(Math.max(2 * units.length, length));
      for (let k = 0; k < length; k++) units[k] = first.units[first.start + k]!;
    }
    const tokenUnits = reuse ? units : first.units;
    const tokenStart = reuse ? 0 : first.start;
    if (reuse) used = 0;
    if (used + size > chunk.length) {
      chunk = new Uint8Array(Math.max(POSTINGS_CHUNK, size));
      used = 0;
    }
    const postings = chunk;
    const start = used;
    let at = used;
    let lastRow = -1;
    let count = 0;
    for (let p = 0; p < parts.length; p++) {
      if (!holding[p]) continue;
      const part = parts[p]!;
      // The part's first posting: its row from zero in the first part, from the previous part's last row after.
      at = writePosting(postings, at, lastRow < 0 ? part.firstRow : part.firstRow - lastRow, part.firstWeight);
      at = part.copyPostings(postings, at);
      count += part.count;
      lastRow = part.lastRow;
      part.advance();
    }
    used = at;
    if (reuse) {
      merged.reset(tokenUnits, tokenStart, tokenStart + length, count, postings, start, at);
      yield merged;
    } else yield new MergedToken(tokenUnits, tokenStart, tokenStart + length, count, postings, start, at);
  }
}

/** The current tokens of two cursors, in the order of `<` on strings. */
function compareCursors(a: PartCursor, b: PartCursor): number {
  let x = a.start;
  let y = b.start;
  for (; x < a.end && y < b.end; x++, y++) {
    const difference = a.units[x]! - b.units[y]!;
    if (difference !== 0) return difference;
  }
  return a.end - x - (b.end - y);
}

/** Bytes of the chunks merged postings are cut from. @default 1 MiB */
const POSTINGS_CHUNK = 1 << 20;

function writePosting(bytes: Uint8Array, at: number, delta: number, weight: number): number {
  at = writeVarint(bytes, at, delta);
  bytes[at++] = weight;
  return at;
}
