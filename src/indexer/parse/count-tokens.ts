/**
 * One post's search tokens and their weights: the tokens search-text.ts defines (foldText, then
 * tokenizeFolded), counted without making a string of every occurrence.
 *
 * Counting is a sixth of what parsing a post costs, and a post's text holds ~1,000 token occurrences
 * for ~450 distinct tokens, nearly all of them pairs of Chinese characters: rather than a string per
 * occurrence counted in a Map of strings (docs/build-speed.md), the text is
 * folded into a buffer of UTF-16 units, a CJK token of the Basic Multilingual Plane (a lone character, a
 * pair, a gram of three or four) is counted under its units as a number of up to 64 bits, and the
 * other tokens (words, joins, rarer characters, context tokens) under their units, hashed where they lie:
 * no string is made for any of them. The distinct tokens become one string, at the end.
 *
 * The tokens come out in the order they first occur, the same order as counting them the plain way:
 * test/unit/count-tokens.test.ts holds the two to the same result. The post's context tokens
 * (search-contexts.ts: what makes runs of five characters or more exact) come last, without the title bit.
 */
import { CONTEXT_MARK, contextTokenRanges, NONE } from '../../shared/search-contexts.ts';
import { growArray } from '../../shared/grow-array.ts';
import { MAX_OCCURRENCES, PAIR_MARK_UNIT, TITLE_BIT } from '../../shared/search-format.ts';
import { codePointOfUnits, FoldedUnits, isCjk, isJoiner, isSpace, isWordChar, MAX_WORD_LENGTH, RUN_GRAM } from '../../shared/search-text.ts';

/**
 * One post's tokens, each with its weight byte (see search-format.ts). The tokens are kept joined by
 * line breaks (which no token holds): as the store keeps them, and as the index builder reads them,
 * without a string per token (splitting 450 tokens cost ~20 µs a post).
 */
export interface SearchTokens {
  joined: string;
  weights: Uint8Array;
}

/** The tokens one by one. */
export function searchTokenList(search: SearchTokens): string[] {
  return search.joined === '' ? [] : search.joined.split('\n');
}

/** `scratch`: the caller's buffers, reused from post to post (see TokenScratch). */
export function countSearchTokens(title: string, text: string, scratch: TokenScratch): SearchTokens {
  const counter = new TokenCounter(scratch, title.length + text.length);
  counter.count(title, true);
  counter.count(text, false);
  counter.countContexts();
  return counter.result();
}

/** Units made a string per call of String.fromCharCode: well under any engine's limit on arguments. */
const CHUNK = 8192;
/** Whether a Uint16Array's bytes are UTF-16LE, as Buffer reads them (every platform Node runs on, but checked). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const SPREAD = 0x9e3779b1;
/** Mixes a key's high half into its low one before the spread (another odd constant). */
const MIX = 0x85ebca6b;
/** Steps a string token's hash over each of its units (FNV's 32-bit prime). */
const UNIT_STEP = 0x01000193;
const CONTEXT_MARK_UNIT = CONTEXT_MARK.charCodeAt(0);
/** A slot of the number table: its stamp, the token's `low` and `high`, and its entry. */
const NUMBER_SLOT = 4;
/** A slot of the string table: its stamp, the token's hash, and its entry. */
const STRING_SLOT = 3;

/**
 * The buffers counts reuse from post to post, so that counting a post allocates little but its result.
 * Made by the caller, one for each thread that counts (a build worker makes one for its life): one count
 * at a time, as nothing in a count awaits.
 */
export class TokenScratch {
  /** The text being counted, folded. */
  folded = new FoldedUnits();
  /** The tokens joined by line breaks, as units (see result). */
  joinedUnits = new Uint16Array(4096);
  /**
   * The numbered tokens' table (see addNumber), NUMBER_SLOT numbers a slot side by side: a probe reads
   * one cache line, not one in each of four arrays. A count uses only its first slots, as many as its
   * text needs (see TokenCounter), so that a small post's probes stay in a small part of memory.
   */
  numberSlots = new Uint32Array(1024 * NUMBER_SLOT);
  /** The string tokens' table (see addKey), STRING_SLOT numbers a slot. */
  stringSlots = new Uint32Array(1024 * STRING_SLOT);
  /** Where a table grows into: the old one is placed again there, and the two swap. */
  spareNumberSlots = new Uint32Array(0);
  spareStringSlots = new Uint32Array(0);
  /** The count whose slots are live: a new stamp empties both tables without touching them. */
  stamp = 0;
  /** The numbered tokens of the count under way, in the order they first occur (see addNumber). */
  numberedLows = new Uint32Array(1024);
  numberedHighs = new Uint32Array(1024);
  /** The string token being looked up, as units (see addKey). */
  key = new Uint16Array(256);
  /** The count's distinct string tokens, their units one after another: token k is pool[poolStarts[k] to poolStarts[k + 1]]. */
  pool = new Uint16Array(8192);
  poolStarts = new Int32Array(256);
  /**
   * The count's distinct tokens in the order they first occur: the index of a numbered one, or -1 - the
   * index of a string one.
   */
  entryTokens = new Int32Array(1024);
  /** Per entry: occurrences × 2, plus the title bit. */
  entryValues = new Int32Array(1024);
  /** The post's texts as runPoints makes them (search-contexts.ts): CJK code points, anything else -1. */
  runPointBuffer = new Int32Array(4096);
}

class TokenCounter {
  private entries = 0;
  /** Distinct string tokens so far, and the units they take in the pool. */
  private strings = 0;
  private poolLength = 0;
  /** Units of the string token being looked up (in scratch.key). */
  private keyLength = 0;
  private numbered = 0;
  /** Each table's slots in this count, and 32 − log2 of them: a slot is the top bits of a hash. */
  private numberSlotCount: number;
  private numberShift: number;
  private stringSlotCount: number;
  private stringShift: number;
  /** TITLE_BIT while counting the title, else 0. */
  private titleBit = 0;
  /** The current CJK run's last RUN_GRAM - 1 code points (see tokenize, written for RUN_GRAM = 4). */
  private readonly recent: number[] = [0, 0, 0];
  /** Code points in runPointBuffer so far. */
  private points = 0;

  /** `textLength`: the title's and the text's, in units; a post holds ~1.25 distinct tokens per unit. */
  constructor(
    private readonly scratch: TokenScratch,
    textLength: number,
  ) {
    // A new stamp empties the tables without touching them.
    scratch.stamp = (scratch.stamp + 1) >>> 0;
    if (scratch.stamp === 0) {
      for (const slots of [scratch.numberSlots, scratch.stringSlots, scratch.spareNumberSlots, scratch.spareStringSlots]) slots.fill(0);
      scratch.stamp = 1;
    }
    // Room for about as many numbered tokens as units at half load, fewer string ones; grown if short.
    const numberBits = Math.max(10, Math.ceil(Math.log2(textLength * 2)));
    const stringBits = Math.max(8, Math.ceil(Math.log2(textLength)));
    this.numberSlotCount = 2 ** numberBits;
    this.numberShift = 32 - numberBits;
    this.stringSlotCount = 2 ** stringBits;
    this.stringShift = 32 - stringBits;
    scratch.numberSlots = growArray(scratch.numberSlots, this.numberSlotCount * NUMBER_SLOT, 0);
    scratch.stringSlots = growArray(scratch.stringSlots, this.stringSlotCount * STRING_SLOT, 0);
  }

  count(text: string, inTitle: boolean): void {
    this.titleBit = inTitle ? TITLE_BIT : 0;
    const folded = this.scratch.folded;
    folded.length = 0;
    folded.append(text);
    this.tokenize();
  }

  /** The markers and context grams of the texts counted so far (see search-contexts.ts). */
  countContexts(): void {
    this.titleBit = 0;
    const points = this.scratch.runPointBuffer.subarray(0, this.points);
    contextTokenRanges(points, (start, end, next) => {
      this.keyLength = 0;
      for (let at = start; at < end; at++) this.keyPoint(points[at]!);
      if (next >= 0) {
        this.keyPoint(next);
        this.keyUnit(CONTEXT_MARK_UNIT);
      }
      this.addKey();
    });
  }

  result(): SearchTokens {
    // The tokens joined, written as units and made a string at once: no string per token.
    const length = this.numbered * 5 + this.poolLength + this.strings;
    const scratch = this.scratch;
    scratch.joinedUnits = growArray(scratch.joinedUnits, length, 0);
    const { joinedUnits, entryTokens, entryValues, numberedLows, numberedHighs, pool, poolStarts } = scratch;
    let at = 0;
    for (let n = 0; n < this.entries; n++) {
      if (at > 0) joinedUnits[at++] = 0x0a;
      const entry = entryTokens[n]!;
      if (entry < 0) {
        const end = poolStarts[-entry]!;
        for (let k = poolStarts[-1 - entry]!; k < end; k++) joinedUnits[at++] = pool[k]!;
        continue;
      }
      const low = numberedLows[entry]!;
      const high = numberedHighs[entry]!;
      if (low > 0xffff) joinedUnits[at++] = low >>> 16;
      if (low > 0xffff && high === 0) joinedUnits[at++] = PAIR_MARK_UNIT; // a pair, numbered without its mark
      joinedUnits[at++] = low & 0xffff;
      if (high !== 0) joinedUnits[at++] = high >>> 16;
      if ((high & 0xffff) !== 0) joinedUnits[at++] = high & 0xffff;
    }
    const joined = unitsToString(joinedUnits, at);
    const weights = new Uint8Array(this.entries);
    for (let n = 0; n < this.entries; n++) {
      const value = entryValues[n]!;
      weights[n] = (Math.min(value >> 1, MAX_OCCURRENCES) << 1) | (value & TITLE_BIT);
    }
    return { joined, weights };
  }

  /**
   * tokenizeFolded over `units`, each token counted as it is found; and the units' runPoints (see
   * search-contexts.ts) appended to runPointBuffer in the same pass, with the NONE that ends them.
   */
  private tokenize(): void {
    const scratch = this.scratch;
    const { units, length: end } = scratch.folded;
    scratch.runPointBuffer = growArray(scratch.runPointBuffer, this.points + end + 1, this.points);
    const runPoints = scratch.runPointBuffer;
    let points = this.points;
    // The current CJK run's last RUN_GRAM - 1 code points, oldest first, and how many there are.
    const recent = this.recent;
    let held = 0;
    let previousWordStart = -1; // the Latin word just before, with only a joiner between: [start, end)
    let previousWordEnd = -1;
    let joiner = 0; // what separates it from here: 0 (nothing yet), or the joiner's code (space: 0x20)
    // The pair of Latin words that the word just before ends, if it ends one: its first word and joiner.
    let pairStart = -1;
    let pairEnd = -1;
    let pairJoiner = 0;
    let endedStart = -1; // the Latin word that ends right here, with nothing between
    let endedEnd = -1;
    let i = 0;
    while (i < end) {
      const point = codePointOfUnits(units, i, end);
      const width = point > 0xffff ? 2 : 1;
      if (isCjk(point)) {
        runPoints[points++] = point;
        if (held > 0) this.addPair(recent[held - 1]!, point);
        else if (endedStart >= 0) {
          this.keyLength = 0;
          this.keyUnits(endedStart, endedEnd);
          this.keyPoint(point);
          this.addKey();
        }
        if (held === RUN_GRAM - 1) {
          this.addGram(recent[0]!, recent[1]!, recent[2]!, point);
          recent[0] = recent[1]!;
          recent[1] = recent[2]!;
          held--;
        }
        recent[held++] = point;
        previousWordStart = -1;
        endedStart = -1;
        i += width;
        continue;
      }
      const lastCjk = held > 0 ? recent[held - 1]! : -1;
      this.endRun(held);
      held = 0;
      runPoints[points++] = NONE;
      if (isWordChar(point)) {
        let wordEnd = i + width;
        while (wordEnd < end) {
          const next = codePointOfUnits(units, wordEnd, end);
          if (!isWordChar(next)) break;
          runPoints[points++] = NONE;
          wordEnd += next > 0xffff ? 2 : 1;
        }
        if (wordEnd - i <= MAX_WORD_LENGTH) {
          this.keyLength = 0;
          this.keyUnits(i, wordEnd);
          this.addKey();
          if (lastCjk >= 0) {
            this.keyLength = 0;
            this.keyPoint(lastCjk);
            this.keyUnits(i, wordEnd);
            this.addKey();
          }
          let newPairStart = -1;
          if (previousWordStart >= 0 && joiner !== 0) {
            this.keyLength = 0;
            this.keyUnits(previousWordStart, previousWordEnd);
            this.keyUnit(joiner);
            this.keyUnits(i, wordEnd);
            this.addKey();
            if (pairStart >= 0) {
              this.keyLength = 0;
              this.keyUnits(pairStart, pairEnd);
              this.keyUnit(pairJoiner);
              this.keyUnits(previousWordStart, previousWordEnd);
              this.keyUnit(joiner);
              this.keyUnits(i, wordEnd);
              this.addKey();
            }
            newPairStart = previousWordStart;
            pairEnd = previousWordEnd;
            pairJoiner = joiner;
          }
          pairStart = newPairStart;
          previousWordStart = endedStart = i;
          previousWordEnd = endedEnd = wordEnd;
        } else {
          previousWordStart = -1;
          endedStart = -1;
        }
        joiner = 0;
        i = wordEnd;
        continue;
      }
      // A separator: white space keeps two Latin words adjacent, and so does one joiner right after a word.
      if (previousWordStart >= 0) {
        if (isSpace(point) && (joiner === 0 || joiner === 0x20)) joiner = 0x20;
        else if (isJoiner(point) && joiner === 0 && i + 1 < end && isWordChar(codePointOfUnits(units, i + 1, end))) joiner = point;
        else previousWordStart = -1;
      }
      endedStart = -1;
      i += width;
    }
    this.endRun(held);
    runPoints[points++] = NONE;
    this.points = points;
  }

  /** The run's last grams (its last `held` code points), cut short by its end; its pair is a token already. */
  private endRun(held: number): void {
    const recent = this.recent;
    if (held === 3) this.addGram(recent[0]!, recent[1]!, recent[2]!, 0);
    if (held > 0) this.addPoint(recent[held - 1]!);
  }

  private addPair(first: number, second: number): void {
    if (first > 0xffff || second > 0xffff) {
      // pairToken's units
      this.keyLength = 0;
      this.keyPoint(first);
      this.keyUnit(PAIR_MARK_UNIT);
      this.keyPoint(second);
      this.addKey();
    } else this.addNumber(((first << 16) | second) >>> 0, 0);
  }

  private addPoint(point: number): void {
    if (point > 0xffff) {
      this.keyLength = 0;
      this.keyPoint(point);
      this.addKey();
    } else this.addNumber(point, 0);
  }

  /** A gram of four CJK code points, or of three (`d` 0). */
  private addGram(a: number, b: number, c: number, d: number): void {
    if ((a | b | c | d) > 0xffff) {
      this.keyLength = 0;
      this.keyPoint(a);
      this.keyPoint(b);
      this.keyPoint(c);
      if (d !== 0) this.keyPoint(d);
      this.addKey();
    } else this.addNumber(((a << 16) | b) >>> 0, ((c << 16) | d) >>> 0);
  }

  /**
   * A CJK token of BMP units, as `low` (one unit, or first << 16 | second: never below 0x10000, as the
   * first is a CJK character) and `high` (0, third << 16, or third << 16 | fourth: CJK units are never
   * 0). Open addressing; slots of an older stamp are empty.
   */
  private addNumber(low: number, high: number): void {
    const scratch = this.scratch;
    if ((this.numbered + 1) * 2 > this.numberSlotCount) this.growNumberTable();
    const { numberSlots: slots, stamp } = scratch;
    const mask = this.numberSlotCount * NUMBER_SLOT - NUMBER_SLOT;
    let at = (Math.imul(low ^ Math.imul(high, MIX), SPREAD) >>> this.numberShift) * NUMBER_SLOT;
    while (slots[at] === stamp) {
      if (slots[at + 1] === low && slots[at + 2] === high) {
        this.bump(slots[at + 3]!);
        return;
      }
      at = (at + NUMBER_SLOT) & mask;
    }
    slots[at] = stamp;
    slots[at + 1] = low;
    slots[at + 2] = high;
    slots[at + 3] = this.entries;
    if (this.numbered === scratch.numberedLows.length) {
      scratch.numberedLows = growArray(scratch.numberedLows, this.numbered + 1);
      scratch.numberedHighs = growArray(scratch.numberedHighs, this.numbered + 1);
    }
    scratch.numberedLows[this.numbered] = low;
    scratch.numberedHighs[this.numbered] = high;
    this.addEntry(this.numbered++);
  }

  /** Appends one unit to the key. */
  private keyUnit(unit: number): void {
    if (this.keyLength === this.scratch.key.length) this.scratch.key = growArray(this.scratch.key, this.keyLength + 1);
    this.scratch.key[this.keyLength++] = unit;
  }

  /** Appends a code point's units to the key. */
  private keyPoint(point: number): void {
    if (point > 0xffff) {
      this.keyUnit(0xd800 + ((point - 0x10000) >> 10));
      this.keyUnit(0xdc00 + ((point - 0x10000) & 0x3ff));
    } else this.keyUnit(point);
  }

  /** Appends folded units `start` to `end` to the key. */
  private keyUnits(start: number, end: number): void {
    const scratch = this.scratch;
    if (this.keyLength + end - start > scratch.key.length) scratch.key = growArray(scratch.key, this.keyLength + end - start);
    const { key, folded } = scratch;
    const units = folded.units;
    let n = this.keyLength;
    for (let k = start; k < end; k++) key[n++] = units[k]!;
    this.keyLength = n;
  }

  /**
   * Counts the token whose units are the key: looked up by the units themselves, in an open-addressed
   * table of their hashes, so that no string is made for it (cheaper than a string and a Map<string>).
   */
  private addKey(): void {
    const scratch = this.scratch;
    if ((this.strings + 1) * 2 > this.stringSlotCount) this.growStringTable();
    const { key, stringSlots: slots, stamp, pool, poolStarts, entryTokens } = scratch;
    const length = this.keyLength;
    let hash = length;
    for (let k = 0; k < length; k++) hash = Math.imul(hash ^ key[k]!, UNIT_STEP);
    hash = Math.imul(hash ^ (hash >>> 15), SPREAD) >>> 0;
    const slotCount = this.stringSlotCount;
    let slot = hash >>> this.stringShift;
    for (; slots[slot * STRING_SLOT] === stamp; slot = (slot + 1) & (slotCount - 1)) {
      if (slots[slot * STRING_SLOT + 1] !== hash) continue;
      const entry = slots[slot * STRING_SLOT + 2]!;
      const token = -1 - entryTokens[entry]!;
      const start = poolStarts[token]!;
      if (poolStarts[token + 1]! - start !== length) continue;
      let k = 0;
      while (k < length && pool[start + k] === key[k]) k++;
      if (k === length) {
        this.bump(entry);
        return;
      }
    }
    slots[slot * STRING_SLOT] = stamp;
    slots[slot * STRING_SLOT + 1] = hash;
    slots[slot * STRING_SLOT + 2] = this.entries;
    this.addString(length);
  }

  /** The key, a string token not seen before: into the pool, and a new entry. */
  private addString(length: number): void {
    const scratch = this.scratch;
    const start = this.poolLength;
    if (start + length > scratch.pool.length) scratch.pool = growArray(scratch.pool, start + length, start);
    if (this.strings + 2 > scratch.poolStarts.length) scratch.poolStarts = growArray(scratch.poolStarts, this.strings + 2, this.strings + 1);
    const { pool, key, poolStarts } = scratch;
    for (let k = 0; k < length; k++) pool[start + k] = key[k]!;
    this.poolLength = start + length;
    poolStarts[this.strings] = start;
    poolStarts[this.strings + 1] = this.poolLength;
    this.addEntry(-1 - this.strings++);
  }

  private addEntry(token: number): void {
    const scratch = this.scratch;
    if (this.entries === scratch.entryTokens.length) {
      scratch.entryTokens = growArray(scratch.entryTokens, this.entries + 1);
      scratch.entryValues = growArray(scratch.entryValues, this.entries + 1);
    }
    scratch.entryTokens[this.entries] = token;
    scratch.entryValues[this.entries++] = this.titleBit + 2;
  }

  private bump(entry: number): void {
    const entryValues = this.scratch.entryValues;
    entryValues[entry] = (entryValues[entry]! | this.titleBit) + 2;
  }

  /** Twice the slots, the live ones placed again (in the spare table, cleared first: it may hold this count's). */
  private growNumberTable(): void {
    const scratch = this.scratch;
    const { numberSlots: old, stamp } = scratch;
    const oldLength = this.numberSlotCount * NUMBER_SLOT;
    const shift = --this.numberShift;
    this.numberSlotCount *= 2;
    const slots = growArray(scratch.spareNumberSlots, oldLength * 2, 0).fill(0, 0, oldLength * 2);
    placeLiveSlots(old, oldLength, slots, NUMBER_SLOT, stamp, (from) => Math.imul(old[from + 1]! ^ Math.imul(old[from + 2]!, MIX), SPREAD) >>> shift);
    scratch.numberSlots = slots;
    scratch.spareNumberSlots = old;
  }

  /** Twice the slots, the live ones placed again by their kept hashes (as growNumberTable). */
  private growStringTable(): void {
    const scratch = this.scratch;
    const { stringSlots: old, stamp } = scratch;
    const oldLength = this.stringSlotCount * STRING_SLOT;
    const shift = --this.stringShift;
    this.stringSlotCount *= 2;
    const slots = growArray(scratch.spareStringSlots, oldLength * 2, 0).fill(0, 0, oldLength * 2);
    placeLiveSlots(old, oldLength, slots, STRING_SLOT, stamp, (from) => old[from + 1]! >>> shift);
    scratch.stringSlots = slots;
    scratch.spareStringSlots = old;
  }
}

/**
 * What both tables' growth does: each live slot of `old` (`width` numbers, the first its stamp) placed
 * into `into`, of twice the slots, at the first free slot from `home(from)` on.
 */
function placeLiveSlots(old: Uint32Array, oldLength: number, into: Uint32Array, width: number, stamp: number, home: (from: number) => number): void {
  const mask = (oldLength * 2) / width - 1;
  for (let from = 0; from < oldLength; from += width) {
    if (old[from] !== stamp) continue;
    let slot = home(from);
    while (into[slot * width] === stamp) slot = (slot + 1) & mask;
    into.set(old.subarray(from, from + width), slot * width);
  }
}

/**
 * The first `length` units as a string. Buffer's UTF-16LE decoding copies the units as they are (lone
 * surrogates too), at a third of what String.fromCharCode over chunks cost (~8 µs a post).
 */
function unitsToString(source: Uint16Array, length: number): string {
  if (LITTLE_ENDIAN) return Buffer.from(source.buffer, source.byteOffset, length * 2).toString('utf16le');
  let text = '';
  for (let start = 0; start < length; start += CHUNK)
    text += String.fromCharCode.apply(null, source.subarray(start, Math.min(length, start + CHUNK)) as unknown as number[]);
  return text;
}

/** UTF-16 units `start` to `end` of `source` as a string: also how the search index reads its packed tokens. */
export function unitRangeToString(source: Uint16Array, start: number, end: number): string {
  // Most words are a few units long: passed as arguments, not spread from a view (~5× slower).
  switch (end - start) {
    case 1:
      return String.fromCharCode(source[start]!);
    case 2:
      return String.fromCharCode(source[start]!, source[start + 1]!);
    case 3:
      return String.fromCharCode(source[start]!, source[start + 1]!, source[start + 2]!);
    case 4:
      return String.fromCharCode(source[start]!, source[start + 1]!, source[start + 2]!, source[start + 3]!);
    default:
      return String.fromCharCode.apply(null, source.subarray(start, end) as unknown as number[]);
  }
}
