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
  // Ids are kept as UTF-16: a CJK one (and one past the basic plane) comes back as it was.
  ['1/4.json', { size: 77, mtimeMs: 1_763_600_000_003, posts: [{ id: '2026-11-22-颱風-𠮷', links: 1 }] }],
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

  /** The saved file with one change made to it: the cache read back from it is empty. */
  const changes: [string, (whole: Buffer) => Buffer][] = [
    ['cut short', (whole) => whole.subarray(0, whole.length - 8)],
    ['grown', (whole) => Buffer.concat([whole, Buffer.alloc(8)])],
    ['of another version', (whole) => withHeader(whole, (header) => header.replace(/"version":\d+/, '"version":1'))],
    ['its buckets hold more posts than it lists', (whole) => withCount(whole, 2)],
    ['its buckets hold fewer posts than it lists', (whole) => withCount(whole, 0)],
  ];

  it.each(changes)('is empty when %s', async (_, change) => {
    const { first } = paths();
    await saveCache(first, SUMMARY, new Map(BUCKETS));
    writeFileSync(first, change(readFileSync(first)));
    expect(loadCache(first).buckets.size).toBe(0);
  });

  it('is empty when there is none', () => {
    paths();
    expect(loadCache(join(dir, 'none.bin')).buckets.size).toBe(0);
  });
});

/** The file with its JSON header changed. */
function withHeader(whole: Buffer, change: (header: string) => string): Buffer {
  const headerLength = whole.readUInt32LE(0);
  const header = Buffer.from(change(whole.toString('utf8', 4, 4 + headerLength)));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const padding = Buffer.alloc(((header.length + 3) & ~3) - header.length);
  return Buffer.concat([length, header, padding, whole.subarray(4 + ((headerLength + 3) & ~3))]);
}

/** The file with its first bucket's post count (the counts section, the fourth) set to `count`: 1 saved. */
function withCount(whole: Buffer, count: number): Buffer {
  const headerLength = whole.readUInt32LE(0);
  const header = JSON.parse(whole.toString('utf8', 4, 4 + headerLength)) as { sections: number[] };
  // Each section starts at a multiple of 4 bytes after the header (see sectionChunks in data-file.ts).
  const padded = (bytes: number) => (bytes + 3) & ~3;
  const counts = 4 + padded(headerLength) + header.sections.slice(0, 3).reduce((sum, length) => sum + padded(length), 0);
  const changed = Buffer.from(whole);
  expect(changed.readUInt32LE(counts)).toBe(1);
  changed.writeUInt32LE(count, counts);
  return changed;
}
