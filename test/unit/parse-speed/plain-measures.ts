/**
 * The plain definitions of the text measures the build computes in one pass over code points: regular
 * expressions over the whole text, as the measures were first written. The fast ones must agree.
 */
import { CJK_CHARACTERS_PER_MINUTE, LATIN_WORDS_PER_MINUTE } from '../../../src/shared/reading-time.ts';
import { PRINT_CLAUSES } from '../../../src/indexer/parse/text-print.ts';
import { fnv1a } from '../../../src/shared/types.ts';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu;
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

export function readingMinutesPlainly(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const words = text.replace(CJK, ' ').match(WORD)?.length ?? 0;
  if (cjk === 0 && words === 0) return 0;
  return Math.max(1, Math.round(cjk / CJK_CHARACTERS_PER_MINUTE + words / LATIN_WORDS_PER_MINUTE));
}

const SENTENCE_END = /(?<=[。！？!?；;，,、：:])|(?<=\.)\s+|\n/u;

export function textPrintPlainly(text: string): string {
  const entries = new Map<number, number>();
  for (const raw of text.split(SENTENCE_END)) {
    const clause = raw.replace(/[\s\u00a0\u200b\p{P}]+/gu, '');
    if (clause === '') continue;
    const hash = fnv1a(clause) >>> 8;
    entries.set(hash, Math.min(255, (entries.get(hash) ?? 0) + [...clause].length));
  }
  const kept = [...entries].sort((a, b) => a[0] - b[0]).slice(0, PRINT_CLAUSES);
  const bytes = new Uint8Array(kept.length * 4);
  kept.forEach(([hash, length], n) => {
    bytes[n * 4] = hash >>> 16;
    bytes[n * 4 + 1] = (hash >>> 8) & 0xff;
    bytes[n * 4 + 2] = hash & 0xff;
    bytes[n * 4 + 3] = length;
  });
  return Buffer.from(bytes).toString('base64');
}

/** Pieces of text of every kind the measures treat apart. */
export const PIECES = [
  '臺灣',
  '新聞',
  '。',
  '，',
  '、',
  '；',
  '：',
  '！',
  '？',
  '「',
  '」',
  '—',
  ',',
  ';',
  ':',
  '!',
  '?',
  '.',
  '. ',
  '.\n',
  "'",
  '’',
  '-',
  '--',
  ' ',
  '\n',
  '\t',
  '\u3000',
  '\u00a0',
  '\u200b',
  '\u2028',
  'word',
  "don't",
  'well-known',
  '3.5',
  'U.S.',
  'APEC',
  'Ελλάδα',
  'Москва',
  'カタカナ',
  'ひらがな',
  '한국어',
  'é',
  '①',
  '²',
  '𠮷',
  '😀',
  '\ud800',
  '\udc00',
  '#',
  '(',
  ')',
];

export function randomText(next: () => number, pieces: number): string {
  let text = '';
  for (let n = 0; n < pieces; n++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}
