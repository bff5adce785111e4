/**
 * The build's token counter (src/indexer/parse/count-tokens.ts) against the definition it must match: fold the
 * text, tokenize it (search-text.ts, what the browser runs on queries) and count the tokens, title first.
 * Same tokens, in the same order, with the same weights.
 */
import { describe, expect, it } from 'vitest';
import { MAX_OCCURRENCES, TITLE_BIT } from '../../../src/shared/search-format.ts';
import { foldText, tokenizeFolded } from '../../../src/shared/search-text.ts';
import { contextTokensOf } from '../../../src/shared/search-contexts.ts';
import { countSearchTokens, searchTokenList, TokenScratch } from '../../../src/indexer/parse/count-tokens.ts';
// A deterministic generator, so that a failure repeats.
import { random } from '../../../src/tools/gen-corpus.ts';

/** Counting the plain way: a string per occurrence, in a Map. */
function countPlainly(title: string, text: string): { tokens: string[]; weights: number[] } {
  const counts = new Map<string, number>();
  tokenizeFolded(foldText(title), (token) => counts.set(token, ((counts.get(token) ?? 0) | TITLE_BIT) + 2));
  tokenizeFolded(foldText(text), (token) => counts.set(token, (counts.get(token) ?? 0) + 2));
  for (const token of contextTokensOf(foldText(title), foldText(text))) counts.set(token, (counts.get(token) ?? 0) + 2);
  return {
    tokens: [...counts.keys()],
    weights: [...counts.values()].map((value) => (Math.min(value >> 1, MAX_OCCURRENCES) << 1) | (value & TITLE_BIT)),
  };
}

/** One scratch for every count, as a build worker keeps one: each post must count as on a fresh one. */
const scratch = new TokenScratch();

function expectSameCount(title: string, text: string): void {
  const counted = countSearchTokens(title, text, scratch);
  expect({ tokens: searchTokenList(counted), weights: [...counted.weights] }).toEqual(countPlainly(title, text));
}

/** Pieces of text of every kind the tokenizer treats apart. */
const PIECES = [
  '臺灣',
  '台湾',
  '烏克蘭',
  '乌克兰',
  '習近平',
  '的',
  '。',
  '，',
  '、',
  '「',
  '」',
  ' ',
  '  ',
  '\n',
  '\t',
  '\u3000',
  '\u00a0',
  'AI',
  'apec',
  'Hong',
  'Kong',
  '2026',
  '年',
  'COVID-19',
  'ＡＢＣ１２３',
  '㎏',
  'ﬁ',
  '①',
  'Ⅻ',
  '豈',
  '丽',
  '𠀀',
  '𪚥',
  '𠮷野家',
  '\ud800',
  '\udc00',
  'é',
  'Ελλάδα',
  'Москва',
  'カタカナ',
  'ひらがな',
  '한국어',
  'ß',
  'İ',
  'x'.repeat(31),
  'y'.repeat(33),
  '-',
  '/',
  '.',
  '#',
  '!',
  '😀',
];

function randomText(next: () => number, pieces: number): string {
  let text = '';
  for (let n = 0; n < pieces; n++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('countSearchTokens', () => {
  it('counts Chinese pairs, lone characters, words, joins and phrases as the tokenizer finds them', () => {
    expectSameCount('烏克蘭總統訪問台灣', '烏克蘭總統今天抵達臺灣，與台湾官員會面。AI晶片 2026年 Hong Kong 的「的」 COVID-19');
    expectSameCount('', '');
    expectSameCount('標題', '');
    expectSameCount('', '只有內文');
  });

  it('folds full-width forms, compatibility characters and expansions (㎏ → kg) before tokenizing', () => {
    expectSameCount('ＡＢＣ１２３', '㎏ ﬁne ① Ⅻ 豈 丽 ß İstanbul');
  });

  it('handles characters beyond the Basic Multilingual Plane and lone surrogates', () => {
    expectSameCount('𠮷野家', '𠀀𪚥 𠮷野家的牛丼 \ud800 \udc00 a\ud800b 😀 漢😀字 𠀀a a𠀀');
  });

  it('drops words longer than 32 units and keeps the weight of a token under its cap', () => {
    expectSameCount('x'.repeat(32), `${'y'.repeat(33)} ${'x'.repeat(32)} ${'台灣 '.repeat(300)}`);
  });

  it('gives the title bit to tokens of the title, wherever else they occur', () => {
    expectSameCount('台灣 news', '新聞 news 台灣 台灣');
  });

  it('agrees on thousands of random mixes', () => {
    const next = random(20261126);
    for (let n = 0; n < 3000; n++) expectSameCount(randomText(next, Math.floor(next() * 6)), randomText(next, Math.floor(next() * 60)));
  });

  it('agrees on long texts with many distinct pairs (its table grows) and on the short text after them', () => {
    const next = random(7);
    let long = '';
    for (let n = 0; n < 40_000; n++) long += String.fromCharCode(0x4e00 + Math.floor(next() * 3000));
    expectSameCount('長文', long);
    expectSameCount('短文', '之後的短文');
  });

  it('agrees on long texts of many distinct short words (the string table grows) and on the short text after them', () => {
    const next = random(11);
    const letter = () => String.fromCharCode(0x61 + Math.floor(next() * 26));
    let long = '';
    for (let n = 0; n < 20_000; n++) long += `${letter()}${letter()}${next() < 0.2 ? '-' : ' '}`;
    expectSameCount('long words', long);
    expectSameCount('short', 'after the long text');
  });
});
