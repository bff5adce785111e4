/**
 * One post's search tokens and their weights: the tokens search-text.ts defines (foldText, then
 * tokenizeFolded), counted without making a string of every occurrence.
 *
 * Counting is a sixth of what parsing a post costs, and a post's text holds ~1,000 token occurrences
 * for ~450 distinct tokens, nearly all of them pairs of Chinese characters. Made the plain way (a
 * string per occurrence, counted in a Map of strings) that took ~150 µs a post. Here the text is
 * folded into a buffer of UTF-16 units, a CJK token of the Basic Multilingual Plane (a lone character, a
 * pair, a gram of three or four) is counted under its units as a number of up to 64 bits, and only the
 * other tokens (words, joins, rarer characters) as strings. The distinct tokens become one string, at
 * the end.
 *
 * The tokens come out in the order they first occur, the same order as counting them the plain way:
 * test/unit/count-tokens.test.ts holds the two to the same result. The post's context tokens
 * (search-contexts.ts: what makes runs of five characters or more exact) come last, without the title bit.
 */
import { contextTokens } from '../../shared/search-contexts.ts';
import { growArray } from '../../shared/grow-array.ts';
import { MAX_OCCURRENCES, PAIR_MARK, TITLE_BIT } from '../../shared/search-format.ts';
import {
  foldCodePoint,
  HAN_TABLE_RANGE,
  hanFoldTable,
  isCjk,
  isJoiner,
  isSpace,
  isWordChar,
  MAX_WORD_LENGTH,
  pairToken,
  RUN_GRAM,
} from '../../shared/search-text.ts';

const [HAN_START, HAN_END] = HAN_TABLE_RANGE;
const PAIR_MARK_UNIT = PAIR_MARK.charCodeAt(0);

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
  const counter = new TokenCounter(scratch);
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

/**
 * The buffers counts reuse from post to post, so that counting a post allocates little but its result.
 * Made by the caller, one for each thread that counts (a build worker makes one for its life): one count
 * at a time, as nothing in a count awaits.
 */
export class TokenScratch {
  /** The text being counted, folded. */
  units = new Uint16Array(4096);
  /** The tokens joined by line breaks, as units (see result). */
  joinedUnits = new Uint16Array(4096);
  /** A numbered token's units: `low` holds the first two (first << 16 | second), `high` the third and fourth. */
  slotLows = new Uint32Array(1024);
  slotHighs = new Uint32Array(1024);
  slotEntries = new Int32Array(1024);
  slotStamps = new Uint32Array(1024);
  /** 32 − log2 of the table's size: a slot is the top bits of the key times an odd constant. */
  slotShift = 22;
  /** The count whose slots are live: a new stamp empties the table without touching it. */
  stamp = 0;
  /** The numbered tokens of the count under way, in the order they first occur (see addNumber). */
  numberedLows = new Uint32Array(1024);
  numberedHighs = new Uint32Array(1024);
  /**
   * The count's distinct tokens in the order they first occur: the index of a numbered one, or -1 - the
   * index of a string one (in `strings`).
   */
  entryTokens = new Int32Array(1024);
  /** Per entry: occurrences × 2, plus the title bit. */
  entryValues = new Int32Array(1024);
  /** The post's texts as runPoints makes them (search-contexts.ts): CJK code points, anything else -1. */
  runPointBuffer = new Int32Array(4096);
}

class TokenCounter {
  private entries = 0;
  private readonly strings: string[] = [];
  private readonly byString = new Map<string, number>();
  private numbered = 0;
  /** TITLE_BIT while counting the title, else 0. */
  private titleBit = 0;
  /** The current CJK run's last RUN_GRAM - 1 code points (see tokenize, written for RUN_GRAM = 4). */
  private readonly recent: number[] = [0, 0, 0];
  private length = 0;
  /** Code points in runPointBuffer so far. */
  private points = 0;

  constructor(private readonly scratch: TokenScratch) {
    // A new stamp empties the number table without touching it.
    scratch.stamp = (scratch.stamp + 1) >>> 0;
    if (scratch.stamp === 0) {
      scratch.slotStamps.fill(0);
      scratch.stamp = 1;
    }
  }

  count(text: string, inTitle: boolean): void {
    this.titleBit = inTitle ? TITLE_BIT : 0;
    this.fold(text);
    this.tokenize();
    this.keepRunPoints();
  }

  /** The markers and context grams of the texts counted so far (see search-contexts.ts). */
  countContexts(): void {
    this.titleBit = 0;
    contextTokens(this.scratch.runPointBuffer.subarray(0, this.points), (token) => this.addString(token));
  }

  /** runPoints of the text just folded, appended (with the -1 that ends it). */
  private keepRunPoints(): void {
    const scratch = this.scratch;
    scratch.runPointBuffer = growArray(scratch.runPointBuffer, this.points + this.length + 1, this.points);
    const runPointBuffer = scratch.runPointBuffer;
    const units = scratch.units;
    let n = this.points;
    for (let i = 0; i < this.length;) {
      const point = pointAt(units, i, this.length);
      runPointBuffer[n++] = isCjk(point) ? point : -1;
      i += point > 0xffff ? 2 : 1;
    }
    runPointBuffer[n++] = -1;
    this.points = n;
  }

  result(): SearchTokens {
    // The tokens joined, written as units and made a string at once: no string per token.
    let length = this.numbered * 5;
    for (const token of this.strings) length += token.length + 1;
    const scratch = this.scratch;
    scratch.joinedUnits = growArray(scratch.joinedUnits, length, 0);
    const { joinedUnits, entryTokens, entryValues, numberedLows, numberedHighs } = scratch;
    let at = 0;
    for (let n = 0; n < this.entries; n++) {
      if (at > 0) joinedUnits[at++] = 0x0a;
      const entry = entryTokens[n]!;
      if (entry < 0) {
        const token = this.strings[-1 - entry]!;
        for (let k = 0; k < token.length; k++) joinedUnits[at++] = token.charCodeAt(k);
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

  /** foldText, into `units`. */
  private fold(text: string): void {
    // Folding makes at most a few units of one (NFKC's longest expansions); grown below when it does more.
    let units = growArray(this.scratch.units, text.length + 16, 0);
    const han = hanFoldTable();
    let n = 0;
    for (let i = 0; i < text.length;) {
      if (n + 16 > units.length) units = growArray(units, n + 16, n);
      const code = text.charCodeAt(i);
      if (code < 0x80) {
        units[n++] = code >= 0x41 && code <= 0x5a ? code + 32 : code;
        i++;
        continue;
      }
      const point = text.codePointAt(i)!;
      i += point > 0xffff ? 2 : 1;
      if (point >= HAN_START && point < HAN_END) {
        units[n++] = han[point - HAN_START]! || point;
        continue;
      }
      const folded = foldCodePoint(point);
      if (n + folded.length + 16 > units.length) units = growArray(units, n + folded.length + 16, n);
      for (let k = 0; k < folded.length; k++) units[n++] = folded.charCodeAt(k);
    }
    this.scratch.units = units;
    this.length = n;
  }

  /** tokenizeFolded over `units`, each token counted as it is found. */
  private tokenize(): void {
    const end = this.length;
    const units = this.scratch.units;
    // The current CJK run's last RUN_GRAM - 1 code points, oldest first, and how many there are.
    const recent = this.recent;
    let held = 0;
    let previousWordStart = -1; // the Latin word just before, with only a joiner between: [start, end)
    let previousWordEnd = -1;
    let joiner = 0; // what separates it from here: 0 (nothing yet), or the joiner's code (space: 0x20)
    let previousPair = ''; // the pair of Latin words that the word just before ends, if it ends one
    let endedStart = -1; // the Latin word that ends right here, with nothing between
    let endedEnd = -1;
    let i = 0;
    while (i < end) {
      const point = pointAt(units, i, end);
      const width = point > 0xffff ? 2 : 1;
      if (isCjk(point)) {
        if (held > 0) this.addPair(recent[held - 1]!, point);
        else if (endedStart >= 0) this.addString(unitRangeToString(units, endedStart, endedEnd) + String.fromCodePoint(point));
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
      if (isWordChar(point)) {
        let wordEnd = i + width;
        while (wordEnd < end) {
          const next = pointAt(units, wordEnd, end);
          if (!isWordChar(next)) break;
          wordEnd += next > 0xffff ? 2 : 1;
        }
        if (wordEnd - i <= MAX_WORD_LENGTH) {
          const word = unitRangeToString(units, i, wordEnd);
          this.addString(word);
          if (lastCjk >= 0) this.addString(String.fromCodePoint(lastCjk) + word);
          let pair = '';
          if (previousWordStart >= 0 && joiner !== 0) {
            pair = `${unitRangeToString(units, previousWordStart, previousWordEnd)}${String.fromCharCode(joiner)}${word}`;
            this.addString(pair);
            if (previousPair) this.addString(`${previousPair}${String.fromCharCode(joiner)}${word}`);
          }
          previousPair = pair;
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
        else if (isJoiner(point) && joiner === 0 && i + 1 < end && isWordChar(pointAt(units, i + 1, end))) joiner = point;
        else previousWordStart = -1;
      }
      endedStart = -1;
      i += width;
    }
    this.endRun(held);
  }

  /** The run's last grams (its last `held` code points), cut short by its end; its pair is a token already. */
  private endRun(held: number): void {
    const recent = this.recent;
    if (held === 3) this.addGram(recent[0]!, recent[1]!, recent[2]!, 0);
    if (held > 0) this.addPoint(recent[held - 1]!);
  }

  private addPair(first: number, second: number): void {
    if (first > 0xffff || second > 0xffff) this.addString(pairToken(String.fromCodePoint(first), String.fromCodePoint(second)));
    else this.addNumber(((first << 16) | second) >>> 0, 0);
  }

  private addPoint(point: number): void {
    if (point > 0xffff) this.addString(String.fromCodePoint(point));
    else this.addNumber(point, 0);
  }

  /** A gram of four CJK code points, or of three (`d` 0). */
  private addGram(a: number, b: number, c: number, d: number): void {
    if ((a | b | c | d) > 0xffff) this.addString(d === 0 ? String.fromCodePoint(a, b, c) : String.fromCodePoint(a, b, c, d));
    else this.addNumber(((a << 16) | b) >>> 0, ((c << 16) | d) >>> 0);
  }

  /**
   * A CJK token of BMP units, as `low` (one unit, or first << 16 | second: never below 0x10000, as the
   * first is a CJK character) and `high` (0, third << 16, or third << 16 | fourth: CJK units are never
   * 0). Open addressing; slots of an older stamp are empty.
   */
  private addNumber(low: number, high: number): void {
    const scratch = this.scratch;
    if ((this.numbered + 1) * 2 > scratch.slotLows.length) this.growTable();
    const { slotLows, slotHighs, slotStamps, slotEntries, stamp } = scratch;
    const mask = slotLows.length - 1;
    let slot = Math.imul(low ^ Math.imul(high, MIX), SPREAD) >>> scratch.slotShift;
    while (slotStamps[slot] === stamp) {
      if (slotLows[slot] === low && slotHighs[slot] === high) {
        this.bump(slotEntries[slot]!);
        return;
      }
      slot = (slot + 1) & mask;
    }
    slotStamps[slot] = stamp;
    slotLows[slot] = low;
    slotHighs[slot] = high;
    slotEntries[slot] = this.entries;
    if (this.numbered === scratch.numberedLows.length) {
      scratch.numberedLows = growArray(scratch.numberedLows, this.numbered + 1);
      scratch.numberedHighs = growArray(scratch.numberedHighs, this.numbered + 1);
    }
    scratch.numberedLows[this.numbered] = low;
    scratch.numberedHighs[this.numbered] = high;
    this.addEntry(this.numbered++);
  }

  private addString(token: string): void {
    const entry = this.byString.get(token);
    if (entry !== undefined) this.bump(entry);
    else {
      this.byString.set(token, this.entries);
      this.addEntry(-1 - this.strings.length);
      this.strings.push(token);
    }
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

  /** Twice the slots, the live ones placed again. */
  private growTable(): void {
    const scratch = this.scratch;
    const { slotLows: oldLows, slotHighs: oldHighs, slotEntries: oldEntries, slotStamps: oldStamps, stamp } = scratch;
    const size = oldLows.length * 2;
    const slotLows = (scratch.slotLows = new Uint32Array(size));
    const slotHighs = (scratch.slotHighs = new Uint32Array(size));
    const slotEntries = (scratch.slotEntries = new Int32Array(size));
    const slotStamps = (scratch.slotStamps = new Uint32Array(size));
    const slotShift = --scratch.slotShift;
    const mask = size - 1;
    for (let old = 0; old < oldLows.length; old++) {
      if (oldStamps[old] !== stamp) continue;
      let slot = Math.imul(oldLows[old]! ^ Math.imul(oldHighs[old]!, MIX), SPREAD) >>> slotShift;
      while (slotStamps[slot] === stamp) slot = (slot + 1) & mask;
      slotStamps[slot] = stamp;
      slotLows[slot] = oldLows[old]!;
      slotHighs[slot] = oldHighs[old]!;
      slotEntries[slot] = oldEntries[old]!;
    }
  }
}

/** String.prototype.codePointAt over the folded units. */
function pointAt(units: Uint16Array, i: number, end: number): number {
  const unit = units[i]!;
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
    const low = units[i + 1]!;
    if (low >= 0xdc00 && low <= 0xdfff) return (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return unit;
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
