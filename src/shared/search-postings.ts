/**
 * A token's postings as a shard or a piece holds them (format 9; see search-format.ts). The build keeps
 * and merges postings in the plain form: per post, ascending, the row minus the previous row (varint;
 * the first is the row itself), then its weight byte. A file holds a short list so, and a list of
 * COMPACT_POSTINGS or more in the compact form, which the header's count announces:
 *
 *   one byte, the rows' form: ROWS_DELTAS (the rows as varint deltas, the first the row itself) or
 *     ROWS_BITMAP (the first row and the last minus the first as varints, then one bit a row between
 *     them, low bit first: set where the token is);
 *   three bytes, the list's commonest weights (most posts first, ties by value);
 *   the weights as 2-bit codes, four a byte, low bits first: 0-2 name one of those three, 3 an exception;
 *   the exceptions' weight bytes, in row order.
 *
 * Why: the lists a cold query reads most are common tokens' (78,860 posts of 200k hold 中央社記), at
 * 2 bytes a post in the plain form, half of it the weight, which takes few values in a list. A token in
 * more than ~1/8 of the rows it spans costs under a byte a post as a bitmap (1/8 byte at most).
 */
import type { Postings } from './search-format.ts';
import { readVarint, varintAt, varintEnd, varintLength, writeVarint } from './varint.ts';

/**
 * Lists of at least this many postings are written compact: its 4 bytes of form and weight table cost
 * less than the ~0.7 byte a posting the codes save. @default 16
 */
export const COMPACT_POSTINGS = 16;

const ROWS_DELTAS = 0;
const ROWS_BITMAP = 1;
const EXCEPTION = 3;

/** A list in the plain form (`count` postings) as a file holds it (a builder writing many: PostingsEncoder). */
export function encodePostings(plain: Uint8Array, count: number): Uint8Array {
  return new PostingsEncoder().encode(plain, count).slice();
}

/**
 * Writes lists in the plain form as files hold them, straight from their bytes and into one buffer it
 * reuses: the build encodes every list of the index (~8M postings at 200k posts), and arrays of their
 * own per list made the main thread collect garbage over a heap of gigabytes.
 */
export class PostingsEncoder {
  private out = new Uint8Array(1 << 16);
  private readonly tally = new Uint32Array(256);
  private readonly seen = new Uint8Array(256);
  private readonly common = new Uint8Array(3);

  /** The list as a file holds it: a view of this encoder's buffer, valid until its next call. */
  encode(plain: Uint8Array, count: number): Uint8Array {
    if (count < COMPACT_POSTINGS) return plain;
    // First pass: the last row, and how often each weight is.
    const tally = this.tally;
    let distinct = 0;
    let at = 0;
    let row = 0;
    let first = 0;
    for (let n = 0; n < count; n++) {
      row += varintAt(plain, at);
      if (n === 0) first = row;
      at = varintEnd(plain, at);
      const weight = plain[at++]!;
      if (tally[weight]!++ === 0) this.seen[distinct++] = weight;
    }
    const span = row - first;
    // A plain list is its rows' varints and a weight byte a posting.
    const deltaBytes = plain.length - count;
    const bitmapBytes = varintLength(first) + varintLength(span) + (span >> 3) + 1;
    const common = this.commonestWeights(distinct);
    const [c0, c1, c2] = [common[0]!, common[1]!, common[2]!];
    const exceptions = count - tally[c0]! - (c1 !== c0 ? tally[c1]! : 0) - (c2 !== c0 && c2 !== c1 ? tally[c2]! : 0);
    for (let k = 0; k < distinct; k++) tally[this.seen[k]!] = 0;

    const size = 1 + Math.min(deltaBytes, bitmapBytes) + 3 + ((count + 3) >> 2) + exceptions;
    if (size > this.out.length) this.out = new Uint8Array(Math.max(size, 2 * this.out.length));
    const out = this.out;
    out.fill(0, 0, size);
    const bitmap = bitmapBytes < deltaBytes;
    let rowsAt = 1;
    if (bitmap) {
      out[0] = ROWS_BITMAP;
      rowsAt = writeVarint(out, writeVarint(out, 1, first), span);
    } else out[0] = ROWS_DELTAS;
    const codesAt = 1 + Math.min(deltaBytes, bitmapBytes);
    out[codesAt] = c0;
    out[codesAt + 1] = c1;
    out[codesAt + 2] = c2;
    const weightsAt = codesAt + 3;
    let exceptionAt = weightsAt + ((count + 3) >> 2);
    // Second pass: the rows (as bits, or the plain form's varints copied) and the weights' codes.
    at = 0;
    row = 0;
    for (let n = 0; n < count; n++) {
      const deltaEnd = varintEnd(plain, at);
      if (bitmap) {
        row += varintAt(plain, at);
        out[rowsAt + ((row - first) >> 3)]! |= 1 << ((row - first) & 7);
      } else while (at < deltaEnd) out[rowsAt++] = plain[at++]!;
      at = deltaEnd;
      const weight = plain[at++]!;
      const code = weight === c0 ? 0 : weight === c1 ? 1 : weight === c2 ? 2 : EXCEPTION;
      if (code === EXCEPTION) out[exceptionAt++] = weight;
      out[weightsAt + (n >> 2)]! |= code << ((n & 3) * 2);
    }
    return out.subarray(0, size);
  }

  /** The three commonest of the `distinct` weights tallied, most posts first, ties by value (0 fills a list of fewer). */
  private commonestWeights(distinct: number): Uint8Array {
    const common = this.common.fill(0);
    const counts = [0, 0, 0];
    for (let k = 0; k < distinct; k++) {
      const weight = this.seen[k]!;
      const posts = this.tally[weight]!;
      let slot = 3;
      while (slot > 0 && (posts > counts[slot - 1]! || (posts === counts[slot - 1]! && weight < common[slot - 1]!))) slot--;
      if (slot === 3) continue;
      for (let j = 2; j > slot; j--) {
        counts[j] = counts[j - 1]!;
        common[j] = common[j - 1]!;
      }
      counts[slot] = posts;
      common[slot] = weight;
    }
    return common;
  }
}

/** A list as a file holds it (`count` postings), decoded. */
export function decodePostings(bytes: Uint8Array, count: number): Postings {
  return count < COMPACT_POSTINGS ? decodePlainPostings(bytes, count) : decodeCompact(bytes, count);
}

/** A list as a file holds it, back in the plain form (for the build that patches the index). */
export function plainPostings(bytes: Uint8Array, count: number): Uint8Array {
  if (count < COMPACT_POSTINGS) return bytes;
  const { rows, weights } = decodeCompact(bytes, count);
  const out = new Uint8Array(count * 6);
  let at = 0;
  for (let n = 0; n < count; n++) {
    at = writeVarint(out, at, n === 0 ? rows[0]! : rows[n]! - rows[n - 1]!);
    out[at++] = weights[n]!;
  }
  return out.slice(0, at);
}

export function decodePlainPostings(bytes: Uint8Array, count: number): Postings {
  const rows = new Int32Array(count);
  const weights = new Uint8Array(count);
  let at = 0;
  let row = 0;
  for (let n = 0; n < count; n++) {
    const [delta, next] = readVarint(bytes, at);
    row += delta;
    rows[n] = row;
    weights[n] = bytes[next]!;
    at = next + 1;
  }
  return { rows, weights };
}

function decodeCompact(bytes: Uint8Array, count: number): Postings {
  const rows = new Int32Array(count);
  const weights = new Uint8Array(count);
  let at = 1;
  if (bytes[0] === ROWS_BITMAP) {
    const [first, afterFirst] = readVarint(bytes, at);
    const [span, afterSpan] = readVarint(bytes, afterFirst);
    at = afterSpan;
    for (let bit = 0, n = 0; bit <= span; bit++) if (bytes[at + (bit >> 3)]! & (1 << (bit & 7))) rows[n++] = first + bit;
    at += (span >> 3) + 1;
  } else {
    let row = 0;
    for (let n = 0; n < count; n++) {
      const [delta, next] = readVarint(bytes, at);
      rows[n] = row += delta;
      at = next;
    }
  }
  const common = bytes.subarray(at, at + 3);
  at += 3;
  let exceptionAt = at + ((count + 3) >> 2);
  for (let n = 0; n < count; n++) {
    const code = (bytes[at + (n >> 2)]! >> ((n & 3) * 2)) & 3;
    weights[n] = code === EXCEPTION ? bytes[exceptionAt++]! : common[code]!;
  }
  return { rows, weights };
}
