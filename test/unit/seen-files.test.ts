/**
 * The record of files seen (incremental/seen-files.ts): kept whole as columns with its changes kept
 * apart, read back as committed, and the same as a watching build remembers it; written whole again
 * past the changes it keeps; met in the listing's order; not trusted when its columns disagree; hidden
 * from older code; the two layouts before (a key a path, one packed string) read and then written as
 * columns, also when older code committed them over a newer record.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { commitSeenFiles, loadSeenFiles, type SeenChange, type SeenFiles } from '../../src/indexer/incremental/seen-files.ts';

const SETTINGS = 'settings';

function seenOf(n: number, edit = 0) {
  return { size: n + edit, mtimeMs: 1_700_000_000_000 + n + 0.25, key: `key-${n}-${edit}` };
}

/** `count` files, `第n篇\tx.md` (a tab and CJK in the path), as a first build records them. */
async function firstRecord(db: CacheDb, count: number): Promise<SeenFiles> {
  const changes: SeenChange[] = Array.from({ length: count }, (_, n) => [`第${n}篇\t${n}.md`, seenOf(n)]);
  await commitSeenFiles(db, SETTINGS, undefined, changes);
  return loadSeenFiles(db, SETTINGS)!;
}

/** A cache of its own, empty. */
const freshDb = (): CacheDb => openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-seen-')));

/** Inside a transaction: names the record under the keys older code reads, seen-id and seen-settings. */
function nameAsOlderCodeDid(db: CacheDb, id: string): void {
  db.part<string>('meta').put('seen-settings', SETTINGS);
  db.part<string>('meta').put('seen-id', id);
}

/** Ten files recorded, then one of them gone: a record with a change kept as a key of its own. */
async function recordWithAChange(db: CacheDb): Promise<void> {
  await commitSeenFiles(db, SETTINGS, await firstRecord(db, 10), [['第3篇\t3.md', undefined]]);
}

/** Inside a transaction: a record packed as one string, as the packed layout's code committed it, with a change key. */
function packAsOlderCodeDid(db: CacheDb, id: string): void {
  const seen = db.part<string>('seen');
  for (const path of seen.getKeys()) seen.remove(path);
  const meta = db.part<string>('meta');
  meta.put('seen-packed', ['a.md', '12\t1700000000000.5\tkey-a', 'b.md', '13\t1700000000001\tkey-b'].join('\0'));
  seen.put('b.md', '');
  seen.put('c.md', '14\t2\tkey-c');
  meta.put('seen-packed-settings', SETTINGS);
  meta.put('seen-packed-id', id);
}

/** What the record's places of `files` say of each, made as entries. */
function placedEntries(record: SeenFiles, files: readonly { path: string }[]) {
  const places = record.placesOf(files);
  return files.map((_, at) => places.at(at));
}

function entriesOf(record: SeenFiles | undefined): [string, unknown][] {
  return [...(record?.entries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('the record of files seen', () => {
  it('is read back as committed, its changes kept as keys of their own over the columns', async () => {
    const db = freshDb();
    const first = await firstRecord(db, 300);
    expect(first.size).toBe(300);
    expect(first.get('第7篇\t7.md')).toEqual(seenOf(7));
    expect(db.part('seen').getKeysCount()).toBe(0);

    const changes: SeenChange[] = [
      ['第7篇\t7.md', seenOf(7, 1)],
      ['第8篇\t8.md', undefined],
      ['new.md', seenOf(1000)],
    ];
    await commitSeenFiles(db, SETTINGS, first, changes);
    expect(db.part('seen').getKeysCount()).toBe(3);
    const second = loadSeenFiles(db, SETTINGS)!;
    expect(second.size).toBe(300);
    expect(second.get('第7篇\t7.md')).toEqual(seenOf(7, 1));
    expect(second.get('第8篇\t8.md')).toBeUndefined();
    expect(second.get('new.md')).toEqual(seenOf(1000));

    // A path gone and then seen again.
    await commitSeenFiles(db, SETTINGS, second, [['第8篇\t8.md', seenOf(8, 2)]]);
    expect(loadSeenFiles(db, SETTINGS)!.get('第8篇\t8.md')).toEqual(seenOf(8, 2));
    await db.close();
  });

  it('keeps up to 4,096 changes as keys, then writes the columns with every change applied in turn', async () => {
    const db = freshDb();
    const expected = new Map(entriesOf(await firstRecord(db, 5_000)));
    const commit = async (changes: SeenChange[]) => {
      for (const [path, seen] of changes) {
        if (seen) expected.set(path, seen);
        else expected.delete(path);
      }
      await commitSeenFiles(db, SETTINGS, loadSeenFiles(db, SETTINGS), changes);
      expect(entriesOf(loadSeenFiles(db, SETTINGS))).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    // Edits and removals of recorded paths, and a path that is only ever a change key, till it goes.
    const recorded = Array.from({ length: 3_999 }, (_, n): SeenChange => [`第${n}篇\t${n}.md`, n % 2 ? seenOf(n, 3) : undefined]);
    await commit([...recorded, ['only-a-change.md', seenOf(9_000)]]);
    await commit(Array.from({ length: 96 }, (_, n): SeenChange => [`new-${n}.md`, seenOf(10_000 + n)]));
    expect(db.part('seen').getKeysCount()).toBe(4_096);
    expect(db.part('seen').get('第0篇\t0.md')).toBe('');
    await commit([['only-a-change.md', undefined]]);
    expect(db.part('seen').getKeysCount()).toBe(0);
    expect(expected.has('only-a-change.md')).toBe(false);
    await db.close();
  });

  it('hides its record from older code: no seen-id or seen-settings after a commit', async () => {
    const db = freshDb();
    await db.transaction(() => {
      db.part<string>('seen').put('a.md', '12\t1700000000000.5\tkey-a');
      nameAsOlderCodeDid(db, 'an-older-id');
    });
    await commitSeenFiles(db, SETTINGS, loadSeenFiles(db, SETTINGS), [['b.md', seenOf(2)]]);
    expect(db.part<string>('meta').get('seen-id')).toBeUndefined();
    expect(db.part<string>('meta').get('seen-settings')).toBeUndefined();
    expect(entriesOf(loadSeenFiles(db, SETTINGS)).map(([path]) => path)).toEqual(['a.md', 'b.md']);
    await db.close();
  });

  it('reads the layout before, a key a path, and packs it at its next commit', async () => {
    const db = freshDb();
    await db.transaction(() => {
      db.part<string>('seen').put('a.md', '12\t1700000000000.5\tkey-a');
      db.part<string>('seen').put('b.md', '13\t1700000000001\tkey-b');
      nameAsOlderCodeDid(db, 'an-older-id');
    });
    const older = loadSeenFiles(db, SETTINGS)!;
    expect(older.get('a.md')).toEqual({ size: 12, mtimeMs: 1700000000000.5, key: 'key-a' });
    await commitSeenFiles(db, SETTINGS, older, [['c.md', seenOf(3)]]);
    expect(db.part('seen').getKeysCount()).toBe(0);
    expect(entriesOf(loadSeenFiles(db, SETTINGS)).map(([path]) => path)).toEqual(['a.md', 'b.md', 'c.md']);
    await db.close();
  });

  it('reads the packed layout with its changes, also over columns, writes it as columns, and finds none once its code forgot it', async () => {
    const db = freshDb();
    await recordWithAChange(db);
    await db.transaction(() => packAsOlderCodeDid(db, 'a-packed-id'));
    const packed = loadSeenFiles(db, SETTINGS)!;
    expect(packed.id).toBe('a-packed-id');
    expect(entriesOf(packed)).toEqual([
      ['a.md', { size: 12, mtimeMs: 1700000000000.5, key: 'key-a' }],
      ['c.md', { size: 14, mtimeMs: 2, key: 'key-c' }],
    ]);
    await commitSeenFiles(db, SETTINGS, packed, [['d.md', seenOf(4)]]);
    expect(db.part('seen').getKeysCount()).toBe(0);
    for (const name of ['seen-packed', 'seen-packed-id', 'seen-packed-settings']) expect(db.part<string>('meta').get(name)).toBeUndefined();
    expect(entriesOf(loadSeenFiles(db, SETTINGS)).map(([path]) => path)).toEqual(['a.md', 'c.md', 'd.md']);
    // The packed layout's code commits over the columns, then forgets its record (removes its id only).
    await db.transaction(() => packAsOlderCodeDid(db, 'another-packed-id'));
    expect(loadSeenFiles(db, SETTINGS)!.id).toBe('another-packed-id');
    await db.transaction(() => void db.part<string>('meta').remove('seen-packed-id'));
    expect(loadSeenFiles(db, SETTINGS)).toBeUndefined();
    await db.close();
  });

  it("reads a packed record named under both ids, as the packed layout's first code left it, as packed", async () => {
    const db = freshDb();
    await db.transaction(() => {
      packAsOlderCodeDid(db, 'both');
      nameAsOlderCodeDid(db, 'both');
      db.part<string>('meta').remove('seen-packed-settings');
    });
    expect(loadSeenFiles(db, SETTINGS)!.size).toBe(2);
    await db.close();
  });

  it('meets the record in the listing order, and finds a file out of that order', async () => {
    const db = freshDb();
    const first = await firstRecord(db, 20);
    await commitSeenFiles(db, SETTINGS, first, [
      ['第5篇\t5.md', seenOf(5, 1)],
      ['第6篇\t6.md', undefined],
    ]);
    const record = loadSeenFiles(db, SETTINGS)!;
    const listed = [...Array.from({ length: 20 }, (_, n) => `第${n}篇\t${n}.md`), 'new.md'].sort();
    const files = [...listed, '第2篇\t2.md'].map((path) => ({ path }));
    expect(placedEntries(record, files)).toEqual(files.map(({ path }) => record.get(path)));
    expect(placedEntries(record, files).filter((seen) => seen === undefined)).toHaveLength(2);
    expect(record.get('第5篇\t5.md')).toEqual(seenOf(5, 1));
    expect(record.get('第2篇\t2.md')).toEqual(seenOf(2));
    expect(record.size).toBe(19);
    await db.close();
  });

  describe('by place', () => {
    /** Five files recorded, then 1 changed and 2 gone; the listing is new.md, 0, 1 and 2. */
    async function placesOfAListing() {
      const db = freshDb();
      await commitSeenFiles(db, SETTINGS, await firstRecord(db, 5), [
        ['第1篇\t1.md', seenOf(1, 7)],
        ['第2篇\t2.md', undefined],
      ]);
      const files = ['new.md', '第0篇\t0.md', '第1篇\t1.md', '第2篇\t2.md'].map((path) => ({ path }));
      return { db, places: loadSeenFiles(db, SETTINGS)!.placesOf(files), count: files.length };
    }

    it('has a place for each listed file the record has, from the columns or a change, and none for the others', async () => {
      const { db, places, count } = await placesOfAListing();
      expect(Array.from({ length: count }, (_, at) => places.has(at))).toEqual([false, true, true, false]);
      expect(places.known).toBe(2);
      await db.close();
    });

    it("gives each listed file's key, from the columns or a change", async () => {
      const { db, places, count } = await placesOfAListing();
      expect(Array.from({ length: count }, (_, at) => places.key(at))).toEqual([undefined, seenOf(0).key, seenOf(1, 7).key, undefined]);
      await db.close();
    });

    it("gives each listed file's size and time, and NaN for a file the record lacks", async () => {
      const { db, places, count } = await placesOfAListing();
      expect(Array.from({ length: count }, (_, at) => [places.sizeAt(at), places.mtimeAt(at)])).toEqual([
        [Number.NaN, Number.NaN],
        [seenOf(0).size, seenOf(0).mtimeMs],
        [seenOf(1, 7).size, seenOf(1, 7).mtimeMs],
        [Number.NaN, Number.NaN],
      ]);
      await db.close();
    });

    it("matches a stamp only when both its size and time are the record's, and never a file not statted or not recorded", async () => {
      const { db, places } = await placesOfAListing();
      expect(places.isStamp(2, seenOf(1, 7))).toBe(true);
      expect(places.isStamp(1, { ...seenOf(0), mtimeMs: seenOf(0).mtimeMs + 1 })).toBe(false);
      expect(places.isStamp(1, { ...seenOf(0), size: seenOf(0).size + 1 })).toBe(false);
      expect(places.isStamp(1, undefined)).toBe(false);
      expect(places.isStamp(0, { size: Number.NaN, mtimeMs: Number.NaN })).toBe(false);
      await db.close();
    });

    it("gives a file's column in the record, and -1 for a change kept apart", async () => {
      const { db, places } = await placesOfAListing();
      expect(places.columnAt(1)).toBe(0);
      expect(places.columnAt(2)).toBe(-1);
      await db.close();
    });
  });

  it('finds the files gone from a listing, in its columns and in its changes, and none when the listing has them all', async () => {
    const db = freshDb();
    await commitSeenFiles(db, SETTINGS, await firstRecord(db, 6), [
      ['第1篇\t1.md', seenOf(1, 1)],
      ['第2篇\t2.md', seenOf(2, 1)],
      ['第3篇\t3.md', undefined],
      ['new.md', seenOf(9)],
    ]);
    const record = loadSeenFiles(db, SETTINGS)!;
    const all = entriesOf(record).map(([path]) => ({ path }));
    expect(record.goneFrom(all, record.placesOf(all))).toEqual(new Set());
    // Gone: one of the columns (0), one changed (2) and one new (new.md); 1 (changed) and 4, 5 stay; 3 was gone already.
    const listed = ['第1篇\t1.md', '第3篇\t3.md', '第4篇\t4.md', '第5篇\t5.md', 'other.md'].map((path) => ({ path }));
    expect(record.goneFrom(listed, record.placesOf(listed))).toEqual(new Set(['第0篇\t0.md', '第2篇\t2.md', 'new.md']));
    await db.close();
  });

  it('is the same in memory, as a watching build remembers it, as read back from the cache', async () => {
    const db = freshDb();
    let remembered = await commitSeenFiles(
      db,
      SETTINGS,
      undefined,
      Array.from({ length: 10 }, (_, n): SeenChange => [`第${n}篇\t${n}.md`, seenOf(n)]),
    );
    const edits: SeenChange[][] = [
      [
        ['第2篇\t2.md', seenOf(2, 1)],
        ['new.md', seenOf(100)],
      ],
      [
        ['第3篇\t3.md', undefined],
        ['第2篇\t2.md', seenOf(2, 2)],
      ],
      [
        ['new.md', undefined],
        ['第3篇\t3.md', seenOf(3, 3)],
      ],
    ];
    for (const changes of edits) {
      remembered = await commitSeenFiles(db, SETTINGS, loadSeenFiles(db, SETTINGS, remembered), changes);
      const inMemory = loadSeenFiles(db, SETTINGS, remembered)!;
      const fromDisk = loadSeenFiles(db, SETTINGS)!;
      const files = [...new Set([...entriesOf(fromDisk).map(([path]) => path), 'new.md'])].sort().map((path) => ({ path }));
      expect(entriesOf(inMemory)).toEqual(entriesOf(fromDisk));
      expect(placedEntries(inMemory, files)).toEqual(placedEntries(fromDisk, files));
      expect(inMemory.size).toBe(fromDisk.size);
    }
    expect(db.part('seen').getKeysCount()).toBe(3);
    await db.close();
  });

  it.each([
    [
      'stamps column is one float short',
      'seen-columns-stamps',
      (stamps: Buffer) => Buffer.from(stamps.subarray(0, stamps.byteLength - Float64Array.BYTES_PER_ELEMENT)),
    ],
    ['keys column is one key short', 'seen-columns-keys', (keys: Buffer) => Buffer.from(keys.toString('utf8').split('\0').slice(1).join('\0'), 'utf8')],
  ])('is not trusted when its %s', async (_, column, cut) => {
    const db = freshDb();
    await firstRecord(db, 10);
    await db.transaction(() => {
      const meta = db.part<Buffer>('meta');
      meta.put(column, cut(meta.getBinary(column)!));
    });
    expect(loadSeenFiles(db, SETTINGS)).toBeUndefined();
    await db.close();
  });

  it("reads back columns larger than lmdb's 16 MB read buffer", async () => {
    const db = freshDb();
    // 150k paths of 60 characters: ~18 MB of UTF-16, as 200k real-shaped posts make ~29 MB.
    const long = '各地持續強拆基督教場所'.repeat(5);
    const changes: SeenChange[] = Array.from({ length: 150_000 }, (_, n) => [`${long}${n}.md`, seenOf(n)]);
    await commitSeenFiles(db, SETTINGS, undefined, changes);
    const record = loadSeenFiles(db, SETTINGS)!;
    expect(record.size).toBe(150_000);
    expect(record.get(`${long}149999.md`)).toEqual(seenOf(149_999));
    await db.close();
  });

  it('reads a record older code committed over a newer one as the layout before, and none once older code forgot it', async () => {
    const db = freshDb();
    await recordWithAChange(db);
    // What older code's first build does here (no record found): every path a key, its id and settings.
    await db.transaction(() => {
      const seen = db.part<string>('seen');
      for (const path of seen.getKeys()) seen.remove(path);
      seen.put('older.md', '99\t1\tkey-older');
      nameAsOlderCodeDid(db, 'an-id-of-older-code');
    });
    const older = loadSeenFiles(db, SETTINGS)!;
    expect(older.id).toBe('an-id-of-older-code');
    expect(entriesOf(older)).toEqual([['older.md', { size: 99, mtimeMs: 1, key: 'key-older' }]]);
    // Its forget (a failed build) removes only its id.
    await db.transaction(() => void db.part<string>('meta').remove('seen-id'));
    expect(loadSeenFiles(db, SETTINGS)).toBeUndefined();
    // The next build, with no record, commits the whole.
    await commitSeenFiles(db, SETTINGS, undefined, [['only.md', seenOf(1)]]);
    expect(entriesOf(loadSeenFiles(db, SETTINGS))).toEqual([['only.md', seenOf(1)]]);
    await db.close();
  });
});
