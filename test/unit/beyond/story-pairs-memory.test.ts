/**
 * The same story's search keeps its window's keys in many small maps (story-pairs.ts, SplitMap): one
 * Map of them grew past V8's largest young object, and each table it rebuilt was old-space garbage till
 * a full collection (~500 MB of heap at 200k posts; docs/build-speed.md, stop 46).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { StoryTable } from '../../../src/indexer/plan/same-story.ts';
import { findStoryPairs, SplitMap, type PairJudge } from '../../../src/indexer/plan/story-pairs.ts';

const HOUR = 3600 * 1000;
const NO_PRINT = { signature: undefined, shingles: 0, terms: { hashes: new Uint32Array(0), counts: new Uint8Array(0) } };

/** A CJK character from a 3,000-character block, by number. */
const cjk = (n: number) => String.fromCharCode(0x4e00 + (n % 3000));

/** Bigrams as storyTitle makes them (`中 國`), of pseudo-random characters. */
function bigrams(count: number, seed: number): string[] {
  const keys: string[] = [];
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  for (let k = 0; k < count; k++) keys.push(`${cjk(next() >>> 8)} ${cjk(next() >>> 8)}`);
  return keys;
}

/** Old space taken by objects too large for the young generation, in bytes. */
const largeObjects = () => getHeapSpaceStatistics().find((space) => space.space_name === 'large_object_space')!.space_used_size;

describe('SplitMap', () => {
  it('gets, sets and updates as one Map does', () => {
    const split = new SplitMap<string | number>();
    const model = new Map<string | number, number>();
    const keys = [...bigrams(2_000, 7), ...Array.from({ length: 2_000 }, (_, k) => Math.imul(k, 2654435761) | 0)];
    keys.forEach((key, value) => {
      expect(split.set(key, value)).toBe(!model.has(key));
      model.set(key, value);
    });
    for (const key of keys.slice(0, 500)) {
      split.set(key, -1);
      model.set(key, -1);
    }
    split.update((value) => (value % 3 === 0 ? undefined : value + 1));
    for (const [key, value] of model) {
      if (value % 3 === 0) model.delete(key);
      else model.set(key, value + 1);
    }
    expect(split.size).toBe(model.size);
    for (const key of keys) expect(split.get(key)).toBe(model.get(key));
  });

  it("spreads a window's title bigrams over its parts", () => {
    const split = new SplitMap<string>();
    for (const key of bigrams(60_000, 11)) split.set(key, 0);
    // 64 parts: ~900 keys each, a table of ~30 KB; one Map of them all is ~2 MB.
    expect(split.size).toBeGreaterThan(50_000);
    expect(split.largestPart()).toBeLessThan(split.size / 32);
  });
});

describe('findStoryPairs', () => {
  it('makes no large objects while it searches a dense window', () => {
    // 2,000 posts a day of 16-character titles (~30k bigrams a window); posts of one group of 500 share a
    // prefix, so each post has a few candidates and the judge is called throughout the search.
    const table = new StoryTable(20_000);
    for (let at = 0; at < 20_000; at++) {
      const prefix = [0, 500, 1000, 1500, 2000].map((step) => cjk((at % 500) + step)).join('');
      const rest = bigrams(6, at + 1)
        .map((bigram) => bigram.replace(' ', ''))
        .join('');
      table.add(`p${at}`, `${prefix}${rest}`, Date.UTC(2026, 0, 1) + at * 0.012 * HOUR, undefined, NO_PRINT);
    }
    let calls = 0;
    let first = 0;
    let most = 0;
    const judge: PairJudge = () => {
      if (calls++ % 64 === 0) {
        const used = largeObjects();
        if (calls === 1) first = used;
        most = Math.max(most, used);
      }
      return { same: false, byNames: false, score: 0 };
    };
    findStoryPairs(table, {}, judge);
    expect(calls).toBeGreaterThan(10_000);
    // One Map of the window's keys left ~1-2 MB of tables there at each of its rebuilds.
    expect(most - first).toBeLessThan(1 << 20);
  });
});
