/**
 * The story print's fast parts (plan/shingle-hashes.ts, storyPrint's signature) against the plain
 * definition they must match: the text's units, a string per shingle, fnv1a of each, a bin's minimum
 * over a Set (which filled bin an empty one copies is story-signature.test.ts's).
 */
import { describe, expect, it } from 'vitest';
import { MIN_SHINGLES, SHINGLE_UNITS, SIGNATURE_SIZE, storyPrint, storyUnits } from '../../../src/indexer/plan/same-story.ts';
import { ShingleScratch, shingleHashes } from '../../../src/indexer/plan/shingle-hashes.ts';
import { FoldedUnits } from '../../../src/shared/search-text.ts';
import { fnv1a, mix32 } from '../../../src/shared/types.ts';
import { random } from '../../../src/tools/gen-corpus.ts';

function shinglesPlainly(text: string): Set<number> {
  const units = storyUnits(text);
  const shingles = new Set<number>();
  for (let at = 0; at + SHINGLE_UNITS <= units.length; at++) shingles.add(fnv1a(units.slice(at, at + SHINGLE_UNITS).join(' ')));
  return shingles;
}

/** Each bin's minimum of the shingles' hashes, as the signature defines them; undefined for a text too short. */
function binMinimumsPlainly(text: string): Map<number, number> | undefined {
  const shingles = shinglesPlainly(text);
  if (shingles.size < MIN_SHINGLES) return undefined;
  const minimums = new Map<number, number>();
  for (const shingle of shingles) {
    const hash = mix32(shingle);
    const bin = hash >>> (32 - Math.log2(SIGNATURE_SIZE));
    minimums.set(bin, Math.min(minimums.get(bin) ?? Infinity, hash));
  }
  return minimums;
}

/** One scratch for every text, as a build worker keeps one: each text must hash as on a fresh one. */
const scratch = new ShingleScratch();

function expectSameShingles(text: string): void {
  const folded = new FoldedUnits();
  folded.append(text);
  const fast = [...shingleHashes(folded, SHINGLE_UNITS, scratch)];
  expect(fast).toEqual([...shinglesPlainly(text)]);
  const print = storyPrint(text, scratch);
  const minimums = binMinimumsPlainly(text);
  expect(print === undefined).toBe(minimums === undefined);
  if (!print || !minimums) return;
  expect(print.shingles).toBe(fast.length);
  // A filled bin holds its minimum; an empty one, some filled bin's.
  const filled = new Set(minimums.values());
  print.signature.forEach((value, bin) => expect(minimums.has(bin) ? value === minimums.get(bin) : filled.has(value)).toBe(true));
}

/** Pieces of text of every kind the units treat apart. */
const PIECES = [
  '臺灣',
  '台湾',
  '烏克蘭總統',
  '的',
  '。',
  '，',
  ' ',
  '\n',
  '\u3000',
  'AI',
  'Hong',
  'Kong',
  '2026',
  'COVID-19',
  'ＡＢＣ',
  '㎏',
  '𠮷野家',
  '\ud800',
  '\udc00',
  'é',
  'Москва',
  'カタカナ',
  '한국어',
  'x'.repeat(40),
  '😀',
  '-',
];

describe('shingle hashes', () => {
  it('hash the shingles of Chinese, Latin and mixed text as a string per shingle would, in the order they first occur', () => {
    expectSameShingles('交通部今天宣布，連接北部兩座港口的新輪渡航線將於下個月正式啟航，每日往返四班，票價比照既有航線。');
    expectSameShingles('The ferry line opens next month, with four sailings a day; the ferry line opens next month.');
    expectSameShingles('AI晶片 2026年 Hong Kong 的 COVID-19 𠮷野家的牛丼 \ud800 a\udc00b 😀 漢😀字');
    expectSameShingles('');
    expectSameShingles('四個字');
  });

  it('agree with the plain definition on random mixes, long texts and a short text after a long one', () => {
    const next = random(20261206);
    for (let n = 0; n < 200; n++) {
      let text = '';
      for (let piece = Math.floor(next() * 200); piece > 0; piece--) text += PIECES[Math.floor(next() * PIECES.length)];
      expectSameShingles(text);
    }
    let long = '';
    for (let n = 0; n < 20_000; n++) long += String.fromCharCode(0x4e00 + Math.floor(next() * 3000));
    expectSameShingles(long);
    expectSameShingles('之後的短文，只有幾個字而已，不足以成為一個簽名。');
  });
});
