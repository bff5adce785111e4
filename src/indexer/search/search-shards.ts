/**
 * Cuts the search index's token stream (search-index.ts, or search-cache.ts's patch of the last build's)
 * into the files the browser fetches: shards of about SEARCH_SHARD_BYTES, and common tokens' older
 * postings as pieces (format: src/shared/search-format.ts).
 */
import {
  PIECE_POSTINGS,
  SEARCH_FORMAT_VERSION,
  SEARCH_META_PATH,
  encodeShard,
  searchDirectoryPath,
  searchPiecePath,
  searchShardPath,
  searchTailDirectoryPath,
  searchTailShardPath,
  type SearchMeta,
} from '../../shared/search-format.ts';
import { COMPACT_POSTINGS, PostingsEncoder } from '../../shared/search-postings.ts';
import { fnv1aUnits, mix32 } from '../../shared/types.ts';
import { unitRangeToString } from '../parse/count-tokens.ts';
import { PAGE_SHARDS, cutDirectory } from './directory-pages.ts';
import { varintAt, varintEnd, varintLength, writeVarint } from '../../shared/varint.ts';
import { MergedToken, SearchIndexBuilder, mergePartialIndexes, type TokenPostings } from './search-index.ts';
import { ShardHeaderWriter } from './shard-header.ts';
import { searchVariantGroups } from './search-variants.ts';

/**
 * Postings per shard, about. A query needs one shard per token: at 32 KB, a two-word query at 200k posts
 * fetches ~100 KB, and the directory lists one token per 32 KB of index.
 */
export const SEARCH_SHARD_BYTES = 32 * 1024;

/**
 * The tail's span (see search-format.ts): the tail holds the rows since the last multiple of it. At
 * 60,000 posts a year (a busy mirror), the tail joins the shards before it every 12 days or so; in
 * between, a fetch writes the tail's shards and meta.json (on the real corpus, 1,347 posts in the
 * tail: 178 shards, 4.7 MB; at 200k synthetic posts, a day's fetch writes 5.2 MB in all).
 */
export const TAIL_ROWS = 2048;

/**
 * Postings per shard of the tail, about. The tail's lists are short, so its shards are nearly all
 * header (tokens), and a query fetches one per token: at 32 KB, a run of nine characters fetched
 * 181 KB of tail for the ~1,300 posts in it (at 200k real-shaped posts). Its pages list them.
 */
export const TAIL_SHARD_BYTES = 8 * 1024;

export type SearchTail = NonNullable<SearchMeta['tail']>;

/** The first row of the tail of an index of `postCount` posts. */
export function searchTailStart(postCount: number, tailRows = TAIL_ROWS): number {
  return postCount - (postCount % tailRows);
}

/** A tail holding no post: an index with all its rows in the shards before it. */
export function emptyTail(postCount: number): SearchTail {
  return { from: postCount, directory: [] };
}

/**
 * Cuts a token stream (in token order) into shards, and common tokens' older postings into pieces,
 * and hands each file to `write` (path under `data/`), then meta.json, which names the tail written
 * before (writeSearchTail; none by default). Returns the total bytes (the tail's not counted) and the
 * number of shards and pieces.
 */
export async function writeSearchShards(
  lists: Iterable<TokenPostings>,
  postCount: number,
  write: (path: string, body: Uint8Array | string) => Promise<void>,
  {
    shardBytes = SEARCH_SHARD_BYTES,
    piecePostings = PIECE_POSTINGS,
    tail = emptyTail(postCount),
    pageShards = PAGE_SHARDS,
  }: { shardBytes?: number | undefined; piecePostings?: number | undefined; tail?: SearchTail; pageShards?: number | undefined } = {},
): Promise<{ bytes: number; shards: number; pieces: number; tokens: number }> {
  const cutter = new ShardCutter(write, shardBytes);
  let total = 0;
  let tokenCount = 0;
  let pieceCount = 0;
  const pieced: Record<string, number> = {};
  for (const list of lists) {
    tokenCount++;
    // Most tokens have no piece: no split (its object and array) made for them.
    if (list.count <= piecePostings) {
      const cut = cutter.addList(list);
      if (cut) await cut;
      continue;
    }
    const { pieces, rest, restCount } = splitIntoPieces(list, piecePostings);
    total += await writePieces(list.token, pieces, write, piecePostings, 0, cutter.encoder);
    pieceCount += pieces.length;
    pieced[list.token] = pieces.length;
    const cut = cutter.add(list.token, rest, restCount);
    if (cut) await cut;
  }
  await cutter.flush();
  total += cutter.bytes;
  total += (await writeSearchMeta(postCount, cutter.firstTokens, pieced, write, tail, pageShards)).bytes;
  return { bytes: total, shards: cutter.firstTokens.length, pieces: pieceCount, tokens: tokenCount };
}

/**
 * Cuts the tail's token stream (the postings of rows `from` on, in token order) into the tail's
 * shards, and writes the pages of its directory. A tail has no pieces: its lists are short. Returns the
 * tail for meta.json, its bytes (pages included), its number of tokens and of shards.
 */
export async function writeSearchTail(
  lists: Iterable<TokenPostings>,
  from: number,
  write: (path: string, body: Uint8Array | string) => Promise<void>,
  shardBytes = TAIL_SHARD_BYTES,
  pageShards = PAGE_SHARDS,
): Promise<{ tail: SearchTail; bytes: number; tokens: number; shards: number }> {
  const cutter = new ShardCutter(write, shardBytes, searchTailShardPath);
  let tokens = 0;
  for (const list of lists) {
    tokens++;
    const cut = cutter.addList(list);
    if (cut) await cut;
  }
  await cutter.flush();
  const { directory, pages } = cutDirectory(cutter.firstTokens, {}, pageShards);
  let bytes = cutter.bytes;
  for (const page of pages) {
    const json = JSON.stringify(page);
    bytes += Buffer.byteLength(json);
    await write(searchTailDirectoryPath(page.firstTokens[0]!), json);
  }
  return { tail: { from, directory }, bytes, tokens, shards: cutter.firstTokens.length };
}

/**
 * Writes the directory of the shards beginning with `firstTokens` and of the pieces (its pages, then
 * meta.json, which names them); returns the bytes and the paths of the pages.
 */
export async function writeSearchMeta(
  postCount: number,
  firstTokens: readonly string[],
  pieces: Readonly<Record<string, number>>,
  write: (path: string, body: string) => Promise<void>,
  tail = emptyTail(postCount),
  pageShards = PAGE_SHARDS,
): Promise<{ bytes: number; pages: string[] }> {
  const { directory, pages } = cutDirectory(firstTokens, pieces, pageShards);
  let bytes = 0;
  const paths: string[] = [];
  for (const page of pages) {
    const json = JSON.stringify(page);
    paths.push(searchDirectoryPath(page.firstTokens[0]!));
    bytes += Buffer.byteLength(json);
    await write(paths.at(-1)!, json);
  }
  const meta: SearchMeta = { version: SEARCH_FORMAT_VERSION, postCount, directory, variants: searchVariantGroups(), tail };
  const json = JSON.stringify(meta);
  await write(SEARCH_META_PATH, json);
  return { bytes: bytes + Buffer.byteLength(json), pages: paths };
}

/** Writes a token's pieces (see splitIntoPieces, in the plain form), numbered from `first`; returns their bytes. */
export async function writePieces(
  token: string,
  pieces: readonly Uint8Array[],
  write: (path: string, body: Uint8Array) => Promise<void>,
  piecePostings = PIECE_POSTINGS,
  first = 0,
  encoder = new PostingsEncoder(),
): Promise<number> {
  let bytes = 0;
  for (const [k, piece] of pieces.entries()) {
    const body = encoder.encode(piece, piecePostings);
    const file = encodeShard({ tokens: [token], ends: [body.length], counts: [piecePostings] }, body);
    bytes += file.length;
    await write(searchPiecePath(token, first + k), file);
  }
  return bytes;
}

/**
 * Cuts a run of tokens, given in token order with the postings their shards hold (all but their
 * pieces), into shards, and hands each shard to `write` as it is complete. Where a shard ends depends
 * only on the tokens since its start (see endsShardBefore): a run begun at an old shard's first token
 * cuts where the old index did, as long as the tokens are the same (see search-patch.ts).
 */
export class ShardCutter {
  /** The first token of each shard written, in order. */
  readonly firstTokens: string[] = [];
  /** Bytes of the shards written. */
  bytes = 0;
  /** Encodes the lists added (writePieces may share it). */
  readonly encoder = new PostingsEncoder();
  /** The shard's header, written as its tokens come (see shard-header.ts). */
  private readonly header = new ShardHeaderWriter();
  /** The shard's first token: its name. */
  private first = '';
  /** The shard's postings so far, in a buffer reused from shard to shard. */
  private body = new Uint8Array(4 * SEARCH_SHARD_BYTES);
  private size = 0;
  private headerSize = 0;
  /** A token given as a string, as units (the string API: the patch's tokens; a build's merged tokens never come here). */
  private units = new Uint16Array(64);

  constructor(
    private readonly write: (path: string, body: Uint8Array) => Promise<void>,
    private readonly shardBytes = SEARCH_SHARD_BYTES,
    /** The file of a shard, from its first token: the tail's shards have their own. */
    private readonly pathOf = searchShardPath,
  ) {}

  /** Whether a token whose shard part has `restLength` bytes (as written) would begin a new shard, after what this one holds. */
  cutsBefore(token: string, restLength: number): boolean {
    return this.cutsBeforeUnits(this.unitsOf(token), 0, token.length, restLength);
  }

  /**
   * Adds a token with the postings its shard holds, in the plain form (see search-postings.ts). Nothing to
   * wait for unless the token begins a new shard: most tokens end none, and awaiting each would cost a
   * promise and a turn of the event loop a token.
   * @returns the write of the shard this token ended, if any: await it before the next add (one shard's
   *   write at a time, and a failed write is the caller's error).
   */
  add(token: string, rest: Uint8Array, restCount: number): Promise<void> | undefined {
    return this.addWritten(token, this.encoder.encode(rest, restCount), restCount);
  }

  /**
   * As `add`, for a list of the token stream with all its postings: a merged token's units and postings
   * are read where they lie, with no string made for them (a view only for a list the encoder compacts).
   */
  addList(list: TokenPostings): Promise<void> | undefined {
    if (!(list instanceof MergedToken)) return this.add(list.token, list.postings, list.count);
    // A short list is written as it is (see PostingsEncoder.encode); a long one is encoded first.
    if (list.count < COMPACT_POSTINGS) return this.addUnits(list.units, list.start, list.end, list.bytes, list.from, list.to, list.count);
    const written = this.encoder.encode(list.postings, list.count);
    return this.addUnits(list.units, list.start, list.end, written, 0, written.length, list.count);
  }

  /**
   * Adds a token with its shard's postings as a file holds them (a patch copies an old shard's so).
   * @returns as `add`: the write of the shard this token ended, if any, to await before the next add.
   */
  addWritten(token: string, rest: Uint8Array, restCount: number): Promise<void> | undefined {
    return this.addUnits(this.unitsOf(token), 0, token.length, rest, 0, rest.length, restCount);
  }

  /** Writes the shard begun, if any. */
  async flush(): Promise<void> {
    if (this.header.tokenCount === 0) return;
    const file = this.header.encodeShard(this.body.subarray(0, this.size));
    const first = this.first;
    this.firstTokens.push(first);
    this.bytes += file.length;
    this.size = 0;
    this.headerSize = 0;
    await this.write(this.pathOf(first), file);
  }

  /** addWritten for the token `units[start]` to `units[end]`, its postings `bytes[from]` to `bytes[to]`. */
  private addUnits(units: Uint16Array, start: number, end: number, bytes: Uint8Array, from: number, to: number, restCount: number): Promise<void> | undefined {
    const length = to - from;
    // flush takes the shard's header and body before its first await: this token starts the next one.
    const written = this.cutsBeforeUnits(units, start, end, length) ? this.flush() : undefined;
    if (this.header.tokenCount === 0) this.first = unitRangeToString(units, start, end);
    if (this.size + length > this.body.length) {
      const grown = new Uint8Array(Math.max(2 * this.body.length, this.size + length));
      grown.set(this.body.subarray(0, this.size));
      this.body = grown;
    }
    // Most lists are a few bytes: a loop, not a view and `set`'s call.
    const body = this.body;
    if (length > 16) body.set(bytes.subarray(from, to), this.size);
    else for (let k = from, at = this.size; k < to; k++) body[at++] = bytes[k]!;
    this.size += length;
    this.header.add(units, start, end, this.size, restCount);
    this.headerSize += tokenHeaderBytes(end - start);
    return written;
  }

  private cutsBeforeUnits(units: Uint16Array, start: number, end: number, restLength: number): boolean {
    return endsShardBefore(units, start, end, this.size + this.headerSize, restLength + tokenHeaderBytes(end - start), this.shardBytes);
  }

  /** A token's units, in a buffer reused from token to token. */
  private unitsOf(token: string): Uint16Array {
    if (token.length > this.units.length) this.units = new Uint16Array(Math.max(2 * this.units.length, token.length));
    for (let k = 0; k < token.length; k++) this.units[k] = token.charCodeAt(k);
    return this.units;
  }
}

/**
 * What a token costs in its shard's header (a shard of many rare tokens is mostly header), front-coded
 * (see encodeShardHeader): about half its characters written, at ~3 bytes a CJK character, plus its
 * prefix length, a line break and two short numbers. Per token, whatever comes before it, so that
 * where shards end depends on the tokens alone (see endsShardBefore).
 */
function tokenHeaderBytes(unitCount: number): number {
  return unitCount * 2 + 6;
}

/**
 * A token's postings as its pieces (each exactly `perPiece` postings, the oldest first) and the rest,
 * which always holds at least one posting: a token with 2 × perPiece postings has one piece, and its
 * second piece is made only when a third lot begins, so a piece, once made, is never rewritten by
 * posts added after the newest. Each part's first delta is its row from zero.
 */
export function splitIntoPieces(list: TokenPostings, perPiece: number): { pieces: Uint8Array[]; rest: Uint8Array; restCount: number } {
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
function endsShardBefore(units: Uint16Array, start: number, end: number, bytes: number, tokenBytes: number, shardBytes: number): boolean {
  if (bytes === 0) return false;
  if (bytes + tokenBytes > 3 * shardBytes) return true;
  if (bytes < shardBytes / 2) return false;
  return mixedHash(units, start, end) / 2 ** 32 < (2 * tokenBytes) / shardBytes;
}

/**
 * fnv1a of the token, read where its units lie, with a final avalanche (mix32, MurmurHash3's fmix32),
 * so that short tokens' hashes spread over all 32 bits.
 */
function mixedHash(units: Uint16Array, start: number, end: number): number {
  return mix32(fnv1aUnits(units, start, end));
}

/**
 * The whole search index in memory, its tail where a build puts it, for tests and tools (builds
 * stream it to disk instead).
 */
export async function buildSearchFiles(
  posts: AsyncIterable<{ row: number; title: string; text: string }>,
  sizes: { shardBytes?: number; piecePostings?: number; tailRows?: number; pageShards?: number } = {},
): Promise<Map<string, Uint8Array | string>> {
  // Where the tail begins depends on the number of posts: known once they are all read.
  const all: { row: number; title: string; text: string }[] = [];
  for await (const post of posts) all.push(post);
  const postCount = all.length;
  const tailFrom = searchTailStart(postCount, sizes.tailRows);
  const head = new SearchIndexBuilder();
  const tail = new SearchIndexBuilder();
  for (const post of all) (post.row < tailFrom ? head : tail).addText(post.row, post.title, post.text);
  const files = new Map<string, Uint8Array | string>();
  const write = async (path: string, body: Uint8Array | string) => void files.set(path, body);
  const written = await writeSearchTail(mergePartialIndexes([tail.exportPartial()]), tailFrom, write, sizes.shardBytes, sizes.pageShards);
  await writeSearchShards(mergePartialIndexes([head.exportPartial()]), postCount, write, {
    shardBytes: sizes.shardBytes,
    piecePostings: sizes.piecePostings,
    tail: written.tail,
    pageShards: sizes.pageShards,
  });
  return files;
}
