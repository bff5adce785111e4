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
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;
/** A word: letters or digits (outside the CJK scripts), joined by single inner apostrophes, hyphens, dots. */
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const WORD_JOINERS = "'’.-";

const OTHER = 1;
const CJK_CHAR = 2;
const WORD = 3;
const JOINER = 4;
/** Each BMP code point's class, found once by the expressions above (0: not yet); astral ones each time. */
let bmpClasses: Uint8Array | undefined;

function classOf(point: number): number {
  if (point > 0xffff) return classify(point);
  bmpClasses ??= new Uint8Array(0x10000);
  return (bmpClasses[point] ||= classify(point));
}

function classify(point: number): number {
  const char = String.fromCodePoint(point);
  if (CJK.test(char)) return CJK_CHAR;
  if (WORD_CHAR.test(char)) return WORD;
  return WORD_JOINERS.includes(char) ? JOINER : OTHER;
}

/**
 * Whole minutes, at least 1 for any text with something to read, 0 for none. One pass over the code
 * points (matching the expressions over the whole text made a string per character: ~150 µs a post).
 */
export function readingMinutes(text: string): number {
  let cjk = 0;
  let words = 0;
  // The class of the code point before, and of the one before that.
  let previous = OTHER;
  let beforePrevious = OTHER;
  for (let i = 0; i < text.length;) {
    const point = text.codePointAt(i)!;
    i += point > 0xffff ? 2 : 1;
    const kind = classOf(point);
    if (kind === CJK_CHAR) cjk++;
    // A word starts where a run of letters and digits starts, unless one joiner ties it to the word before.
    else if (kind === WORD && previous !== WORD && !(previous === JOINER && beforePrevious === WORD)) words++;
    beforePrevious = previous;
    previous = kind;
  }
  if (cjk === 0 && words === 0) return 0;
  return Math.max(1, Math.round(cjk / CJK_CHARACTERS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE));
}
