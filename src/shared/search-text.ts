/**
 * How text becomes search tokens: the one definition the build (indexing posts) and the browser
 * (tokenizing queries) both run, so that a query's tokens are exactly the tokens of the text it matches.
 *
 * 1. Folding, one character at a time: NFKC (full-width ＡＢＣ１２３ → ABC123, compatibility ideographs →
 *    unified ones), lower case, then Traditional → Simplified with OpenCC's character table (習 → 习,
 *    臺 → 台), the characters OpenCC converts only inside phrases (著 → 着, 瞭 → 了, 藉 → 借, 覆 → 复)
 *    and Hong Kong and Taiwan variant characters (衞 → 卫). Folding many-to-one means 習近平 and 习近平
 *    fold to the same text, and a query in either script matches posts in both. It is per character
 *    (never per phrase), so that folded text maps back onto the original for highlighting.
 * 2. Tokens, from the folded text:
 *    - Chinese (and Japanese/Korean) text has no spaces. In a run of CJK characters, each pair of adjacent
 *      characters is a token, written with PAIR_MARK (search-format.ts) between them (烏克蘭 → 乌!克,
 *      克!兰), and so is the gram of up to RUN_GRAM characters starting at each character, cut short at
 *      the run's end (烏克蘭總統 → 乌克兰总, 克兰总统, 兰总统, 统; its two-character grams are the pairs
 *      already). So a run of 2 characters in a query is one pair, a run of RUN_GRAM is one gram, a run
 *      of three the grams beginning with it, a run of one the character alone and its pairs: tokens
 *      that sort together (runTokensEnd in search-format.ts). Each matches exactly where the run occurs.
 *    - Latin words and numbers are tokens (apec, 2026), and so are their joins with an adjacent CJK
 *      character (2026年 → 2026年, AI晶片 → ai晶), which keeps mixed words precise.
 *    - Two Latin words separated only by white space make a pair token ("hong kong"), which is what
 *      lets a quoted English phrase match as a phrase; separated by one `-` or `.` they make a pair
 *      with it ("covid-19", "u.s"), so COVID-19 and U.S. match only where their words are adjacent.
 *      Three such words make a triple ("prime minister of"), so that a quoted phrase of three words
 *      matches only where they are adjacent (a longer one where each of its triples is).
 */
import hkVariants from 'opencc-js/dict/HKVariants';
import tsCharacters from 'opencc-js/dict/TSCharacters';
import tsPhrases from 'opencc-js/dict/TSPhrases';
import twVariants from 'opencc-js/dict/TWVariants';
import { PAIR_MARK, PAIR_MARK_UNIT } from './search-format.ts';
import { growArray } from './grow-array.ts';

const TABLE_START = 0x3400;
const TABLE_END = 0xa000;
/**
 * A character OpenCC's character table leaves alone but its phrase table converts in at least this many
 * phrases folds everywhere to its commonest conversion (藉 → 借 in 41 phrases, 瞭 → 了 in 13). Fewer is
 * a one-off reading that would merge unrelated words (俱 → 具 in one phrase; 俱乐部 stays).
 */
const PHRASE_MIN = 3;
let hanTable: Uint16Array | undefined;
const otherFolds = new Map<number, string>();

/** OpenCC's Traditional → Simplified character table as a flat array over the CJK blocks. */
function table(): Uint16Array {
  if (hanTable) return hanTable;
  const han = new Uint16Array(TABLE_END - TABLE_START);
  for (const entry of tsCharacters.split('|')) {
    const [from, to] = entry.split(' ');
    if (!from || !to) continue;
    const source = from.codePointAt(0)!;
    const target = to.codePointAt(0)!;
    if (source >= TABLE_START && source < TABLE_END && target <= 0xffff && [...to].length === 1) han[source - TABLE_START] = target;
    else otherFolds.set(source, to);
  }
  for (const [source, target] of extraFolds(han)) han[source - TABLE_START] = target;
  hanTable = han;
  return hanTable;
}

/**
 * Folds the character table leaves alone: phrase-only conversions (see PHRASE_MIN) and regional variant
 * characters (衞 → 衛 → 卫, 著 → 着). Only characters that nothing else folds to, so that no Simplified
 * character (坏, 沈, 么: the table's targets) is folded again into another word.
 */
function extraFolds(han: Uint16Array): Map<number, number> {
  const fold = (point: number) => (point >= TABLE_START && point < TABLE_END && han[point - TABLE_START]) || point;
  const targets = new Set<number>(han.filter((target) => target !== 0));
  const isFree = (point: number) => point >= TABLE_START && point < TABLE_END && fold(point) === point && !targets.has(point);
  const extra = new Map<number, number>();
  const counts = new Map<number, Map<number, number>>();
  for (const entry of tsPhrases.split('|')) {
    const [from, to] = entry.split(' ').map((word) => [...word].map((char) => char.codePointAt(0)!));
    if (!from || !to || from.length !== to.length) continue;
    from.forEach((source, i) => {
      if (source === to[i] || !isFree(source)) return;
      const seen = counts.get(source) ?? new Map<number, number>();
      seen.set(to[i]!, (seen.get(to[i]!) ?? 0) + 1);
      counts.set(source, seen);
    });
  }
  for (const [source, seen] of counts) {
    const [target, times] = [...seen].sort((a, b) => b[1] - a[1])[0]!;
    if (times >= PHRASE_MIN) extra.set(source, fold(target));
  }
  // Variant tables map the standard character to the regional one: the regional one folds as the standard.
  for (const entry of `${hkVariants}|${twVariants}`.split('|')) {
    const [standard, variant] = entry.split(' ');
    if (!standard || !variant || [...standard].length !== 1 || [...variant].length !== 1) continue;
    const source = variant.codePointAt(0)!;
    const target = fold(standard.codePointAt(0)!);
    if (isFree(source) && target !== source && target <= 0xffff && !extra.has(source)) extra.set(source, target);
  }
  return extra;
}

const foldCache = new Map<number, string>();

/** The folded form of one code point (usually one character; NFKC may make it several). */
export function foldCodePoint(codePoint: number): string {
  if (codePoint < 0x80) return codePoint >= 0x41 && codePoint <= 0x5a ? String.fromCharCode(codePoint + 32) : String.fromCharCode(codePoint);
  if (codePoint >= TABLE_START && codePoint < TABLE_END) {
    const target = table()[codePoint - TABLE_START]!;
    return String.fromCharCode(target || codePoint);
  }
  let folded = foldCache.get(codePoint);
  if (folded === undefined) {
    table();
    const other = otherFolds.get(codePoint);
    folded =
      other ??
      [...String.fromCodePoint(codePoint).normalize('NFKC').toLowerCase()]
        .map((char) => {
          const point = char.codePointAt(0)!;
          return point !== codePoint && point >= 0x80 ? foldCodePoint(point) : char;
        })
        .join('');
    foldCache.set(codePoint, folded);
  }
  return folded;
}

/** String.prototype.codePointAt over UTF-16 units, the first `end` of them. */
export function codePointOfUnits(units: Uint16Array, i: number, end: number): number {
  const unit = units[i]!;
  if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < end) {
    const low = units[i + 1]!;
    if (low >= 0xdc00 && low <= 0xdfff) return (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
  }
  return unit;
}

/**
 * A table of answers about BMP units, each found once (learnUnit) and then read: a lookup per character
 * of every post (a Map lookup a punctuation mark cost the tokenizers). Its user makes it at its first question.
 */
function newUnitTable(): Uint16Array {
  return new Uint16Array(0x10000);
}

/** `find`'s answer for `unit`, kept in `table`; an answer is never 0, which marks a unit not asked about yet. */
function learnUnit(table: Uint16Array, unit: number, find: (unit: number) => number): number {
  return (table[unit] = find(unit));
}

/**
 * Each BMP unit's fold when foldCodePoint makes it one unit, else NOT_ONE_UNIT: a unit that folds to one
 * costs one array read, punctuation (，。「」) as well as Han.
 */
let unitFolds: Uint16Array | undefined;
/** A surrogate (folded with its pair, as a code point), or a unit that folds to several (or to 0 or this). */
const NOT_ONE_UNIT = 0xffff;

function unitFoldOf(code: number): number {
  if (code >= 0xd800 && code <= 0xdfff) return NOT_ONE_UNIT;
  const folded = foldCodePoint(code);
  const unit = folded.length === 1 ? folded.charCodeAt(0) : 0;
  return unit === 0 ? NOT_ONE_UNIT : unit;
}

/**
 * A text folded into UTF-16 units, as foldText folds it but without making its string: for callers that
 * read the folded text unit by unit (the search token count, the story print's shingles). Reused from text to text by its owner,
 * who sets `length` to 0 before the first append of a text.
 */
export class FoldedUnits {
  units = new Uint16Array(4096);
  /** Units of the folded text, from the start of `units`. */
  length = 0;

  /** Folds `text` onto the end of the units held. Folding is per character, so texts appended fold as one. */
  append(text: string): void {
    const folds = (unitFolds ??= newUnitTable());
    let n = this.length;
    let units = growArray(this.units, n + text.length + 16, n);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const unit = folds[code] || learnUnit(folds, code, unitFoldOf);
      if (unit !== NOT_ONE_UNIT) {
        units[n++] = unit;
        continue;
      }
      const point = text.codePointAt(i)!;
      if (point > 0xffff) i++;
      const folded = foldCodePoint(point);
      // Folding makes at most a few units of one (NFKC's longest expansions): room for the rest of the text and them.
      if (n + folded.length + text.length - i + 16 > units.length) units = growArray(units, n + folded.length + text.length - i + 16, n);
      for (let k = 0; k < folded.length; k++) units[n++] = folded.charCodeAt(k);
    }
    this.units = units;
    this.length = n;
  }
}

/** foldText's units, reused from call to call (nothing in a fold awaits); kept only while small. */
const foldUnits = new FoldedUnits();
/** A longer text's buffer is let go after its fold, not held for good. @default 64 Ki units (128 KB) */
const KEPT_FOLD_UNITS = 1 << 16;
/** Units made a string per call of String.fromCharCode: well under any engine's limit on arguments. */
const CHUNK = 8192;

/** Folds a whole text (see the module comment). */
export function foldText(text: string): string {
  foldUnits.length = 0;
  foldUnits.append(text);
  const { units, length } = foldUnits;
  if (units.length > KEPT_FOLD_UNITS) foldUnits.units = new Uint16Array(4096);
  let out = '';
  for (let start = 0; start < length; start += CHUNK)
    out += String.fromCharCode.apply(null, units.subarray(start, Math.min(length, start + CHUNK)) as unknown as number[]);
  return out;
}

/**
 * Folds a text and says where each folded UTF-16 unit came from: `origins[k]` is the index in `text`
 * of the character that folded unit k came from (`origins[folded.length]` is `text.length`).
 */
export function foldWithOrigins(text: string): { folded: string; origins: number[] } {
  let folded = '';
  const origins: number[] = [];
  for (let i = 0; i < text.length;) {
    const point = text.codePointAt(i)!;
    const part = foldCodePoint(point);
    for (let k = 0; k < part.length; k++) origins.push(i);
    folded += part;
    i += point > 0xffff ? 2 : 1;
  }
  origins.push(text.length);
  return { folded, origins };
}

/** Chinese, Japanese kana and Korean syllables: scripts written without spaces between words. */
export function isCjk(point: number): boolean {
  return (
    (point >= 0x3400 && point <= 0x9fff) ||
    (point >= 0xf900 && point <= 0xfaff) ||
    (point >= 0x20000 && point <= 0x3ffff) ||
    (point >= 0x3040 && point <= 0x30ff) ||
    (point >= 0xac00 && point <= 0xd7af)
  );
}

const wordCharCache = new Map<number, boolean>();
/** Each BMP code point's answer: IS_WORD_CHAR or NOT_WORD_CHAR (see newUnitTable). */
let bmpWordChars: Uint16Array | undefined;
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const IS_WORD_CHAR = 1;
const NOT_WORD_CHAR = 2;
const wordCharOf = (point: number): number => (WORD_CHAR.test(String.fromCharCode(point)) ? IS_WORD_CHAR : NOT_WORD_CHAR);

/** Letters and digits of scripts that separate words with spaces (Latin, Greek, Cyrillic…). */
export function isWordChar(point: number): boolean {
  if (point < 0x80) return (point >= 0x61 && point <= 0x7a) || (point >= 0x30 && point <= 0x39) || (point >= 0x41 && point <= 0x5a);
  if (isCjk(point)) return false;
  if (point <= 0xffff) {
    const known = (bmpWordChars ??= newUnitTable());
    return (known[point] || learnUnit(known, point, wordCharOf)) === IS_WORD_CHAR;
  }
  let yes = wordCharCache.get(point);
  if (yes === undefined) {
    yes = WORD_CHAR.test(String.fromCodePoint(point));
    wordCharCache.set(point, yes);
  }
  return yes;
}

/** Longer "words" are URLs, hashes and other noise nobody searches for: they are not indexed. */
export const MAX_WORD_LENGTH = 32;

/**
 * Grams of a CJK run are up to this many characters long (see the module comment): a query's run of up
 * to this many characters is matched exactly; a longer one by all its grams (which then could, in
 * principle, occur apart). Four covers most words and names (美国总统, 中华民国) and adds about as many
 * postings as the pairs.
 */
export const RUN_GRAM = 4;

/** The token of two adjacent CJK characters (see PAIR_MARK in search-format.ts). */
export function pairToken(first: string, second: string): string {
  return first + PAIR_MARK + second;
}

/** White space, which keeps two Latin words adjacent. */
export function isSpace(point: number): boolean {
  return point === 0x20 || point === 0x09 || point === 0x0a || point === 0x0d || point === 0x3000 || point === 0xa0;
}

/** `-` and `.`: one of them between two Latin words joins them (covid-19, u.s). */
export function isJoiner(point: number): boolean {
  return point === 0x2d || point === 0x2e;
}

/**
 * Where each token of a folded text lies, in the order tokenizeFolded emits them: for callers that hash
 * or drop tokens without making their strings (the story terms, plan/related-reading.ts). Positions are
 * UTF-16 indexes into the text; a joiner is a unit (white space between two words is one space, 0x20).
 */
export interface TokenSink {
  /** A CJK gram, `text[start, end)`: RUN_GRAM characters, or fewer where its run ends (a run's last character alone). */
  gram(start: number, end: number): void;
  /** Two adjacent CJK characters, `text[first, second)` and `text[second, end)`: pairToken of them. */
  pair(first: number, second: number, end: number): void;
  /** A Latin word, or a word joined with the CJK character next to it: `text[start, end)`. */
  word(start: number, end: number): void;
  /** Two Latin words and the joiner between them. */
  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void;
  /** Three Latin words and the joiners between them. */
  wordTriple(
    firstStart: number,
    firstEnd: number,
    firstJoiner: number,
    secondStart: number,
    secondEnd: number,
    joiner: number,
    start: number,
    end: number,
  ): void;
}

/**
 * Calls `emit` for every token of an already folded text, in order (a token repeats as often as it occurs).
 * count-tokens.ts runs the same steps over units, in the same order: change both together.
 */
export function tokenizeFolded(text: string, emit: (token: string) => void): void {
  scanTokens(text, new TokenStrings(text, emit));
}

/** tokenizeFolded's strings, made from where scanTokens finds each token. */
class TokenStrings implements TokenSink {
  constructor(
    private readonly text: string,
    private readonly emit: (token: string) => void,
  ) {}

  gram(start: number, end: number): void {
    this.emit(this.text.slice(start, end));
  }

  pair(first: number, second: number, end: number): void {
    this.emit(pairAt(this.text, first, second, end));
  }

  word(start: number, end: number): void {
    this.emit(this.text.slice(start, end));
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    this.emit(this.text.slice(firstStart, firstEnd) + String.fromCharCode(joiner) + this.text.slice(start, end));
  }

  wordTriple(
    firstStart: number,
    firstEnd: number,
    firstJoiner: number,
    secondStart: number,
    secondEnd: number,
    joiner: number,
    start: number,
    end: number,
  ): void {
    const { text } = this;
    this.emit(
      text.slice(firstStart, firstEnd) +
        String.fromCharCode(firstJoiner) +
        text.slice(secondStart, secondEnd) +
        String.fromCharCode(joiner) +
        text.slice(start, end),
    );
  }
}

/** Tells `sink` where every token of an already folded text lies, in tokenizeFolded's order (see the module comment). */
export function scanTokens(text: string, sink: TokenSink): void {
  // Where the current CJK run's last RUN_GRAM - 1 characters start: adjacent, so a gram is one slice of `text`.
  const recent: number[] = [];
  let previousStart = -1; // the Latin word just before, with only a joiner (see `joiner`) between: [start, end)
  let previousEnd = -1;
  let joiner = 0; // what separates it from here: 0 (nothing yet), or the joiner's unit (white space: 0x20)
  // The pair of Latin words that the word just before ends, if it ends one: its first word and joiner.
  let pairStart = -1;
  let pairEnd = -1;
  let pairJoiner = 0;
  let wordJustEnded = -1; // where the Latin word that ends right here, with nothing between, starts
  // The run's last grams, cut short by its end (its pair is a token already).
  const endRun = (end: number) => {
    for (let k = 0; k < recent.length; k++) if (recent.length - k !== 2) sink.gram(recent[k]!, end);
    recent.length = 0;
  };
  let i = 0;
  while (i < text.length) {
    const point = text.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    if (isCjk(point)) {
      if (recent.length > 0) sink.pair(recent[recent.length - 1]!, i, i + width);
      else if (wordJustEnded >= 0) sink.word(wordJustEnded, i + width);
      if (recent.length === RUN_GRAM - 1) {
        sink.gram(recent[0]!, i + width);
        recent.shift();
      }
      recent.push(i);
      previousStart = -1;
      wordJustEnded = -1;
      i += width;
      continue;
    }
    const lastCjk = recent.length > 0 ? recent[recent.length - 1]! : -1;
    endRun(i);
    if (isWordChar(point)) {
      let end = i + width;
      while (end < text.length) {
        const next = text.codePointAt(end)!;
        if (!isWordChar(next)) break;
        end += next > 0xffff ? 2 : 1;
      }
      if (end - i <= MAX_WORD_LENGTH) {
        sink.word(i, end);
        if (lastCjk >= 0) sink.word(lastCjk, end);
        let newPairStart = -1;
        if (previousStart >= 0 && joiner !== 0) {
          sink.wordPair(previousStart, previousEnd, joiner, i, end);
          if (pairStart >= 0) sink.wordTriple(pairStart, pairEnd, pairJoiner, previousStart, previousEnd, joiner, i, end);
          newPairStart = previousStart;
          pairEnd = previousEnd;
          pairJoiner = joiner;
        }
        pairStart = newPairStart;
        previousStart = wordJustEnded = i;
        previousEnd = end;
      } else {
        previousStart = -1;
        wordJustEnded = -1;
      }
      joiner = 0;
      i = end;
      continue;
    }
    // A separator: white space keeps two Latin words adjacent, and so does one joiner right after a word.
    if (previousStart >= 0) {
      if (isSpace(point) && (joiner === 0 || joiner === 0x20)) joiner = 0x20;
      else if (isJoiner(point) && joiner === 0 && i + 1 < text.length && isWordChar(text.codePointAt(i + 1)!)) joiner = point;
      else previousStart = -1;
    }
    wordJustEnded = -1;
    i += width;
  }
  endRun(text.length);
}

/** pairToken of the characters of `text` from `first` to `second` and from `second` to `end`. */
function pairAt(text: string, first: number, second: number, end: number): string {
  // Of two lone units, made at once: one string, not a string of each character and two joined.
  if (second - first === 1 && end - second === 1) return String.fromCharCode(text.charCodeAt(first), PAIR_MARK_UNIT, text.charCodeAt(second));
  return pairToken(text.slice(first, second), text.slice(second, end));
}

/** Tokens of raw text (folds first). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenizeFolded(foldText(text), (token) => tokens.push(token));
  return tokens;
}
