/**
 * How text becomes search tokens: the one definition the build (indexing posts) and the browser
 * (tokenizing queries) both run, so that a query's tokens are exactly the tokens of the text it matches.
 *
 * 1. Folding, one character at a time: NFKC (full-width ＡＢＣ１２３ → ABC123, compatibility ideographs →
 *    unified ones), lower case, then Traditional → Simplified with OpenCC's character table (習 → 习,
 *    臺 → 台). Folding many-to-one means 習近平 and 习近平 fold to the same text, and a query in either
 *    script matches posts in both. It is per character (never per phrase), so that folded text maps back
 *    onto the original for highlighting.
 * 2. Tokens, from the folded text:
 *    - Chinese (and Japanese/Korean) text has no spaces, so each pair of adjacent CJK characters is a token
 *      (烏克蘭 → 乌克, 克兰). A word of n characters matches where all its n−1 pairs occur: in practice,
 *      where the word occurs. A lone CJK character between separators is a token by itself.
 *    - Latin words and numbers are tokens (apec, 2026), and so are their joins with an adjacent CJK
 *      character (2026年 → 2026年, AI晶片 → ai晶), which keeps mixed words precise.
 *    - Two Latin words separated only by white space also make a pair token ("hong kong"), which is what
 *      lets a quoted English phrase match as a phrase.
 */
import tsCharacters from 'opencc-js/dict/TSCharacters';

const TABLE_START = 0x3400;
const TABLE_END = 0xa000;
let hanTable: Uint16Array | undefined;
const otherFolds = new Map<number, string>();

/** OpenCC's Traditional → Simplified character table as a flat array over the CJK blocks. */
function table(): Uint16Array {
  if (hanTable) return hanTable;
  hanTable = new Uint16Array(TABLE_END - TABLE_START);
  for (const entry of tsCharacters.split('|')) {
    const [from, to] = entry.split(' ');
    if (!from || !to) continue;
    const source = from.codePointAt(0)!;
    const target = to.codePointAt(0)!;
    if (source >= TABLE_START && source < TABLE_END && target <= 0xffff && [...to].length === 1) hanTable[source - TABLE_START] = target;
    else otherFolds.set(source, to);
  }
  return hanTable;
}

/**
 * The code points OpenCC's table folds alone, each to one UTF-16 unit: [start, end). Within them,
 * foldCodePoint(point) is the unit `hanFoldTable()[point - start] || point`; for callers that fold
 * without making a string per character.
 */
export const HAN_TABLE_RANGE = [TABLE_START, TABLE_END] as const;
export const hanFoldTable: () => Uint16Array = table;

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
    folded = other ?? [...String.fromCodePoint(codePoint).normalize('NFKC').toLowerCase()]
      .map((char) => {
        const point = char.codePointAt(0)!;
        return point !== codePoint && point >= 0x80 ? foldCodePoint(point) : char;
      })
      .join('');
    foldCache.set(codePoint, folded);
  }
  return folded;
}

/** Folds a whole text (see the module comment). */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      out += code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : text[i];
      continue;
    }
    const point = text.codePointAt(i)!;
    if (point > 0xffff) i++;
    out += foldCodePoint(point);
  }
  return out;
}

/**
 * Folds a text and says where each folded UTF-16 unit came from: `origins[k]` is the index in `text`
 * of the character that folded unit k came from (`origins[folded.length]` is `text.length`).
 */
export function foldWithOrigins(text: string): { folded: string; origins: number[] } {
  let folded = '';
  const origins: number[] = [];
  for (let i = 0; i < text.length; ) {
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
    (point >= 0x3400 && point <= 0x9fff) || (point >= 0xf900 && point <= 0xfaff) || (point >= 0x20000 && point <= 0x3ffff) ||
    (point >= 0x3040 && point <= 0x30ff) || (point >= 0xac00 && point <= 0xd7af)
  );
}

const wordCharCache = new Map<number, boolean>();
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/** Letters and digits of scripts that separate words with spaces (Latin, Greek, Cyrillic…). */
export function isWordChar(point: number): boolean {
  if (point < 0x80) return (point >= 0x61 && point <= 0x7a) || (point >= 0x30 && point <= 0x39) || (point >= 0x41 && point <= 0x5a);
  if (isCjk(point)) return false;
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
 * Calls `emit` for every token of an already folded text, in order (a token repeats as often as it occurs).
 */
export function tokenizeFolded(text: string, emit: (token: string) => void): void {
  let previousCjk = ''; // the CJK character just before, with nothing between
  let previousWord = ''; // the Latin word just before, with only white space between
  let wordJustEnded = ''; // the Latin word that ends right here, with nothing between
  let loneCandidate = ''; // a CJK character that is a token if nothing joins it on either side
  const flushLone = () => {
    if (loneCandidate) emit(loneCandidate);
    loneCandidate = '';
  };
  let i = 0;
  while (i < text.length) {
    const point = text.codePointAt(i)!;
    const width = point > 0xffff ? 2 : 1;
    if (isCjk(point)) {
      const char = text.slice(i, i + width);
      if (previousCjk) {
        emit(previousCjk + char);
        loneCandidate = '';
      } else if (wordJustEnded) {
        emit(wordJustEnded + char);
      } else {
        loneCandidate = char;
      }
      previousCjk = char;
      previousWord = '';
      wordJustEnded = '';
      i += width;
      continue;
    }
    if (isWordChar(point)) {
      let end = i + width;
      while (end < text.length) {
        const next = text.codePointAt(end)!;
        if (!isWordChar(next)) break;
        end += next > 0xffff ? 2 : 1;
      }
      const word = text.slice(i, end);
      if (word.length <= MAX_WORD_LENGTH) {
        emit(word);
        if (previousCjk) {
          emit(previousCjk + word);
          loneCandidate = '';
        }
        if (previousWord) emit(`${previousWord} ${word}`);
        previousWord = word;
        wordJustEnded = word;
      } else {
        previousWord = '';
        wordJustEnded = '';
      }
      flushLone();
      previousCjk = '';
      i = end;
      continue;
    }
    // A separator: white space keeps two Latin words adjacent; anything else breaks every join.
    flushLone();
    if (!(point === 0x20 || point === 0x09 || point === 0x0a || point === 0x0d || point === 0x3000 || point === 0xa0)) previousWord = '';
    previousCjk = '';
    wordJustEnded = '';
    i += width;
  }
  flushLone();
}

/** Tokens of raw text (folds first). */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  tokenizeFolded(foldText(text), (token) => tokens.push(token));
  return tokens;
}
