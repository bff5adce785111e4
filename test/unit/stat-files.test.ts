/**
 * The files' stamps statted on threads of their own (incremental/stat-files.ts): each file's size and
 * time as statSync gives them, in the files' order, and none for a file that cannot be statted.
 */
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { commitSeenFiles, loadSeenFiles } from '../../src/indexer/incremental/seen-files.ts';
import { FileStamps, isAsStatted, statFilesAside } from '../../src/indexer/incremental/stat-files.ts';

function folderOf(count: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-stat-'));
  mkdirSync(join(dir, 'a folder'));
  return Array.from({ length: count }, (_, n) => {
    // Names a NUL-joined list must keep apart: spaces, CJK, a newline.
    const path = join(dir, n % 2 ? 'a folder' : '', `第${n}篇 ${n % 7 === 0 ? 'two\nlines' : 'one'}.md`);
    writeFileSync(path, 'x'.repeat(n));
    return path;
  });
}

describe('statFilesAside', () => {
  it('gives each file its size and time, in the order given, over several threads', async () => {
    const paths = folderOf(9_000);
    const stamps = await statFilesAside(paths, 2);
    for (const at of [0, 1, 4_499, 4_500, 4_501, 8_999]) {
      const stat = statSync(paths[at]!);
      expect(stamps.at(at)).toEqual({ size: stat.size, mtimeMs: stat.mtimeMs });
    }
    expect(paths.every((path, at) => stamps.at(at)?.size === at)).toBe(true);
  });

  it('gives no stamp for a file gone or a broken link, and follows a link to a file', async () => {
    const [kept, other] = folderOf(2);
    const broken = join(kept!, '..', 'broken.md');
    symlinkSync(join(kept!, '..', 'nowhere.md'), broken);
    const linked = join(kept!, '..', 'linked.md');
    symlinkSync(other!, linked);
    const stamps = await statFilesAside([kept!, join(kept!, '..', 'gone.md'), broken, linked, join(kept!, 'not-a-folder.md')], 2);
    expect(stamps.at(0)?.size).toBe(0);
    expect(stamps.at(1)).toBeUndefined();
    expect(stamps.at(2)).toBeUndefined();
    expect(stamps.at(3)).toEqual({ size: 1, mtimeMs: statSync(other!).mtimeMs });
    expect(stamps.at(4)).toBeUndefined();
  });

  it('matches a file to a size and time only when both are its own, and a file not statted to none', async () => {
    const [kept] = folderOf(2);
    const stamps = await statFilesAside([kept!, join(kept!, '..', 'gone.md')], 1);
    const { size, mtimeMs } = statSync(kept!);
    expect(stamps.matches(0, size, mtimeMs)).toBe(true);
    expect(stamps.matches(0, size + 1, mtimeMs)).toBe(false);
    expect(stamps.matches(0, size, mtimeMs + 1)).toBe(false);
    expect(stamps.matches(1, Number.NaN, Number.NaN)).toBe(false);
  });

  describe('isAsStatted', () => {
    /** The record has a.md and b.md (size 10, time 1000.5); the listing is a.md, b.md, c.md. */
    async function placesOfABC() {
      const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-stat-seen-')));
      await commitSeenFiles(db, 'settings', undefined, [
        ['a.md', { size: 10, mtimeMs: 1_000.5, key: 'key-a' }],
        ['b.md', { size: 10, mtimeMs: 1_000.5, key: 'key-b' }],
      ]);
      const places = loadSeenFiles(db, 'settings')!.placesOf(['a.md', 'b.md', 'c.md'].map((path) => ({ path })));
      return { db, places };
    }

    /** Each file's size and time as the threads leave them (NaN: not statted). */
    const statted = (...pairs: [number, number][]) => new FileStamps(Float64Array.from(pairs.flat()));

    it.each([
      { file: 'statted with the size and time the record has', stamp: [10, 1_000.5], seen: true },
      { file: 'of the same size but another time', stamp: [10, 2_000], seen: false },
      { file: 'of the same time but another size', stamp: [11, 1_000.5], seen: false },
    ] as const)('takes a file $file as seen: $seen', async ({ stamp, seen }) => {
      const { db, places } = await placesOfABC();
      expect(isAsStatted(statted([10, 1_000.5], [...stamp]))(1, places)).toBe(seen);
      await db.close();
    });

    it('takes a file not statted as changed, and a file the record lacks too', async () => {
      const { db, places } = await placesOfABC();
      const stamps = statted([Number.NaN, Number.NaN], [10, 1_000.5], [10, 1_000.5]);
      expect(isAsStatted(stamps)(0, places)).toBe(false);
      expect(isAsStatted(stamps)(2, places)).toBe(false);
      await db.close();
    });
  });
});
