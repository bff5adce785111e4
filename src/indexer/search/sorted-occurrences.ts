/**
 * A search index builder for a few thousand rows that sorts its tokens' occurrences instead of numbering
 * each token as it comes (SearchIndexBuilder): a small builder sees mostly tokens new to it (~1.5 M of
 * ~2.9 M occurrences at 2,048 real posts), each a hash probe that misses the cache. Here a post's tokens
 * are appended to one flat column as (key, post, weight), sorted once at export by a radix sort, and each
 * run of equal keys is a token's postings, in row order: no random access but the long tokens' table.
 *
 * It holds every occurrence until its export (12 bytes each, twice while sorting), so a large builder
 * (RUN_ROWS) still numbers its tokens: see searchIndexBuilder (index-builder.ts).
 */
import { countSearchTokens, TokenScratch, type SearchTokens } from '../parse/count-tokens.ts';
import { growArray } from '../../shared/grow-array.ts';
import { writeVarint } from '../../shared/varint.ts';
import { LongTokenIds } from './long-token-ids.ts';
import type { IndexBuilder } from './index-builder.ts';
import { BlockPool, COUNT, HOT_STRIDE, LAST_ROW, LENGTH, type PartialIndex } from './search-index.ts';
import { sortTriples } from './sort-triples.ts';
import { writePackedUnits } from './token-ids.ts';

/** Token occurrences a post holds, about (2.9 M for 2,048 real posts): the column's first size. */
const OCCURRENCES_PER_POST = 1400;

/** A post's number in the builder shares its occurrence's third word with its weight (the low byte). */
const MAX_POSTS = 1 << 24;

export class SortedOccurrences implements IndexBuilder {
  /**
   * Three numbers an occurrence: its token's key (two numbers: up to four UTF-16 units packed, as
   * TokenIds sorts them; or 0 and the id of a longer token, or of one holding U+0000, in `long`), then
   * its post's number × 256 + its weight.
   */
  private occurrences: Uint32Array;
  private used = 0;
  /** Each post's row, by its number in the builder. */
  private rows: Uint32Array;
  private posts = 0;
  private long = new LongTokenIds(1 << 12);
  private previousRow = -1;
  /** For addText, made when first used. */
  private scratch: TokenScratch | undefined;

  constructor(expectedPosts = 0) {
    this.occurrences = new Uint32Array(3 * Math.max(1024, expectedPosts * OCCURRENCES_PER_POST));
    this.rows = new Uint32Array(Math.max(64, expectedPosts));
  }

  get postCount(): number {
    return this.posts;
  }

  /** Adds one post's tokens. Rows must ascend: a token's occurrences keep their order through the sort. */
  add(row: number, { joined, weights }: SearchTokens): void {
    if (row <= this.previousRow) throw new RangeError(`rows must ascend: ${row} after ${this.previousRow}`);
    if (this.posts === MAX_POSTS) throw new RangeError(`a sorting search builder holds at most ${MAX_POSTS} posts`);
    this.previousRow = row;
    const post = this.posts++;
    if (post >= this.rows.length) this.rows = growArray(this.rows, post + 1);
    this.rows[post] = row;
    let occurrences = this.occurrences;
    let at = this.used;
    for (let i = 0, start = 0; start < joined.length; i++) {
      let end = joined.indexOf('\n', start);
      if (end < 0) end = joined.length;
      if (at + 3 > occurrences.length) occurrences = this.occurrences = growArray(occurrences, at + 3, at);
      const high = packedHigh(joined, start, end);
      occurrences[at] = high;
      occurrences[at + 1] = high === 0 ? this.long.idOf(joined, start, end, this.long.size) : packedLow(joined, start, end);
      occurrences[at + 2] = post * 256 + weights[i]!;
      at += 3;
      start = end + 1;
    }
    this.used = at;
  }

  /** Adds one post from its text (tests and tools; builds count tokens once, when parsing). */
  addText(row: number, title: string, text: string): void {
    this.add(row, countSearchTokens(title, text, (this.scratch ??= new TokenScratch())));
  }

  /**
   * The occurrences sorted by key, and each run of one key made a token: its columns by id (the long
   * tokens first, by their id in `long`, then the others in key order), its postings after the first
   * written to consecutive blocks. The builder is spent.
   */
  exportPartial(): PartialIndex {
    const n = this.used / 3;
    const sorted = sortTriples(this.occurrences, n);
    this.occurrences = new Uint32Array(0);
    const tokens = keyRuns(sorted, n);
    const hot = new Uint32Array(tokens * HOT_STRIDE);
    const firstRows = new Uint32Array(tokens);
    const firstWeights = new Uint8Array(tokens);
    const heads = new Uint32Array(tokens);
    const postings = new ChainWriter();
    const rows = this.rows;
    const longTokens = this.long.size;
    // The packed tokens' keys, each with its id, compacted into the front of `sorted` for unitsInOrder:
    // token `id` is written at 3 × (id − longTokens), never past the occurrence being read.
    let packedUnits = 0;
    for (let k = 0, id = 0; k < n; id++) {
      const high = sorted[3 * k]!;
      const low = sorted[3 * k + 1]!;
      const first = sorted[3 * k + 2]!;
      let row = rows[first >>> 8]!;
      firstRows[id] = row;
      firstWeights[id] = first & 0xff;
      let end = k + 1;
      if (end < n && sorted[3 * end] === high && sorted[3 * end + 1] === low) {
        heads[id] = postings.start();
        do {
          const next = rows[sorted[3 * end + 2]! >>> 8]!;
          postings.posting(next - row, sorted[3 * end + 2]! & 0xff);
          row = next;
          end++;
        } while (end < n && sorted[3 * end] === high && sorted[3 * end + 1] === low);
      }
      hot[id * HOT_STRIDE + LAST_ROW] = row;
      hot[id * HOT_STRIDE + COUNT] = end - k;
      hot[id * HOT_STRIDE + LENGTH] = end - k > 1 ? postings.written : 0;
      if (high !== 0) {
        const to = 3 * (id - longTokens);
        sorted[to] = high;
        sorted[to + 1] = low;
        sorted[to + 2] = id;
        packedUnits += low === 0 ? ((high & 0xffff) === 0 ? 1 : 2) : (low & 0xffff) === 0 ? 3 : 4;
      }
      k = end;
    }
    const { units, starts, ids } = unitsInOrder(sorted, tokens - longTokens, packedUnits, this.long);
    this.long = new LongTokenIds(1 << 12);
    return { tokenUnits: units, tokenStarts: starts, order: ids, hot, firstRows, firstWeights, heads, pages: postings.pool.pages, posts: this.posts };
  }
}

/** The runs of equal keys in the first `n` triples of `sorted`: the builder's tokens. */
function keyRuns(sorted: Uint32Array, n: number): number {
  let runs = 0;
  for (let k = 0; k < n; k++) if (k === 0 || sorted[3 * k] !== sorted[3 * k - 3] || sorted[3 * k + 1] !== sorted[3 * k - 2]) runs++;
  return runs;
}

/**
 * A token of one to four UTF-16 units, none of them U+0000, as the high number of its key: its first
 * unit × 2¹⁶ plus its second (0 if none); 0 for every other token (kept in the long tokens' table).
 */
function packedHigh(text: string, start: number, end: number): number {
  const length = end - start;
  if (length < 1 || length > 4) return 0;
  const first = text.charCodeAt(start);
  if (first === 0) return 0;
  for (let k = start + 1; k < end; k++) if (text.charCodeAt(k) === 0) return 0;
  return length === 1 ? (first << 16) >>> 0 : ((first << 16) | text.charCodeAt(start + 1)) >>> 0;
}

/** The low number of a packed token's key: its third unit × 2¹⁶ plus its fourth, 0 for those it lacks. */
function packedLow(text: string, start: number, end: number): number {
  const length = end - start;
  if (length < 3) return 0;
  return ((text.charCodeAt(start + 2) << 16) | (length === 4 ? text.charCodeAt(start + 3) : 0)) >>> 0;
}

/** Writes tokens' postings one after another, each a chain of consecutive blocks of a BlockPool. */
class ChainWriter {
  readonly pool = new BlockPool();
  /** Bytes written to the current chain. */
  written = 0;
  private block = 0;
  private offset = BlockPool.DATA;
  private page: Uint8Array = new Uint8Array(0);
  private base = 0;
  /** A posting that spans two blocks, before it is copied into them. */
  private readonly spill = new Uint8Array(8);

  /** Starts a chain; returns its first block. */
  start(): number {
    this.written = 0;
    this.offset = BlockPool.DATA;
    this.nextBlock();
    return this.block;
  }

  /** Appends a posting to the chain: its row's delta as a varint, then its weight. */
  posting(delta: number, weight: number): void {
    // Most fit in the block begun (a varint of up to 5 bytes, and the weight); the others go a byte at a time.
    const fits = this.offset + 6 <= BlockPool.DATA;
    const out = fits ? this.page : this.spill;
    const begin = fits ? this.base + this.offset : 0;
    let end = writeVarint(out, begin, delta);
    out[end++] = weight;
    if (fits) {
      this.offset += end - begin;
      this.written += end - begin;
    } else for (let at = 0; at < end; at++) this.byte(out[at]!);
  }

  private byte(value: number): void {
    if (this.offset === BlockPool.DATA) {
      const previous = this.block;
      this.nextBlock();
      this.pool.setNext(previous, this.block);
    }
    this.page[this.base + this.offset++] = value;
    this.written++;
  }

  private nextBlock(): void {
    this.block = this.pool.allocate();
    this.page = this.pool.pages[Math.floor(this.block / BlockPool.PAGE_BLOCKS)]!;
    this.base = (this.block % BlockPool.PAGE_BLOCKS) * BlockPool.BLOCK;
    this.offset = 0;
  }
}

/** A long token's numbers in unitsInOrder: its prefix's two, its units' offset and count, its id. */
const LONG_FIELDS = 5;

/**
 * Tokens in code-unit order, as units end to end with their ids (as TokenIds.sortedUnits gives them): the first
 * `n` triples (high, low, id) of `sorted`, packed tokens of up to four units (`packedUnits` units in all)
 * sorted by key, with the tokens of `long` merged in by their units.
 */
function unitsInOrder(sorted: Uint32Array, n: number, packedUnits: number, long: LongTokenIds): { units: Uint16Array; starts: Uint32Array; ids: Uint32Array } {
  const others = long.sortedSlots();
  const otherUnits = long.heldUnits;
  // Each long token read from its slot once, in order: its first four units packed as a key (zero-padded),
  // where its units lie, their count and its id (LONG_FIELDS), so that the merge below reads in order,
  // not slots scattered over the long table.
  const fields = new Uint32Array(LONG_FIELDS * others.length);
  for (let k = 0; k < others.length; k++) {
    const offset = long.offsetAt(others[k]!);
    const length = long.lengthAt(others[k]!);
    let high = 0;
    let low = 0;
    for (let at = 0; at < 4; at++) {
      const unit = at < length ? otherUnits[offset + at]! : 0;
      if (at < 2) high = (high << 16) | unit;
      else low = (low << 16) | unit;
    }
    const field = LONG_FIELDS * k;
    fields[field] = high >>> 0;
    fields[field + 1] = low >>> 0;
    fields[field + 2] = offset;
    fields[field + 3] = length;
    fields[field + 4] = long.idAt(others[k]!);
  }
  const units = new Uint16Array(packedUnits + long.unitCount);
  const starts = new Uint32Array(n + others.length + 1);
  const ids = new Uint32Array(n + others.length);
  let at = 0;
  let count = 0;
  let other = 0;
  for (let k = 0; k <= n; k++) {
    const high = k < n ? sorted[3 * k]! : 0xffffffff;
    const low = k < n ? sorted[3 * k + 1]! : 0xffffffff;
    // A long token goes first when its prefix is below the packed key: on equal prefixes the packed
    // token (no U+0000, at most four units) is a prefix of the long one, so it goes after it.
    for (; other < others.length; other++) {
      const field = LONG_FIELDS * other;
      const otherHigh = fields[field]!;
      if (k < n && (otherHigh > high || (otherHigh === high && fields[field + 1]! >= low))) break;
      const offset = fields[field + 2]!;
      // A loop, not `set` of a subarray made a token.
      for (let from = offset, end = offset + fields[field + 3]!; from < end; from++) units[at++] = otherUnits[from]!;
      ids[count] = fields[field + 4]!;
      starts[++count] = at;
    }
    if (k === n) break;
    at = writePackedUnits(high, low, units, at);
    ids[count] = sorted[3 * k + 2]!;
    starts[++count] = at;
  }
  return { units, starts, ids };
}
