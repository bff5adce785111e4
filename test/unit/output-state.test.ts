/**
 * An output folder's state of files as the build cache keeps it (last-build.ts): the whole packed under the
 * folder's id, later changes as keys of their own. Read back, it is always what the last build wrote,
 * whether the changes were kept apart, packed again, or the cache holds the older layout (a key a path);
 * and the search rows' store keys, joined.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { OutputRecord } from '../../src/indexer/incremental/last-build.ts';

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-output-state-${name}-`));

function state(paths: number, salt = ''): Map<string, string> {
  return new Map(Array.from({ length: paths }, (_, n) => [`posts/${n % 7}/${n}.json`, `hash-${n}${salt}`]));
}

/** Records `files` as one build of `dataRoot` over the last one, and returns the state a later build reads. */
async function recordAndRead(db: CacheDb, dataRoot: string, files: Map<string, string>): Promise<ReadonlyMap<string, string>> {
  const last = (await new OutputRecord(db, dataRoot).last())?.files ?? new Map<string, string>();
  const changed = [...files].filter(([path, hash]) => last.get(path) !== hash).map(([path]) => path);
  const removed = [...last.keys()].filter((path) => !files.has(path));
  await new OutputRecord(db, dataRoot).record({ files, changed, removed, plan: undefined, searchRows: undefined });
  return (await new OutputRecord(db, dataRoot).last())!.files;
}

const changeKeys = (db: CacheDb) => [...db.part('files').getKeys()].filter((key) => String(key).includes('/')).length;

describe('output state', () => {
  it('reads back each build’s state, its few changes kept apart, many packed again', async () => {
    const db = openCacheDb(temporary('cache'));
    const dataRoot = temporary('data');
    try {
      let files = state(300);
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(0);
      // An edit: two files changed, one removed, one new.
      files = new Map(files);
      files.set('posts/1/1.json', 'hash-1-edited');
      files.set('search/tail/0.bin', 'hash-tail');
      files.delete('posts/2/2.json');
      files.set('posts/3/3.json', 'hash-3-edited');
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(4);
      // The path removed comes back.
      files = new Map(files);
      files.set('posts/2/2.json', 'hash-2-back');
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      // More changes than are kept apart: the whole is packed again.
      files = state(6000, '-again');
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(0);
      expect(await recordAndRead(db, dataRoot, new Map())).toEqual(new Map());
    } finally {
      await db.close();
    }
  });

  it('reads a state of the older layout, a key a path, and goes on from it', async () => {
    const db = openCacheDb(temporary('cache'));
    const dataRoot = temporary('data');
    try {
      const files = state(50);
      await recordAndRead(db, dataRoot, files);
      const [id] = [...db.part('files').getKeys()] as string[];
      // The older layout: no packed whole, each path under `<id>/<path>`.
      await db.transaction(() => {
        db.part('files').remove(id!);
        for (const [path, hash] of files) db.part('files').put(`${id}/${path}`, hash);
      });
      expect((await new OutputRecord(db, dataRoot).last())!.files).toEqual(files);
      const edited = new Map(files).set('posts/0/0.json', 'hash-0-edited');
      expect(await recordAndRead(db, dataRoot, edited)).toEqual(edited);
    } finally {
      await db.close();
    }
  });

  it("reads the search rows' store keys back as written, and those of the older layout", async () => {
    const db = openCacheDb(temporary('cache'));
    const dataRoot = temporary('data');
    try {
      const stats = { tokens: 1, bytes: 2, shards: 3, pieces: 4 };
      for (const keys of [[], ['only'], Array.from({ length: 500 }, (_, n) => `key-${n}`)]) {
        await new OutputRecord(db, dataRoot).record({ files: new Map(), changed: [], removed: [], plan: undefined, searchRows: { keys, stats } });
        const last = (await new OutputRecord(db, dataRoot).last())!;
        expect(last.searchRows(true)?.keys).toEqual(keys);
        expect(last.searchRows(false)?.keys).toEqual([]);
      }
      // The older layout: the array itself.
      const rowsKey = [...db.part('search-rows').getKeys()].find((key) => String(key).endsWith('/keys')) as string;
      await db.transaction(() => db.part<unknown>('search-rows').put(rowsKey, ['a', 'b']));
      expect((await new OutputRecord(db, dataRoot).last())!.searchRows(true)?.keys).toEqual(['a', 'b']);
    } finally {
      await db.close();
    }
  });
});
