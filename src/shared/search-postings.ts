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

/**
 * Lists of at least this many postings are written compact: its 4 bytes of form and weight table cost
 * less than the ~0.7 byte a posting the codes save. @default 16
 */
export const COMPACT_POSTINGS = 16;

const ROWS_DELTAS = 0;
const ROWS_BITMAP = 1;
const EXCEPTION = 3;

/** A list in the plain form (`count` postings) as a file holds it. */
export function encodePostings(plain: Uint8Array, count: number): Uint8Array {
  if (count < COMPACT_POSTINGS) return plain;
  return encodeCompact(decodePlainPostings(plain, count));
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
    at = writeVarintAt(out, at, n === 0 ? rows[0]! : rows[n]! - rows[n - 1]!);
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

function encodeCompact({ rows, weights }: Postings): Uint8Array {
  const count = rows.length;
  const first = rows[0]!;
  const span = rows[count - 1]! - first;
  let deltaBytes = varintLength(first);
  for (let n = 1; n < count; n++) deltaBytes += varintLength(rows[n]! - rows[n - 1]!);
  const bitmapBytes = varintLength(first) + varintLength(span) + (span >> 3) + 1;
  const common = commonestWeights(weights);
  // Compared, not looked up with includes/indexOf: this runs once per posting of the index.
  const [c0, c1, c2] = [common[0]!, common[1]!, common[2]!];
  const codeOf = (weight: number) => (weight === c0 ? 0 : weight === c1 ? 1 : weight === c2 ? 2 : EXCEPTION);
  let exceptions = 0;
  for (let n = 0; n < count; n++) if (codeOf(weights[n]!) === EXCEPTION) exceptions++;
  const out = new Uint8Array(1 + Math.min(deltaBytes, bitmapBytes) + 3 + ((count + 3) >> 2) + exceptions);
  let at = 0;
  if (bitmapBytes < deltaBytes) {
    out[at++] = ROWS_BITMAP;
    at = writeVarintAt(out, at, first);
    at = writeVarintAt(out, at, span);
    for (let n = 0; n < count; n++) out[at + ((rows[n]! - first) >> 3)]! |= 1 << ((rows[n]! - first) & 7);
    at += (span >> 3) + 1;
  } else {
    out[at++] = ROWS_DELTAS;
    for (let n = 0; n < count; n++) at = writeVarintAt(out, at, n === 0 ? first : rows[n]! - rows[n - 1]!);
  }
  out.set(common, at);
  at += 3;
  let exceptionAt = at + ((count + 3) >> 2);
  for (let n = 0; n < count; n++) {
    const code = codeOf(weights[n]!);
    if (code === EXCEPTION) out[exceptionAt++] = weights[n]!;
    out[at + (n >> 2)]! |= code << ((n & 3) * 2);
  }
  return out;
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

/** The three commonest weights of a list, most posts first, ties by value (0 fills a list of fewer). */
function commonestWeights(weights: Uint8Array): Uint8Array {
  const tally = new Uint32Array(256);
  for (let n = 0; n < weights.length; n++) tally[weights[n]!]!++;
  const common = new Uint8Array(3);
  const counts = [0, 0, 0];
  // Ascending weights, so a tie keeps the smaller weight first.
  for (let weight = 0; weight < 256; weight++) {
    const seen = tally[weight]!;
    if (seen === 0) continue;
    let k = 3;
    while (k > 0 && seen > counts[k - 1]!) k--;
    if (k === 3) continue;
    for (let j = 2; j > k; j--) {
      counts[j] = counts[j - 1]!;
      common[j] = common[j - 1]!;
    }
    counts[k] = seen;
    common[k] = weight;
  }
  return common;
}

function varintLength(value: number): number {
  let length = 1;
  for (; value >= 0x80; length++) value = Math.floor(value / 128);
  return length;
}

function writeVarintAt(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 0x80) {
    bytes[at++] = (value & 0x7f) | 0x80;
    value = Math.floor(value / 128);
  }
  bytes[at++] = value;
  return at;
}

/**
 * The unsigned varint at `at` (7 bits a byte, low bits first) and the position after it. The pair
 * costs nothing in V8's optimized code (it is not allocated), and this loop, with its scale, decodes
 * ~4x faster than one raising 2 to a shift.
 */
export function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = bytes[at++]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
  }
}
