/**
 * The story signature (plan/story-signature.ts, one-permutation MinHash with optimal densification):
 * its positions agree as often as the shingle sets' Jaccard similarity, for long and short texts alike.
 */
import { describe, expect, it } from 'vitest';
import { SHINGLE_UNITS, storyPrint } from '../../../src/indexer/plan/same-story.ts';
import { ShingleScratch, shingleHashes } from '../../../src/indexer/plan/shingle-hashes.ts';
import { SIGNATURE_SIZE, similarity, storySignatureOf } from '../../../src/indexer/plan/story-signature.ts';
import { FoldedUnits } from '../../../src/shared/search-text.ts';
import { random } from '../../../src/tools/gen-corpus.ts';

// Our own sentences, in the manner of a wire story.
const FERRY = [
  '交通部今天宣布，連接北部兩座港口的新輪渡航線將於下個月正式啟航，每日往返四班，票價比照既有航線。',
  '交通部官員表示，新航線啟用後，兩港之間的旅行時間可望縮短一小時，並帶動沿線觀光與貨運。',
  '港務公司指出，碼頭候船室已完成整修，新增無障礙通道與電子票證閘門，旅客可預先在網路購票。',
  '地方政府也規劃接駁公車，配合船班時刻發車，讓旅客下船後能直接前往市區與主要景點。',
];
const WEATHER = [
  '氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降。',
  '山區可能出現局部大雨，民眾從事戶外活動應留意天氣變化，攜帶雨具並注意保暖。',
  '氣象署預估下週初鋒面通過後天氣回穩，各地早晚溫差大，清晨沿海空曠地區低溫約十四度。',
];
const FERRY_REWRITTEN = [
  FERRY[0],
  '業者說明，首航當天將加開一班，並在船上舉辦簡單的啟航儀式，邀請沿線居民免費搭乘體驗。',
  FERRY[2],
  '不過也有民眾擔心冬季東北季風強勁，船班可能經常停駛，希望主管機關及早公布替代運輸方案。',
];

const scratch = new ShingleScratch();
const shinglesOf = (text: string) => {
  const folded = new FoldedUnits();
  folded.append(text);
  return shingleHashes(folded, SHINGLE_UNITS, scratch).slice();
};
const signatureOf = (text: string) => storyPrint(text, scratch)!.signature;

function exactJaccard(a: Uint32Array, b: Uint32Array): number {
  const inA = new Set(a);
  const shared = b.filter((hash) => inA.has(hash)).length;
  return shared / (a.length + b.length - shared);
}

/** Two sets of random hashes of the given sizes sharing `shared` hashes. */
function randomPair(next: () => number, sizeA: number, sizeB: number, shared: number): [Uint32Array, Uint32Array] {
  const draw = (count: number) => Uint32Array.from({ length: count }, () => Math.floor(next() * 2 ** 32));
  const common = draw(shared);
  return [Uint32Array.from([...common, ...draw(sizeA - shared)]), Uint32Array.from([...draw(sizeB - shared), ...common])];
}

describe('story signature', () => {
  it('gives identical texts identical signatures, whatever the order the shingles come in', () => {
    const shingles = shinglesOf(FERRY.join(''));
    expect(storySignatureOf(shingles.slice().reverse())).toEqual(storySignatureOf(shingles));
  });

  it('fills every position of a short text from its own shingles', () => {
    // 30 shingles leave most of 64 bins empty: each takes the minimum of a bin that has one.
    const shingles = shinglesOf(FERRY[0]!);
    const signature = storySignatureOf(shingles);
    expect(signature).toHaveLength(SIGNATURE_SIZE);
    const ownMinimums = new Set(signature.filter((value, bin) => value >>> (32 - Math.log2(SIGNATURE_SIZE)) === bin));
    expect(ownMinimums.size).toBeLessThan(SIGNATURE_SIZE);
    for (const value of signature) expect(ownMinimums.has(value)).toBe(true);
    expect(storySignatureOf(Uint32Array.of(12345))).toEqual(new Uint32Array(SIGNATURE_SIZE).fill(storySignatureOf(Uint32Array.of(12345))[0]!));
    expect(storySignatureOf(new Uint32Array(0))).toEqual(new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff));
  });

  it('estimates the Jaccard similarity of written texts within 0.15: a copy with a sentence added, a rewrite, another story', () => {
    const original = FERRY.join('');
    const pairs = [
      [original, `${original}記者現場直擊報導，更多細節稍後更新。`],
      [original, FERRY_REWRITTEN.join('')],
      [original, FERRY.slice(0, 2).join('')],
      [original, WEATHER.join('')],
      [`${FERRY[0]}${WEATHER.join('')}`, `${FERRY[0]}${WEATHER[0]}`],
    ];
    const measured = pairs.map(([a, b]) => [exactJaccard(shinglesOf(a!), shinglesOf(b!)), similarity(signatureOf(a!), signatureOf(b!))]);
    for (const [exact, estimate] of measured) expect(Math.abs(estimate! - exact!)).toBeLessThanOrEqual(0.15);
    // The cases span the range: a near copy high, another story nothing.
    expect(measured[0]![1]).toBeGreaterThanOrEqual(0.8);
    expect(measured[3]).toEqual([0, 0]);
  });

  it('estimates without bias and with the spread of 64 hash functions, for long texts and texts too short to fill the bins', () => {
    const next = random(20261206);
    for (const [sizeA, sizeB] of [
      [2000, 1500],
      [300, 300],
      [30, 40],
    ] as const) {
      for (const jaccard of [0.1, 0.5, 0.9]) {
        // Shared hashes for this Jaccard similarity: J (|A| + |B|) / (1 + J).
        const shared = Math.round((jaccard * (sizeA + sizeB)) / (1 + jaccard));
        const errors = Array.from({ length: 200 }, () => {
          const [a, b] = randomPair(next, sizeA, sizeB, shared);
          return similarity(storySignatureOf(a), storySignatureOf(b)) - exactJaccard(a, b);
        });
        const bias = errors.reduce((sum, error) => sum + error, 0) / errors.length;
        const spread = Math.sqrt(errors.reduce((sum, error) => sum + error ** 2, 0) / errors.length);
        const minHashSpread = Math.sqrt((jaccard * (1 - jaccard)) / SIGNATURE_SIZE);
        expect(Math.abs(bias), `bias at ${sizeA}/${sizeB}, J ${jaccard}`).toBeLessThan(0.02);
        expect(spread, `spread at ${sizeA}/${sizeB}, J ${jaccard}`).toBeLessThan(1.3 * minHashSpread);
      }
    }
  });

  it('finds no likeness between two sets that share no shingle, however many bins are empty', () => {
    const next = random(7);
    for (const size of [30, 64, 500]) {
      const [a, b] = randomPair(next, size, size, 0);
      expect(similarity(storySignatureOf(a), storySignatureOf(b))).toBe(0);
    }
  });
});
