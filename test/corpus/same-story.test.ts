/**
 * The same-story grouping measured against a hand-labelled sample of the real corpus
 * (test/fixtures/same-story-labels.json: pairs of post ids, same or different; see docs/same-story.md).
 * Prints precision and recall on the whole sample and on each half (the rules were chosen on the even-indexed
 * pairs, so the odd half is the held-out measure); fails below issue 25's targets on the whole sample.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { memoryStore } from '../../src/indexer/incremental/post-store.ts';
import { storyItemsOf } from '../../src/indexer/output/extras-bucket-cache.ts';
import { SAME_STORY_WINDOW_MS, type StoryItem } from '../../src/indexer/plan/same-story.ts';
import { findSameStories } from '../../src/indexer/plan/story-pairs.ts';
import { shardFile, type MetaShard, type PostBucket } from '../../src/shared/types.ts';

const CORPUS_DIR = process.env['CORPUS_DIR'] ? resolve(process.env['CORPUS_DIR']) : undefined;
const available = CORPUS_DIR !== undefined && existsSync(join(CORPUS_DIR, '_manifest'));
if (!available) console.warn(`[same-story corpus test] SKIPPED: set CORPUS_DIR to the real corpus (../shared/corpus); got ${CORPUS_DIR ?? 'nothing'}`);

interface Label {
  a: string;
  b: string;
  same: boolean;
}

/**
 * Issue 25's targets are precision ≥ 0.95 and recall ≥ 0.8. Precision is held to its target; recall is
 * held at what the rules reach with the signature's hash, on the whole sample and on the held-out odd
 * half (0.838 and 0.851). Another hash moves a pair or two either way (0.827–0.843 over 8 hashes, see
 * docs/same-story.md, "The signature").
 */
const PRECISION_TARGET = 0.95;
const RECALL_FLOOR = 0.835;
const HELD_OUT_RECALL_FLOOR = 0.85;
/** Pairs 0–276 were drawn before the present rules; 277 on, from the pairs those rules added. */
const DRAWN_BEFORE_RULES = 277;

describe.runIf(available)('same story over the real corpus', () => {
  const labels = (JSON.parse(readFileSync(new URL('../fixtures/same-story-labels.json', import.meta.url), 'utf8')) as { pairs: Label[] }).pairs;
  const items: StoryItem[] = [];
  let foundPairs: ReturnType<typeof findSameStories>;
  let ids: Set<string>;
  let printsMade = 0;
  // In a hook, not the suite's body: vitest collects a skipped suite's body too.
  beforeAll(async () => {
    // As a build groups them: each post's story print as its parse made it and the store keeps it.
    const store = memoryStore();
    const built = await ingestPosts({ postsDir: CORPUS_DIR!, store });
    const keyOf = new Map<string, string>();
    for (let shard = 0; shard < built.manifest.shardCount; shard++) {
      const { posts } = JSON.parse(built.files.get(shardFile(shard))!) as MetaShard;
      posts.forEach((post, offset) => keyOf.set(post.id, built.rows[shard * built.manifest.shardSize + offset]!.key));
    }
    for await (const [, bytes] of built.postBuckets()) {
      const bucket = await storyItemsOf(JSON.parse(bytes.toString('utf8')) as PostBucket, (id) => store.getStory(keyOf.get(id)!));
      printsMade += bucket.made;
      items.push(...bucket.items);
    }
    foundPairs = findSameStories(items);
    ids = new Set(items.map((item) => item.id));
  }, 600_000);

  it("takes every post's story print from the store, as its parse made it", () => {
    expect(printsMade).toBe(0);
  });

  it('knows every post id of the labelled sample', () => {
    expect(labels.flatMap(({ a, b }) => [a, b]).filter((id) => !ids.has(id))).toEqual([]);
  });

  const measure = (pairs: Label[]) => {
    let found = 0;
    let wrongly = 0;
    let missed = 0;
    for (const { a, b, same } of pairs) {
      const grouped = foundPairs.get(a)?.some((other) => other.id === b) ?? false;
      if (grouped && same) found++;
      else if (grouped) wrongly++;
      else if (same) missed++;
    }
    return { precision: found / (found + wrongly), recall: found / (found + missed), found, wrongly, missed };
  };
  const describeMeasure = (name: string, pairs: Label[]) => {
    const { precision, recall, found, wrongly, missed } = measure(pairs);
    return `${name} (${pairs.length} pairs): precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${found} found, ${wrongly} wrongly, ${missed} missed)`;
  };

  it("groups the labelled pairs with issue 25's precision, and recall no lower than measured", () => {
    const { precision, recall } = measure(labels);
    const halves = [
      ['all', labels],
      ['even, rules chosen on', labels.filter((_, at) => at % 2 === 0)],
      ['odd, held out', labels.filter((_, at) => at % 2 === 1)],
      ['drawn before the rules', labels.slice(0, DRAWN_BEFORE_RULES)],
    ] as const;
    console.info(`[same story] ${halves.map(([name, pairs]) => describeMeasure(name, pairs)).join('; ')}`);
    expect(precision).toBeGreaterThanOrEqual(PRECISION_TARGET);
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it("groups the held-out half of the labelled pairs with issue 25's precision, and recall no lower than measured", () => {
    const { precision, recall } = measure(labels.filter((_, at) => at % 2 === 1));
    expect(precision).toBeGreaterThanOrEqual(PRECISION_TARGET);
    expect(recall).toBeGreaterThanOrEqual(HELD_OUT_RECALL_FLOOR);
  });

  it('lists a post only with posts of the day around it', () => {
    const times = new Map(items.map((item) => [item.id, item.time]));
    for (const [id, others] of foundPairs)
      for (const other of others) expect(Math.abs(times.get(id)! - times.get(other.id)!)).toBeLessThanOrEqual(SAME_STORY_WINDOW_MS);
  });
});
