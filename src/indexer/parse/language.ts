/**
 * Which written language a post is in, so that the reader can give Simplified Chinese posts a
 * Simplified font (glyph shapes differ between zh-Hant and zh-Hans fonts) and English posts an English
 * one. The test is the script itself, not a guess from the outlet: count the characters that only one
 * script writes, using OpenCC's two character tables (Traditional → Simplified and back).
 *
 * Character tables rather than OpenCC's phrase converters: the phrase tries cost a tenth of the whole
 * parse and decide nothing more, since a character that belongs to one script is counted either way.
 */
import stCharacters from 'opencc-js/dict/STCharacters';
import tsCharacters from 'opencc-js/dict/TSCharacters';

export type PostLanguage = 'zh-Hant' | 'zh-Hans' | 'en';

/** Enough text to decide (a title and a paragraph); looking at more changes nothing. */
const SAMPLE_CHARS = 400;

const LATIN_LETTER = /\p{Script=Latin}/u;

/** CJK ideographs: the unified blocks, extension A, the compatibility block and the supplementary planes. */
function isHan(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0x20000 && code <= 0x3134f);
}

const TRADITIONAL_ONLY = 1;
const SIMPLIFIED_ONLY = 2;
/** Where the common ideographs lie: a flat table there, a map for the rest. */
const TABLE_START = 0x3400;
const TABLE_END = 0xa000;

let scripts: { table: Uint8Array; others: Map<number, number> } | undefined;

/**
 * For each ideograph that a conversion to the other script changes (so it is written in one script
 * only): which script. A flat table by code point, since this runs on every post (a Set of strings,
 * looked up per character, was 4 % of a build's parse).
 */
function scriptOnlyCharacters(): { table: Uint8Array; others: Map<number, number> } {
  if (scripts) return scripts;
  const table = new Uint8Array(TABLE_END - TABLE_START);
  const others = new Map<number, number>();
  // Entries read in place (`from to to…|…`), not split into strings: the split was most of a small build's table.
  const mark = (dictionary: string, script: number) => {
    for (let start = 0; start < dictionary.length;) {
      const end = endOf(dictionary, '|', start, dictionary.length);
      const space = endOf(dictionary, ' ', start, end);
      if (space > start && space < end && !convertsToItself(dictionary, start, space, end)) {
        const code = dictionary.codePointAt(start)!;
        if (code >= TABLE_START && code < TABLE_END) table[code - TABLE_START] ||= script;
        else if (!others.has(code)) others.set(code, script);
      }
      start = end + 1;
    }
  };
  mark(tsCharacters, TRADITIONAL_ONLY);
  mark(stCharacters, SIMPLIFIED_ONLY);
  return (scripts = { table, others });
}

/** Where `separator` is next from `start` on, or `end` when not before it. */
function endOf(text: string, separator: string, start: number, end: number): number {
  const at = text.indexOf(separator, start);
  return at < 0 || at > end ? end : at;
}

/** Whether an entry's targets (space-separated, from `space` to `end`) include its source (`start` to `space`). */
function convertsToItself(text: string, start: number, space: number, end: number): boolean {
  const length = space - start;
  for (let target = space + 1; target <= end;) {
    const targetEnd = endOf(text, ' ', target, end);
    if (targetEnd - target === length && text.startsWith(text.slice(start, space), target)) return true;
    target = targetEnd + 1;
  }
  return false;
}

export function detectLanguage(text: string): PostLanguage | undefined {
  const { table, others } = scriptOnlyCharacters();
  let han = 0;
  let latin = 0;
  let traditionalOnly = 0;
  let simplifiedOnly = 0;
  for (let i = 0, seen = 0; i < text.length && seen < SAMPLE_CHARS; i++, seen++) {
    const code = text.codePointAt(i)!;
    if (code > 0xffff) i++;
    if (isHan(code)) {
      han++;
      const script = code >= TABLE_START && code < TABLE_END ? table[code - TABLE_START] : others.get(code);
      if (script === TRADITIONAL_ONLY) traditionalOnly++;
      else if (script === SIMPLIFIED_ONLY) simplifiedOnly++;
    } else if (code < 0x80 ? (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a : LATIN_LETTER.test(String.fromCodePoint(code))) latin++;
  }
  if (han === 0) return latin > 20 ? 'en' : undefined;
  if (traditionalOnly === 0 && simplifiedOnly === 0) return undefined; // characters shared by both scripts
  return simplifiedOnly > traditionalOnly ? 'zh-Hans' : 'zh-Hant';
}
