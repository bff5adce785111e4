/**
 * Search tokens → the dense ids a SearchIndexBuilder keeps their postings under.
 *
 * A builder looks up every token of every post it is fed, hundreds of thousands of distinct ones per
 * thread: a Map of strings was the largest cost of feeding the index. Nearly every token is a pair of
 * Chinese characters (three UTF-16 units with its mark, search-format.ts's PAIR_MARK) or a gram of three
 * or four characters: those are kept in an open-addressing table under two numbers made of their units,
 * without hashing a string; tokens of one or two units (lone characters, short words) in a table under
 * one number; longer ones in a table of their own (long-token-ids.ts).
 */
import { LongTokenIds } from './long-token-ids.ts';
import { isCrowded, SPREAD } from './open-addressing.ts';
import { sortTriples } from './sort-triples.ts';

/**
 * Distinct tokens a post adds to a thread's tables, as measured on the real corpus. The tables start at
 * twice that for the posts a builder expects (capped), since growing them by doubling costs a rehash.
 */
const SHORT_PER_POST = 3;
const MID_PER_POST = 446;
/** Tokens of five units or more a post adds (on the real-shaped corpus: docs/build-speed.md). */
const LONG_PER_POST = 24;
/** Caps on the first sizes: a builder expecting many posts takes at most ~8, ~48 and ~32 MB a table (2, 3 and 4 numbers a slot) before it holds a token. */
const MAX_START_SLOTS = { short: 1 << 20, mid: 1 << 22, long: 1 << 21 };

/** The smallest power of two, at least 2¹², holding `tokens` at half load, up to `cap`. */
function startSlots(tokens: number, cap: number): number {
  let slots = 1 << 12;
  while (slots < 2 * tokens && slots < cap) slots *= 2;
  return slots;
}

export class TokenIds {
  private long = new LongTokenIds(1 << 12);
  /**
   * The table of one- and two-unit tokens, a slot its key and its id side by side (one cache line read
   * a lookup rather than one an array): a key of 0 is an empty slot (no token holds U+0000: see shortKey).
   */
  private shortSlots = new Uint32Array(2 << 12);
  /** 32 − log2 of the table's size: a slot is the top bits of the key times an odd constant. */
  private shift = 20;
  private short = 0;
  /** The table of three- and four-unit tokens, a slot its two numbers (see midHigh) and its id; a high number of 0 is an empty slot. */
  private midSlots = new Uint32Array(3 << 12);
  private midShift = 20;
  private mid = 0;

  /** `expectedPosts`: the posts whose tokens it will hold, to size its tables from the start. @default 0 */
  constructor(expectedPosts = 0) {
    this.reset(
      startSlots(expectedPosts * SHORT_PER_POST, MAX_START_SLOTS.short),
      startSlots(expectedPosts * MID_PER_POST, MAX_START_SLOTS.mid),
      startSlots(expectedPosts * LONG_PER_POST, MAX_START_SLOTS.long),
    );
  }

  /** Tokens the three tables hold together at ¾ load: what a builder sizes its columns for (one table may grow well before). */
  get capacity(): number {
    return Math.floor((3 * (this.shortSlots.length / 2 + this.midSlots.length / 3 + this.long.slotCount)) / 4);
  }

  get size(): number {
    return this.short + this.mid + this.long.size;
  }

  /** The id of `token`, if held (tests: a build asks idOf). */
  get(token: string): number | undefined {
    const key = shortKey(token, 0, token.length);
    if (key !== 0) {
      const at = this.shortPlace(key);
      return this.shortSlots[at] === 0 ? undefined : this.shortSlots[at + 1];
    }
    const high = midHigh(token, 0, token.length);
    if (high === 0) return this.long.get(token, 0, token.length);
    const at = this.midPlace(high, midLow(token, 0, token.length));
    return this.midSlots[at] === 0 ? undefined : this.midSlots[at + 2];
  }

  /**
   * The id of the token `text.slice(start, end)`, giving it the next id (`size` before the call) when it
   * is not held yet: one probe finds it or the slot it takes, and no string is made for it (most of a
   * builder's lookups are of tokens it has not seen).
   */
  idOf(text: string, start: number, end: number): number {
    const key = shortKey(text, start, end);
    if (key !== 0) return this.shortIdOf(key);
    const high = midHigh(text, start, end);
    return high === 0 ? this.long.idOf(text, start, end, this.size) : this.midIdOf(high, midLow(text, start, end));
  }

  /** Every token with its id (short ones first). */
  *entries(): IterableIterator<[token: string, id: number]> {
    const shortSlots = this.shortSlots;
    for (let at = 0; at < shortSlots.length; at += 2) {
      const key = shortSlots[at]!;
      if (key !== 0) yield [key > 0xffff ? String.fromCharCode(key >>> 16, key & 0xffff) : String.fromCharCode(key), shortSlots[at + 1]!];
    }
    const midSlots = this.midSlots;
    for (let at = 0; at < midSlots.length; at += 3) {
      const high = midSlots[at]!;
      if (high === 0) continue;
      yield [midToken(high, midSlots[at + 1]!), midSlots[at + 2]!];
    }
    yield* this.long.entries();
  }

  /**
   * Every token in code-unit order (the order of `<`), as units end to end (token k is
   * `units[starts[k]]` to `units[starts[k + 1]]`), with its id: one transferable buffer rather than a
   * string per token, which cost ~0.9 s a million to receive on another thread. Tokens of up to four
   * units are sorted as 64-bit numbers (their units, zero-padded: no unit is 0) without a comparator
   * call per pair (~3 s a worker on the real corpus); longer ones, and any holding U+0000 (moved to the
   * long tokens' table first), where their units lie, with no string each (~35 MB of a 32k-row builder's heap).
   * Its tables are emptied after it (the sort reuses the mid table's memory): a spent TokenIds holds nothing.
   */
  sortedUnits(): { units: Uint16Array; starts: Uint32Array; ids: Uint32Array } {
    const held = this.short + this.mid;
    const midSlots = this.midSlots;
    // Each token as (high, low, id), compacted into the front of the mid table's own memory when they
    // fit (a write never passes the slot being read): sorted with their ids, not looked up again after.
    const triples = midSlots.length >= 3 * held ? midSlots : new Uint32Array(3 * held);
    let n = 0;
    let unitCount = 0;
    const long = this.long;
    for (let at = 0; at < midSlots.length; at += 3) {
      const high = midSlots[at]!;
      if (high === 0) continue;
      const low = midSlots[at + 1]!;
      const id = midSlots[at + 2]!;
      if ((high & 0xffff) === 0 || low >>> 16 === 0) long.add(midToken(high, low), id);
      else {
        triples[3 * n] = high;
        triples[3 * n + 1] = low;
        triples[3 * n++ + 2] = id;
        unitCount += (low & 0xffff) === 0 ? 3 : 4;
      }
    }
    const shortSlots = this.shortSlots;
    for (let at = 0; at < shortSlots.length; at += 2) {
      const key = shortSlots[at]!;
      if (key === 0) continue;
      if (key > 0xffff && (key & 0xffff) === 0) long.add(String.fromCharCode(key >>> 16, 0), shortSlots[at + 1]!);
      else {
        triples[3 * n] = key > 0xffff ? key : key << 16;
        triples[3 * n + 1] = 0;
        triples[3 * n++ + 2] = shortSlots[at + 1]!;
        unitCount += key > 0xffff ? 2 : 1;
      }
    }
    unitCount += long.unitCount;
    const sorted = sortTriples(triples, n);
    const others = long.sortedSlots();
    const otherUnits = long.heldUnits;
    const units = new Uint16Array(unitCount);
    const starts = new Uint32Array(n + others.length + 1);
    const ids = new Uint32Array(n + others.length);
    let at = 0;
    let count = 0;
    let other = 0;
    const putOther = () => {
      const slot = others[other++]!;
      const offset = long.offsetAt(slot);
      const end = offset + long.lengthAt(slot);
      // A loop, not `set` of a subarray made a token.
      for (let from = offset; from < end; from++) units[at++] = otherUnits[from]!;
      ids[count] = long.idAt(slot);
      starts[++count] = at;
    };
    for (let k = 0; k < n; k++) {
      const high = sorted[3 * k]!;
      const low = sorted[3 * k + 1]!;
      while (other < others.length && comparePacked(high, low, otherUnits, long.offsetAt(others[other]!), long.lengthAt(others[other]!)) > 0) putOther();
      at = writePackedUnits(high, low, units, at);
      ids[count] = sorted[3 * k + 2]!;
      starts[++count] = at;
    }
    while (other < others.length) putOther();
    this.reset(1 << 12, 1 << 12, 1 << 12);
    return { units, starts, ids };
  }

  private reset(short: number, mid: number, long: number): void {
    this.long = new LongTokenIds(long);
    this.shortSlots = new Uint32Array(2 * short);
    this.shift = 32 - Math.log2(short);
    this.short = 0;
    this.midSlots = new Uint32Array(3 * mid);
    this.midShift = 32 - Math.log2(mid);
    this.mid = 0;
  }

  /** Where `key` lies in the short table, or the empty slot it would take: the one probe of every lookup and placing. */
  private shortPlace(key: number): number {
    const slots = this.shortSlots;
    const mask = (slots.length >>> 1) - 1;
    for (let slot = Math.imul(key, SPREAD) >>> this.shift; ; slot = (slot + 1) & mask) {
      const held = slots[2 * slot]!;
      if (held === key || held === 0) return 2 * slot;
    }
  }

  /** Where the token (`high`, `low`) lies in the mid table, or the empty slot it would take. */
  private midPlace(high: number, low: number): number {
    const slots = this.midSlots;
    const mask = slots.length / 3 - 1;
    for (let slot = midSlot(high, low, this.midShift); ; slot = (slot + 1) & mask) {
      const held = slots[3 * slot]!;
      if (held === 0 || (held === high && slots[3 * slot + 1] === low)) return 3 * slot;
    }
  }

  private shortIdOf(key: number): number {
    if (isCrowded(this.short + 1, this.shortSlots.length / 2)) this.grow();
    const slots = this.shortSlots;
    const at = this.shortPlace(key);
    if (slots[at] !== 0) return slots[at + 1]!;
    const id = this.size;
    slots[at] = key;
    slots[at + 1] = id;
    this.short++;
    return id;
  }

  private midIdOf(high: number, low: number): number {
    if (isCrowded(this.mid + 1, this.midSlots.length / 3)) this.growMid();
    const slots = this.midSlots;
    const at = this.midPlace(high, low);
    if (slots[at] !== 0) return slots[at + 2]!;
    const id = this.size;
    slots[at] = high;
    slots[at + 1] = low;
    slots[at + 2] = id;
    this.mid++;
    return id;
  }

  private growMid(): void {
    const old = this.midSlots;
    const slots = (this.midSlots = new Uint32Array(old.length * 2));
    this.midShift--;
    for (let from = 0; from < old.length; from += 3) {
      if (old[from] === 0) continue;
      const at = this.midPlace(old[from]!, old[from + 1]!);
      slots[at] = old[from]!;
      slots[at + 1] = old[from + 1]!;
      slots[at + 2] = old[from + 2]!;
    }
  }

  private grow(): void {
    const old = this.shortSlots;
    const slots = (this.shortSlots = new Uint32Array(old.length * 2));
    this.shift--;
    for (let from = 0; from < old.length; from += 2) {
      if (old[from] === 0) continue;
      const at = this.shortPlace(old[from]!);
      slots[at] = old[from]!;
      slots[at + 1] = old[from + 1]!;
    }
  }
}

/**
 * A token (`text` from `start` to `end`) of one or two UTF-16 units as a number: the unit, or the first unit × 2¹⁶ + the second, so
 * that one never equals the other. 0 for every other token, and for one opening with U+0000 (which the
 * tokenizer never makes, but which would make the two forms meet).
 */
function shortKey(text: string, start: number, end: number): number {
  if (end - start === 1) return text.charCodeAt(start);
  if (end - start !== 2) return 0;
  const first = text.charCodeAt(start);
  return first === 0 ? 0 : ((first << 16) | text.charCodeAt(start + 1)) >>> 0;
}

/**
 * A token of three or four UTF-16 units as two numbers: the first two units (the high number), and the
 * third × 2¹⁶ plus the fourth, or 0 for three units (the low). 0 as the high number for every other
 * token, and for one holding U+0000 where it would make two forms meet (first or fourth unit).
 */
function midHigh(text: string, start: number, end: number): number {
  const length = end - start;
  if (length !== 3 && length !== 4) return 0;
  const first = text.charCodeAt(start);
  if (first === 0 || (length === 4 && text.charCodeAt(start + 3) === 0)) return 0;
  return ((first << 16) | text.charCodeAt(start + 1)) >>> 0;
}

function midLow(text: string, start: number, end: number): number {
  return ((text.charCodeAt(start + 2) << 16) | (end - start === 4 ? text.charCodeAt(start + 3) : 0)) >>> 0;
}

/** A key's slot, every bit of both numbers mixed in: a pair's low number holds only its top 16 bits. */
function midSlot(high: number, low: number, shift: number): number {
  const mixed = Math.imul(low ^ (low >>> 16), 0x85ebca6b) ^ high;
  return Math.imul(mixed ^ (mixed >>> 16), SPREAD) >>> shift;
}

/** A packed key (see sortedUnits) against a token of `units` (`length` of them at `offset`), in the order of `<`: negative, 0 or positive. */
function comparePacked(high: number, low: number, units: Uint16Array, offset: number, length: number): number {
  for (let k = 0; k < 4; k++) {
    const unit = k === 0 ? high >>> 16 : k === 1 ? high & 0xffff : k === 2 ? low >>> 16 : low & 0xffff;
    if (unit === 0) return k < length ? -1 : 0;
    if (k >= length) return 1;
    const other = units[offset + k]!;
    if (unit !== other) return unit - other;
  }
  return length > 4 ? -1 : 0;
}

/** A packed key's units (see sortedUnits: up to four, none of them 0) written into `units` at `at`; returns the end. */
export function writePackedUnits(high: number, low: number, units: Uint16Array, at: number): number {
  units[at++] = high >>> 16;
  if ((high & 0xffff) !== 0) units[at++] = high & 0xffff;
  if (low !== 0) {
    units[at++] = low >>> 16;
    if ((low & 0xffff) !== 0) units[at++] = low & 0xffff;
  }
  return at;
}

/** A token of the three- and four-unit table (see midHigh). */
function midToken(high: number, low: number): string {
  return (low & 0xffff) === 0
    ? String.fromCharCode(high >>> 16, high & 0xffff, low >>> 16)
    : String.fromCharCode(high >>> 16, high & 0xffff, low >>> 16, low & 0xffff);
}
