import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCache, saveCache, type CachedBucket } from '../../../src/indexer/output/extras-bucket-cache.ts';

const BUCKETS: [string, CachedBucket][] = [
  ['0/1.json', { size: 120, mtimeMs: 1_763_600_000_000.25, posts: [{ id: '2026-11-20-ferry-a', links: 2, archived: ['2026-11-01-old'] }] }],
  [
    '0/2.json',
    {
      size: 340,
      mtimeMs: 1_763_600_000_001,
      posts: [
        { id: '2026-11-20-ferry-b', links: 0, versions: ['2026-11-20-ferry-b-2'] },
        { id: '2026-11-20-ferry-c', links: 7, print: '[3,"a print"]' },
      ],
    },
  ],
  ['0/3.json', { size: 2, mtimeMs: 1_763_600_000_001.5, posts: [] }],
  ['1/3.json', { size: 99, mtimeMs: 1_763_600_000_002, posts: [{ id: '2026-11-21-rain', links: 5 }] }],
];
const SUMMARY = { written: { posts: 4, grouped: 2, furtherReading: 1 }, code: 'code-1' };

describe('the extras bucket cache', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const paths = () => {
    dir = mkdtempSync(join(tmpdir(), 'bucket-cache-'));
    return { first: join(dir, 'first.bin'), again: join(dir, 'again.bin') };
  };

  it('loads every bucket as saved, in order, each post with its fields, and the summary', async () => {
    const { first } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    expect([...loaded.buckets]).toEqual(BUCKETS);
    expect(loaded).toMatchObject(SUMMARY);
  });

  it('saves the buckets it loaded to the same bytes', async () => {
    const { first, again } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    await saveCache(again, SUMMARY, loadCache(first).buckets);
    expect(readFileSync(again).equals(readFileSync(first))).toBe(true);
  });

  it('saves a loaded bucket from what it holds now', async () => {
    const { first, again } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const loaded = loadCache(first);
    const rain = { ...loaded.buckets.get('1/3.json')!, posts: [{ id: '2026-11-21-rain', links: 1, archived: ['2026-11-02-older'] }] };
    loaded.buckets.set('1/3.json', rain);
    loaded.buckets.get('0/2.json')!.mtimeMs += 1;
    await saveCache(again, SUMMARY, loaded.buckets);
    const saved = loadCache(again).buckets;
    expect(saved.get('1/3.json')).toEqual(rain);
    expect(saved.get('0/2.json')!.mtimeMs).toBe(BUCKETS[1]![1].mtimeMs + 1);
  });

  it('is empty when cut short, grown or of another version', async () => {
    const { first } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const whole = readFileSync(first);
    writeFileSync(first, whole.subarray(0, whole.length - 8));
    expect(loadCache(first).buckets.size).toBe(0);
    writeFileSync(first, Buffer.concat([whole, Buffer.alloc(8)]));
    expect(loadCache(first).buckets.size).toBe(0);
    const headerLength = whole.readUInt32LE(0);
    const header = whole.toString('utf8', 4, 4 + headerLength);
    writeFileSync(first, Buffer.concat([whole.subarray(0, 4), Buffer.from(header.replace(/"version":\d+/, '"version":1')), whole.subarray(4 + headerLength)]));
    expect(loadCache(first).buckets.size).toBe(0);
    expect(loadCache(join(dir, 'none.bin')).buckets.size).toBe(0);
  });

  it('is empty when its buckets hold more posts than it lists', async () => {
    const { first } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    const whole = readFileSync(first);
    const header = JSON.parse(whole.toString('utf8', 4, 4 + whole.readUInt32LE(0))) as { sections: number[] };
    // The counts section (the fourth) starts after the header and three sections, each at a multiple of 8 bytes.
    const padded = (bytes: number) => (bytes + 7) & ~7;
    const counts = padded(4 + whole.readUInt32LE(0)) + header.sections.slice(0, 3).reduce((sum, length) => sum + padded(length), 0);
    whole.writeUInt32LE(2, counts);
    writeFileSync(first, whole);
    expect(loadCache(first).buckets.size).toBe(0);
  });
});
