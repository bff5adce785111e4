/**
 * What the last build wrote into an output folder, as the build cache keeps it (last-build.ts). The state
 * of files, packed whole under the folder's id with later changes as keys of their own, always reads back
 * as what the last build wrote: whether the changes were kept apart or packed again, over the older
 * layout (a key a path) or after another build recorded in between. The plan is the last build's; the
 * search rows' store keys are joined.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { encodeStrings } from '../../src/indexer/incremental/joined-strings.ts';
import { newBuildId, OutputRecord, type PlanSnapshot } from '../../src/indexer/incremental/last-build.ts';
import type { Manifest } from '../../src/shared/types.ts';

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-last-build-${name}-`));

function state(paths: number, salt = ''): Map<string, string> {
  return new Map(Array.from({ length: paths }, (_, n) => [`posts/${n % 7}/${n}.json`, `hash-${n}${salt}`]));
}

/** `files` with the hash of `count` paths from `from` on changed. */
function withChanged(files: ReadonlyMap<string, string>, from: number, count: number, salt: string): Map<string, string> {
  const changed = new Map(files);
  for (let n = from; n < from + count; n++) changed.set(`posts/${n % 7}/${n}.json`, `hash-${n}${salt}`);
  return changed;
}

/** The changes and removals that take `last` to `files`, as a build names them. */
function diff(last: ReadonlyMap<string, string>, files: ReadonlyMap<string, string>) {
  const changed = [...files].filter(([path, hash]) => last.get(path) !== hash).map(([path]) => path);
  const removed = [...last.keys()].filter((path) => !files.has(path));
  return { files, changed, removed, plan: undefined, searchRows: undefined };
}

/** Records `files` as one build of `dataRoot` over the last one, and returns the state a later build reads. */
async function recordAndRead(db: CacheDb, dataRoot: string, files: Map<string, string>): Promise<ReadonlyMap<string, string>> {
  const last = (await new OutputRecord(db, dataRoot).last())?.files ?? new Map<string, string>();
  await new OutputRecord(db, dataRoot).record(diff(last, files), newBuildId());
  return (await new OutputRecord(db, dataRoot).last())!.files;
}

const changeKeys = (db: CacheDb) => [...db.part('files').getKeys()].filter((key) => String(key).includes('/')).length;

/** Rewrites the folder's record as the older layout (2) kept it: no packed whole, each path a key of its own. */
async function asOlderLayout(db: CacheDb, dataRoot: string, files: ReadonlyMap<string, string>): Promise<void> {
  const entry = db.part<{ id: string; buildId: string; layout: number }>('outputs').get(dataRoot)!;
  await db.transaction(() => {
    db.part('files').remove(entry.id);
    for (const [path, hash] of files) db.part('files').put(`${entry.id}/${path}`, hash);
    db.part<unknown>('outputs').put(dataRoot, { ...entry, layout: 2 });
  });
}

async function withCache(work: (db: CacheDb, dataRoot: string) => Promise<void>): Promise<void> {
  const db = openCacheDb(temporary('cache'));
  try {
    await work(db, temporary('data'));
  } finally {
    await db.close();
  }
}

function plan(paths: string[]): PlanSnapshot {
  return {
    record: 'record-1',
    shardSize: 4,
    paths,
    ids: paths.map((path) => path.slice(0, -5)),
    dates: paths.map((_, row) => row * 60_000),
    urlRows: '',
    unresolvedRows: '',
    duplicateUrls: [],
    tagRows: {},
    manifest: { version: 1 } as unknown as Manifest,
    problems: [],
  };
}

describe('output state', () => {
  it('reads back a first build’s state, packed whole', async () => {
    await withCache(async (db, dataRoot) => {
      const files = state(300);
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(0);
    });
  });

  it('reads back an edit’s state, its changes kept apart', async () => {
    await withCache(async (db, dataRoot) => {
      await recordAndRead(db, dataRoot, state(300));
      // Two files changed, one removed, one new.
      const files = state(300);
      files.set('posts/1/1.json', 'hash-1-edited');
      files.set('search/tail/0.bin', 'hash-tail');
      files.delete('posts/2/2.json');
      files.set('posts/3/3.json', 'hash-3-edited');
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(4);
    });
  });

  it('reads back a path removed, then written again', async () => {
    await withCache(async (db, dataRoot) => {
      await recordAndRead(db, dataRoot, state(300));
      const removed = state(300);
      removed.delete('posts/2/2.json');
      await recordAndRead(db, dataRoot, removed);
      const back = new Map(removed).set('posts/2/2.json', 'hash-2-back');
      expect(await recordAndRead(db, dataRoot, back)).toEqual(back);
    });
  });

  it('packs the whole again when one build changes more than are kept apart', async () => {
    await withCache(async (db, dataRoot) => {
      await recordAndRead(db, dataRoot, state(300));
      const files = state(6000, '-again');
      expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
      expect(changeKeys(db)).toBe(0);
    });
  });

  it('reads back an empty state', async () => {
    await withCache(async (db, dataRoot) => {
      await recordAndRead(db, dataRoot, state(300));
      expect(await recordAndRead(db, dataRoot, new Map())).toEqual(new Map());
    });
  });

  it('packs the whole again when the changes kept apart and a build’s new ones pass 4,096', async () => {
    await withCache(async (db, dataRoot) => {
      let files = state(5000);
      await recordAndRead(db, dataRoot, files);
      for (const [build, keptApart] of [
        [1, 1500],
        [2, 3000],
        [3, 0],
      ] as const) {
        files = withChanged(files, (build - 1) * 1500, 1500, `-build-${build}`);
        expect(await recordAndRead(db, dataRoot, files)).toEqual(files);
        expect(changeKeys(db)).toBe(keptApart);
      }
    });
  });

  it('reads a state of the older layout, a key a path', async () => {
    await withCache(async (db, dataRoot) => {
      const files = state(50);
      await recordAndRead(db, dataRoot, files);
      await asOlderLayout(db, dataRoot, files);
      expect((await new OutputRecord(db, dataRoot).last())!.files).toEqual(files);
    });
  });

  it.each([
    ['of 50 paths, however few its changes', 50],
    ['of more than 4,096 paths, after one edit', 5000],
  ])('packs an older layout’s state whole at the next build: %s', async (_case, paths) => {
    await withCache(async (db, dataRoot) => {
      const files = state(paths);
      await recordAndRead(db, dataRoot, files);
      await asOlderLayout(db, dataRoot, files);
      const edited = new Map(files).set('posts/0/0.json', 'hash-0-edited');
      expect(await recordAndRead(db, dataRoot, edited)).toEqual(edited);
      expect(changeKeys(db)).toBe(0);
    });
  });

  it('does not trust an older layout’s record that also holds a packed whole (code of both layouts wrote it)', async () => {
    await withCache(async (db, dataRoot) => {
      const files = state(50);
      await recordAndRead(db, dataRoot, files);
      const [id] = [...db.part('files').getKeys()] as string[];
      const stale = db.part('files').get(id!);
      // An older build removed a path and kept the rest as keys a path, leaving the packed whole as it was.
      const removed = new Map(files);
      removed.delete('posts/0/0.json');
      await asOlderLayout(db, dataRoot, removed);
      await db.transaction(() => db.part('files').put(id!, stale!));
      expect(await new OutputRecord(db, dataRoot).last()).toBeUndefined();
    });
  });

  it('packs the whole again over a state another build recorded since this one read it', async () => {
    await withCache(async (db, dataRoot) => {
      const first = state(300);
      await recordAndRead(db, dataRoot, first);
      const [one, other] = [new OutputRecord(db, dataRoot), new OutputRecord(db, dataRoot)];
      const [read, readByOther] = [(await one.last())!.files, (await other.last())!.files];
      await other.record(diff(readByOther, new Map(first).set('posts/1/1.json', 'hash-by-other')), newBuildId());
      const files = new Map(first).set('posts/2/2.json', 'hash-by-this');
      await one.record(diff(read, files), newBuildId());
      expect((await new OutputRecord(db, dataRoot).last())!.files).toEqual(files);
    });
  });
});

describe('the extras’ bucket cache', () => {
  it('is named with the state it was recorded with, and by no later build that named none', async () => {
    await withCache(async (db, dataRoot) => {
      const files = state(3);
      await new OutputRecord(db, dataRoot).record({ ...diff(new Map(), files), bucketCache: 'saved-for-1' }, newBuildId());
      expect((await new OutputRecord(db, dataRoot).last())?.bucketCache).toBe('saved-for-1');
      await new OutputRecord(db, dataRoot).record(diff(files, files), newBuildId());
      const last = await new OutputRecord(db, dataRoot).last();
      expect(last?.files).toEqual(files);
      expect(last?.bucketCache).toBeUndefined();
    });
  });
});

describe('saved plan of the last build', () => {
  it('reads back its own plan when another build put a plan of as many rows after it read the last', async () => {
    await withCache(async (db, dataRoot) => {
      const written = { files: new Map(), changed: [], removed: [], searchRows: undefined };
      await new OutputRecord(db, dataRoot).record({ ...written, plan: plan(['a.html', 'b.html', 'c.html']) }, newBuildId());
      const [one, other] = [new OutputRecord(db, dataRoot), new OutputRecord(db, dataRoot)];
      const last = (await one.last())!.plan!;
      await other.last();
      await other.record({ ...written, plan: plan(['x.html', 'y.html', 'z.html']) }, newBuildId());
      // An edit over the last plan: its row columns are the same arrays.
      const { buildId: _buildId, ...edited } = { ...last, record: 'record-2' };
      const buildId = await one.record({ ...written, plan: edited }, newBuildId());
      expect((await new OutputRecord(db, dataRoot).last())!.plan).toEqual({ ...edited, buildId });
    });
  });
});

describe('search rows of the last build', () => {
  const stats = { tokens: 1, bytes: 2, shards: 3, pieces: 4 };

  it("reads the search rows' store keys back as written", async () => {
    await withCache(async (db, dataRoot) => {
      for (const keys of [[], ['only'], Array.from({ length: 500 }, (_, n) => `key-${n}`)]) {
        await new OutputRecord(db, dataRoot).record({ files: new Map(), changed: [], removed: [], plan: undefined, searchRows: { keys, stats } }, newBuildId());
        const last = (await new OutputRecord(db, dataRoot).last())!;
        expect(last.searchRows(true)?.keys).toEqual(keys);
        expect(last.searchRows(false)?.keys).toEqual([]);
      }
    });
  });

  /** The store keys read back after `value` is put in their place. */
  async function keysReadFrom(value: unknown): Promise<string[] | undefined> {
    let keys: string[] | undefined;
    await withCache(async (db, dataRoot) => {
      await new OutputRecord(db, dataRoot).record(
        {
          files: new Map(),
          changed: [],
          removed: [],
          plan: undefined,
          searchRows: { keys: ['a', 'b', 'c'], stats },
        },
        newBuildId(),
      );
      const rowsKey = [...db.part('search-rows').getKeys()].find((key) => String(key).endsWith('/keys')) as string;
      await db.transaction(() => db.part<unknown>('search-rows').put(rowsKey, value));
      keys = (await new OutputRecord(db, dataRoot).last())!.searchRows(true)?.keys;
    });
    return keys;
  }

  it("reads the search rows' store keys of the older layout, the array itself", async () => {
    expect(await keysReadFrom(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('reads no store key when fewer are joined than the count says (every row indexed again)', async () => {
    expect(await keysReadFrom({ count: 3, joined: encodeStrings(['a', 'b']) })).toEqual([]);
  });

  it('reads no store key when the joined keys are not bytes', async () => {
    expect(await keysReadFrom({ count: 2, joined: 'a\0b' })).toEqual([]);
  });
});
