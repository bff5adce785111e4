/**
 * A shard's header written as UTF-8 bytes a token at a time, from the tokens' UTF-16 units where they
 * lie: the bytes `encodeShard` makes from encodeShardHeader's string (src/shared/search-format.ts), with
 * no string a token, no front-coded string joined and no JSON.stringify or TextEncoder over it.
 */
import { SHARED_BASE, isHighSurrogate } from '../../shared/search-format.ts';

/** The escapes JSON.stringify writes for the control characters that have a short one. */
const SHORT_ESCAPES: Readonly<Record<number, number>> = { 0x08: 0x62, 0x09: 0x74, 0x0a: 0x6e, 0x0c: 0x66, 0x0d: 0x72 };

const HEX = '0123456789abcdef';
const asciiBytes = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const OPEN = asciiBytes('{"t":"');
const BEFORE_LENGTHS = asciiBytes('","l":[');
const BEFORE_COUNTS = asciiBytes('],"c":[');
const CLOSE = asciiBytes(']}');

export class ShardHeaderWriter {
  /** The tokens front-coded, escaped and in UTF-8: what goes between the quotes of `t`. */
  private text = new Uint8Array(1 << 16);
  private textUsed = 0;
  /** The last token added, to front-code the next against. */
  private previous = new Uint16Array(64);
  private previousLength = 0;
  private lengths: number[] = [];
  private counts: number[] = [];
  private lastEnd = 0;
  /** The token's front-coded units: its shared-prefix character, then the rest. */
  private coded = new Uint16Array(65);

  get tokenCount(): number {
    return this.counts.length;
  }

  /** Adds the token `units[start]` to `units[end]`, whose postings end at `end` bytes into the shard's body and number `count`. */
  add(units: Uint16Array, start: number, end: number, postingsEnd: number, count: number): void {
    const length = end - start;
    const previous = this.previous;
    const most = Math.min(this.previousLength, length);
    let shared = 0;
    while (shared < most && previous[shared] === units[start + shared]) shared++;
    // Never between the two halves of a surrogate pair (as encodeShardHeader).
    if (shared > 0 && shared < length && isHighSurrogate(units[start + shared - 1]!)) shared--;
    if (length > previous.length) {
      this.previous = new Uint16Array(Math.max(2 * previous.length, length));
      this.previous.set(previous.subarray(0, shared));
    }
    for (let k = shared; k < length; k++) this.previous[k] = units[start + k]!;
    this.previousLength = length;
    const codedLength = 1 + length - shared;
    if (codedLength > this.coded.length) this.coded = new Uint16Array(Math.max(2 * this.coded.length, codedLength));
    const coded = this.coded;
    coded[0] = SHARED_BASE + shared;
    for (let k = shared; k < length; k++) coded[1 + k - shared] = units[start + k]!;
    // At most 6 bytes a unit (\uXXXX), and the line break before it.
    if (this.textUsed + 6 * codedLength + 2 > this.text.length) this.text = grown(this.text, this.textUsed + 6 * codedLength + 2);
    if (this.counts.length > 0) this.textUsed = escapeUnits(this.text, this.textUsed, NEW_LINE, 1);
    this.textUsed = escapeUnits(this.text, this.textUsed, coded, codedLength);
    this.lengths.push(postingsEnd - this.lastEnd);
    this.lastEnd = postingsEnd;
    this.counts.push(count);
  }

  /** The shard's file: the header's length (u32, little-endian), the header, then `body`. The writer starts a new header. */
  encodeShard(body: Uint8Array): Uint8Array {
    const header = new Uint8Array(OPEN.length + this.textUsed + BEFORE_LENGTHS.length + BEFORE_COUNTS.length + CLOSE.length + 11 * 2 * this.counts.length);
    let at = put(header, 0, OPEN);
    header.set(this.text.subarray(0, this.textUsed), at);
    at = put(header, at + this.textUsed, BEFORE_LENGTHS);
    at = putNumbers(header, at, this.lengths);
    at = put(header, at, BEFORE_COUNTS);
    at = putNumbers(header, at, this.counts);
    at = put(header, at, CLOSE);
    const file = new Uint8Array(4 + at + body.length);
    new DataView(file.buffer).setUint32(0, at, true);
    file.set(header.subarray(0, at), 4);
    file.set(body, 4 + at);
    this.textUsed = 0;
    this.previousLength = 0;
    this.lengths = [];
    this.counts = [];
    this.lastEnd = 0;
    return file;
  }
}

const NEW_LINE = Uint16Array.of(0x0a);

/**
 * Writes `units[0]` to `units[length]` at `at` as JSON.stringify and UTF-8 would: `"`, `\` and control
 * characters escaped, a lone surrogate as \uXXXX, a pair as one 4-byte character. Returns the end.
 */
function escapeUnits(out: Uint8Array, at: number, units: Uint16Array, length: number): number {
  for (let k = 0; k < length; k++) {
    const unit = units[k]!;
    if (unit < 0x80) {
      if (unit >= 0x20 && unit !== 0x22 && unit !== 0x5c) out[at++] = unit;
      else if (unit === 0x22 || unit === 0x5c) {
        out[at++] = 0x5c;
        out[at++] = unit;
      } else if (SHORT_ESCAPES[unit] !== undefined) {
        out[at++] = 0x5c;
        out[at++] = SHORT_ESCAPES[unit];
      } else at = putEscaped(out, at, unit);
    } else if (unit < 0x800) {
      out[at++] = 0xc0 | (unit >> 6);
      out[at++] = 0x80 | (unit & 0x3f);
    } else if (unit < 0xd800 || unit > 0xdfff) {
      out[at++] = 0xe0 | (unit >> 12);
      out[at++] = 0x80 | ((unit >> 6) & 0x3f);
      out[at++] = 0x80 | (unit & 0x3f);
    } else if (isHighSurrogate(unit) && k + 1 < length && isLowSurrogate(units[k + 1]!)) {
      const point = 0x10000 + ((unit - 0xd800) << 10) + (units[++k]! - 0xdc00);
      out[at++] = 0xf0 | (point >> 18);
      out[at++] = 0x80 | ((point >> 12) & 0x3f);
      out[at++] = 0x80 | ((point >> 6) & 0x3f);
      out[at++] = 0x80 | (point & 0x3f);
    } else at = putEscaped(out, at, unit);
  }
  return at;
}

/** `\u` and the unit's four hex digits, lower case (as JSON.stringify writes them). */
function putEscaped(out: Uint8Array, at: number, unit: number): number {
  out[at++] = 0x5c;
  out[at++] = 0x75;
  for (let shift = 12; shift >= 0; shift -= 4) out[at++] = HEX.charCodeAt((unit >> shift) & 0xf);
  return at;
}

/** Numbers in decimal, joined by commas. */
function putNumbers(out: Uint8Array, at: number, numbers: readonly number[]): number {
  for (let n = 0; n < numbers.length; n++) {
    if (n > 0) out[at++] = 0x2c;
    let value = numbers[n]!;
    let digits = 1;
    for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    at += digits;
    for (let k = at - 1; k >= at - digits; k--) {
      out[k] = 0x30 + (value % 10);
      value = Math.floor(value / 10);
    }
  }
  return at;
}

function put(out: Uint8Array, at: number, bytes: Uint8Array): number {
  out.set(bytes, at);
  return at + bytes.length;
}

function grown(bytes: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const larger = new Uint8Array(Math.max(2 * bytes.length, size));
  larger.set(bytes);
  return larger;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
