import { storyTableOf, type StoryItem } from '../../../src/indexer/plan/same-story.ts';
import { countTermFrequencies, frequencyOf, movedTermFrequencies } from '../../../src/indexer/plan/term-frequencies.ts';

// Posts holding a few of 50 term hashes each, drawn from a seeded generator.
let seed = 11;
const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
const itemOf = (n: number): StoryItem => {
  const hashes = Uint32Array.from(new Set(Array.from({ length: 1 + Math.floor(next() * 8) }, () => Math.floor(next() * 50) * 0x2545f491))).sort();
  return { id: `p${n}`, time: n, title: '', signature: undefined, terms: { hashes, counts: new Uint8Array(hashes.length).fill(1) } };
};
const termsOf = (items: readonly StoryItem[]) => Uint32Array.from(items.flatMap((item) => [...item.terms!.hashes]));

describe('term frequencies', () => {
  it('count the posts holding each term', () => {
    const table = storyTableOf([itemOf(0), itemOf(1), itemOf(2)]);
    const frequencies = countTermFrequencies(table);
    for (let at = 0; at < table.count; at++)
      for (let n = table.termStarts[at]!; n < table.termStarts[at + 1]!; n++) {
        const hash = table.termHashes[n]!;
        const holders = [0, 1, 2].filter((post) => table.termHashes.subarray(table.termStarts[post]!, table.termStarts[post + 1]!).includes(hash)).length;
        expect(frequencyOf(frequencies, hash)).toBe(holders);
      }
  });

  it('moved by the posts added and removed are those counted over the posts after the move', () => {
    const before = Array.from({ length: 200 }, (_, n) => itemOf(n));
    const gone = before.filter((_, n) => n % 7 === 3);
    const added = Array.from({ length: 30 }, (_, n) => itemOf(1000 + n));
    const after = [...before.filter((_, n) => n % 7 !== 3), ...added];
    const moved = movedTermFrequencies(countTermFrequencies(storyTableOf(before)), termsOf(gone), termsOf(added));
    expect(moved).toEqual(countTermFrequencies(storyTableOf(after)));
  });

  it('moved by one post edited are those counted over the posts after, whether a term comes, goes or neither', () => {
    const withTerms = (item: StoryItem, hashes: number[]): StoryItem => {
      const sorted = Uint32Array.from(new Set(hashes)).sort();
      return { ...item, terms: { hashes: sorted, counts: new Uint8Array(sorted.length).fill(1) } };
    };
    const generated = Array.from({ length: 40 }, (_, n) => itemOf(n));
    const [shared, other] = [generated[6]!.terms!.hashes[0]!, generated[7]!.terms!.hashes[0]!];
    // Post 5 holds a term of post 6's and one no other post holds.
    const onlyHere = 0x7fffffff;
    const posts = generated.map((item, n) => (n === 5 ? withTerms(item, [shared, onlyHere]) : item));
    const edits: [step: string, hashes: number[], inPlace: boolean][] = [
      ['a term held elsewhere for another held elsewhere', [other, onlyHere], true],
      ['a term no post held', [shared, onlyHere, 7], false],
      ['the term only it held', [shared], false],
      ['no term', [], false],
    ];
    const frequencies = countTermFrequencies(storyTableOf(posts));
    for (const [step, hashes, inPlace] of edits) {
      const edited = posts.map((item, n) => (n === 5 ? withTerms(item, hashes) : item));
      const moved = movedTermFrequencies(frequencies, termsOf([posts[5]!]), termsOf([edited[5]!]))!;
      expect({ hashes: [...moved.hashes], counts: [...moved.counts] }, step).toEqual(
        (({ hashes: h, counts: c }) => ({ hashes: [...h], counts: [...c] }))(countTermFrequencies(storyTableOf(edited))),
      );
      // Moved in place (the hashes shared) only when no term comes or goes.
      expect(moved.hashes === frequencies.hashes, step).toBe(inPlace);
    }
  });

  it('are not moved by removing a term no post held', () => {
    const frequencies = countTermFrequencies(storyTableOf([itemOf(0)]));
    expect(movedTermFrequencies(frequencies, Uint32Array.of(7), new Uint32Array(0))).toBeUndefined();
  });
});
