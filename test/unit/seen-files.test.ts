/**
 * The record of files seen (incremental/seen-files.ts): packed whole with its changes kept apart, read
 * back as committed; packed again past the changes it keeps; the layout before (a key a path) read and
 * then packed; a record committed over by code of that layout not trusted.
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

function entriesOf(record: SeenFiles | undefined): [string, unknown][] {
  return [...(record?.takeEntries() ?? [])].sort(([a], [b]) => (a < b ? -1 : 1));
}

describe('the record of files seen', () => {
  it('is read back as committed, its changes kept as keys of their own over the packed whole', async () => {
    const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-seen-')));
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

  it('is packed again once more than 4,096 changes would be kept apart, the same record', async () => {
    const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-seen-')));
    const first = await firstRecord(db, 5_000);
    const changes: SeenChange[] = Array.from({ length: 4_097 }, (_, n) => [`第${n}篇\t${n}.md`, n % 2 ? seenOf(n, 3) : undefined]);
    const expected = new Map(entriesOf(first) as [string, unknown][]);
    for (const [path, seen] of changes) {
      if (seen) expected.set(path, seen);
      else expected.delete(path);
    }
    await commitSeenFiles(db, SETTINGS, first, changes);
    expect(db.part('seen').getKeysCount()).toBe(0);
    expect(entriesOf(loadSeenFiles(db, SETTINGS))).toEqual([...expected].sort(([a], [b]) => (a < b ? -1 : 1)));
    await db.close();
  });

  it('reads the layout before, a key a path, and packs it at its next commit', async () => {
    const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-seen-')));
    await db.transaction(() => {
      db.part<string>('seen').put('a.md', '12\t1700000000000.5\tkey-a');
      db.part<string>('seen').put('b.md', '13\t1700000000001\tkey-b');
      db.part<string>('meta').put('seen-settings', SETTINGS);
      db.part<string>('meta').put('seen-id', 'an-older-id');
    });
    const older = loadSeenFiles(db, SETTINGS)!;
    expect(older.get('a.md')).toEqual({ size: 12, mtimeMs: 1700000000000.5, key: 'key-a' });
    await commitSeenFiles(db, SETTINGS, older, [['c.md', seenOf(3)]]);
    expect(db.part('seen').getKeysCount()).toBe(0);
    expect(entriesOf(loadSeenFiles(db, SETTINGS)).map(([path]) => path)).toEqual(['a.md', 'b.md', 'c.md']);
    await db.close();
  });

  it('is not trusted once code of the layout before committed over the packed whole', async () => {
    const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-seen-')));
    await firstRecord(db, 10);
    // What that code's commit does: its changes as keys, a new id, the packed whole left as it was.
    await db.transaction(() => {
      db.part<string>('seen').put('第3篇\t3.md', '99\t1\tkey-other');
      db.part<string>('meta').put('seen-id', 'an-id-of-older-code');
    });
    expect(loadSeenFiles(db, SETTINGS)).toBeUndefined();
    // The next build, with no record, commits the whole.
    await commitSeenFiles(db, SETTINGS, undefined, [['only.md', seenOf(1)]]);
    expect(entriesOf(loadSeenFiles(db, SETTINGS))).toEqual([['only.md', seenOf(1)]]);
    await db.close();
  });
});
