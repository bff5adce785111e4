/**
 * How long a post takes to read, counted the way each script is read: Chinese, Japanese and Korean text
 * by characters, Latin-script text by words. The build runs it over a post's text for the list's rows
 * (PostMeta.readingMinutes); the article page runs it over the article's text.
 */

/**
 * Characters a minute for Chinese text: silent reading of Chinese runs at ~260 (dense or technical
 * text) to ~500 characters a minute (Sun et al., 1985; Trauzettel-Klosinski & Dietz, 2012, measured
 * ~255 for Chinese read aloud and faster silently); 400 is the usual figure for news.
 * @default 400
 */
export const CJK_CHARACTERS_PER_MINUTE = 400;
/**
 * Words a minute for Latin scripts: ~238 for English non-fiction read silently (Brysbaert, 2019).
 * @default 230
 */
export const LATIN_WORDS_PER_MINUTE = 230;

/** Han ideographs, kana and Hangul syllables: each is read as one unit. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
/** A word: letters or digits (outside the CJK scripts) with inner apostrophes, hyphens, dots. */
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

/** Whole minutes, at least 1 for any text with something to read, 0 for none. */
export function readingMinutes(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text.replace(CJK, ' ').match(WORD)?.length ?? 0;
  if (cjk === 0 && words === 0) return 0;
  return Math.max(1, Math.round(cjk / CJK_CHARACTERS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE));
}
