/** Whether the collection after the extras compacts: after a cold pass's peak only (see build-site.ts). */
import { extrasReadMostBuckets } from '../../src/indexer/build-site.ts';

const extras = (bucketsRead: number, bucketsReported = 0) => ({
  sameStory: { posts: 0, grouped: 0, furtherReading: 0, bucketsRead, bucketsReported, written: 0, unchanged: 0, seconds: 0 },
});

it('counts extras that read over half the post buckets as cold, and those that read a few or none as not', () => {
  expect(extrasReadMostBuckets(extras(1024), 1024)).toBe(true);
  expect(extrasReadMostBuckets(extras(513), 1024)).toBe(true);
  expect(extrasReadMostBuckets(extras(512), 1024)).toBe(false);
  expect(extrasReadMostBuckets(extras(3), 1024)).toBe(false);
  expect(extrasReadMostBuckets(undefined, 1024)).toBe(false);
});

it('counts the buckets their writers reported with those read', () => {
  expect(extrasReadMostBuckets(extras(0, 1024), 1024)).toBe(true);
  expect(extrasReadMostBuckets(extras(300, 300), 1024)).toBe(true);
  expect(extrasReadMostBuckets(extras(0, 512), 1024)).toBe(false);
});
