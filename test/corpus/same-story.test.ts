/**
 * The same-story grouping measured against a hand-labelled sample of the real corpus
 * (test/fixtures/same-story-labels.json: pairs of post ids, same or different; see docs/same-story.md).
 * Prints precision and recall; fails if either falls below what the grouping reached when it was tuned.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { storyItemsOf } from '../../src/indexer/output/write-story-extras.ts';
import { findSameStories, type StoryItem } from '../../src/indexer/plan/same-story.ts';
import type { PostBucket } from '../../src/shared/types.ts';

const CORPUS_DIR = process.env['CORPUS_DIR'] ? resolve(process.env['CORPUS_DIR']) : undefined;
const available = CORPUS_DIR !== undefined && existsSync(join(CORPUS_DIR, '_manifest'));
if (!available) console.warn(`[same-story corpus test] SKIPPED: set CORPUS_DIR to the real corpus (../shared/corpus); got ${CORPUS_DIR ?? 'nothing'}`);

interface Label {
  a: string;
  b: string;
  same: boolean;
}

/** Measured when the thresholds were chosen (docs/same-story.md): a drop below is a regression. */
const PRECISION_FLOOR = 0.8;
const RECALL_FLOOR = 0.58;

describe.runIf(available)('same story over the real corpus', async () => {
  const labels = (JSON.parse(readFileSync(new URL('../fixtures/same-story-labels.json', import.meta.url), 'utf8')) as { pairs: Label[] }).pairs;
  const built = await ingestPosts({ postsDir: CORPUS_DIR! });
  const items: StoryItem[] = [];
  for await (const [, bytes] of built.postBuckets()) {
    for (const [id, title, date, , signature] of storyItemsOf(JSON.parse(bytes.toString('utf8')) as PostBucket)) {
      items.push({
        id,
        title,
        time: Date.parse(date),
        signature: signature ? new Uint32Array(Uint8Array.from(Buffer.from(signature, 'base64')).buffer) : undefined,
      });
    }
  }
  const found = findSameStories(items);
  const ids = new Set(items.map((item) => item.id));

  it('knows every post id of the labelled sample', () => {
    expect(labels.flatMap(({ a, b }) => [a, b]).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('groups the labelled pairs with the precision and recall measured when it was tuned', () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (const { a, b, same } of labels) {
      const grouped = found.get(a)?.some((other) => other.id === b) ?? false;
      if (grouped && same) truePositives++;
      else if (grouped) falsePositives++;
      else if (same) falseNegatives++;
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / (truePositives + falseNegatives);
    console.info(
      `[same story] ${labels.length} labelled pairs: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${truePositives} found, ${falsePositives} wrongly, ${falseNegatives} missed)`,
    );
    expect(precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
    expect(recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
  });

  it('lists a post only with posts of the three days around it', () => {
    const times = new Map(items.map((item) => [item.id, item.time]));
    for (const [id, others] of found)
      for (const other of others) expect(Math.abs(times.get(id)! - times.get(other.id)!)).toBeLessThanOrEqual(3 * 24 * 3600 * 1000);
  });
});
