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

let scriptOnly: { traditional: Set<string>; simplified: Set<string> } | undefined;

/** Characters that a conversion to the other script changes: each is written in one script only. */
function scriptOnlyCharacters(): { traditional: Set<string>; simplified: Set<string> } {
  if (scriptOnly) return scriptOnly;
  const changed = (table: string) => {
    const out = new Set<string>();
    for (const entry of table.split('|')) {
      const [from, ...to] = entry.split(' ');
      if (from && to.length > 0 && !to.includes(from)) out.add(from);
    }
    return out;
  };
  return (scriptOnly = { traditional: changed(tsCharacters), simplified: changed(stCharacters) });
}

export function detectLanguage(text: string): PostLanguage | undefined {
  const { traditional, simplified } = scriptOnlyCharacters();
  let seen = 0;
  let han = 0;
  let latin = 0;
  let traditionalOnly = 0;
  let simplifiedOnly = 0;
  for (const char of text) {
    if (seen++ >= SAMPLE_CHARS) break;
    if (isHan(char.codePointAt(0)!)) {
      han++;
      if (traditional.has(char)) traditionalOnly++;
      else if (simplified.has(char)) simplifiedOnly++;
    } else if (LATIN_LETTER.test(char)) latin++;
  }
  if (han === 0) return latin > 20 ? 'en' : undefined;
  if (traditionalOnly === 0 && simplifiedOnly === 0) return undefined; // characters shared by both scripts
  return simplifiedOnly > traditionalOnly ? 'zh-Hans' : 'zh-Hant';
}
