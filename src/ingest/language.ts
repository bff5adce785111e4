/**
 * Which written language a post is in, so that the reader can give Simplified Chinese posts a
 * Simplified font (glyph shapes differ between zh-Hant and zh-Hans fonts) and English posts an English
 * one. The test is the script itself, not a guess from the outlet: count the characters that OpenCC
 * would change when converting to the other script.
 */
import { Converter } from 'opencc-js';

export type PostLanguage = 'zh-Hant' | 'zh-Hans' | 'en';

/** Enough text to decide (a title and a paragraph); converting more costs time and changes nothing. */
const SAMPLE_CHARS = 400;

const toSimplified = Converter({ from: 't', to: 'cn' });
const toTraditional = Converter({ from: 'cn', to: 't' });
const HAN = /\p{Script=Han}/u;
const LATIN_LETTER = /\p{Script=Latin}/u;

export function detectLanguage(text: string): PostLanguage | undefined {
  const sample = Array.from(text.slice(0, SAMPLE_CHARS * 2)).slice(0, SAMPLE_CHARS);
  const han = sample.filter((c) => HAN.test(c));
  if (han.length === 0) {
    const latin = sample.filter((c) => LATIN_LETTER.test(c)).length;
    return latin > 20 ? 'en' : undefined;
  }
  const hanText = han.join('');
  const traditionalOnly = differing(hanText, toSimplified(hanText));
  const simplifiedOnly = differing(hanText, toTraditional(hanText));
  if (traditionalOnly === 0 && simplifiedOnly === 0) return undefined; // characters shared by both scripts
  return simplifiedOnly > traditionalOnly ? 'zh-Hans' : 'zh-Hant';
}

/** Characters that differ position by position (conversions here map one character to one). */
function differing(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let count = Math.abs(left.length - right.length);
  for (let i = 0; i < Math.min(left.length, right.length); i++) if (left[i] !== right[i]) count++;
  return count;
}
