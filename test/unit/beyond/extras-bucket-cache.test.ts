import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCache, saveCache, type CachedBucket } from '../../../src/indexer/output/extras-bucket-cache.ts';

const BUCKETS: [string, CachedBucket][] = [
  ['0/1.json', { size: 120, mtimeMs: 1_763_600_000_000.25, posts: [{ id: '2026-11-20-ferry-a', links: 2, archived: ['2026-11-01-old'] }] }],
  ['0/2.json', { size: 340, mtimeMs: 1_763_600_000_001, posts: [{ id: '2026-11-20-ferry-b', links: 0, versions: ['2026-11-20-ferry-b-2'] }] }],
  ['1/3.json', { size: 99, mtimeMs: 1_763_600_000_002, posts: [{ id: '2026-11-21-rain', links: 5 }] }],
];
const SUMMARY = { written: { posts: 3, grouped: 2, furtherReading: 1 }, code: 'code-1' };

describe('the extras bucket cache', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const paths = () => {
    dir = mkdtempSync(join(tmpdir(), 'bucket-cache-'));
    return { first: join(dir, 'first.ndjson'), again: join(dir, 'again.ndjson'), fresh: join(dir, 'fresh.ndjson') };
  };

  it('saves the buckets it loaded, as loaded, to the same bytes', async () => {
    const { first, again } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    await saveCache(again, SUMMARY, loaded.buckets);
    expect(readFileSync(again)).toEqual(readFileSync(first));
  });

  it('saves a loaded bucket whose posts or time changed from what it holds now, not from the line it was read from', async () => {
    const { first, again, fresh } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    const rain = loaded.buckets.get('1/3.json')!;
    rain.posts = [{ id: '2026-11-21-rain', links: 1, archived: ['2026-11-02-older'] }];
    loaded.buckets.get('0/2.json')!.mtimeMs += 1;
    await saveCache(again, SUMMARY, loaded.buckets);
    const expected = new Map(BUCKETS.map(([path, bucket]) => [path, { ...bucket }]));
    expected.get('1/3.json')!.posts = rain.posts;
    expected.get('0/2.json')!.mtimeMs += 1;
    await saveCache(fresh, SUMMARY, expected);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(fresh, 'utf8'));
    expect(loadCache(again).buckets.get('1/3.json')!.posts).toEqual(rain.posts);
  });

  it('saves a bucket replaced by a new object of the same size and time from what the new one holds', async () => {
    const { first, again } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    const { size, mtimeMs } = loaded.buckets.get('1/3.json')!;
    const posts = [{ id: '2026-11-21-rain', links: 0, versions: ['2026-11-21-rain-2'] }];
    loaded.buckets.set('1/3.json', { size, mtimeMs, posts });
    await saveCache(again, SUMMARY, loaded.buckets);
    expect(loadCache(again).buckets.get('1/3.json')).toEqual({ size, mtimeMs, posts });
  });

  it('saves a loaded bucket under another path from what it holds, not from its line', async () => {
    const { first, again } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    await saveCache(again, SUMMARY, new Map([['2/9.json', loaded.buckets.get('0/1.json')!]]));
    expect([...loadCache(again).buckets.keys()]).toEqual(['2/9.json']);
  });
});
