/**
 * The build cache's prune from a build's changes alone (see prune-mark.ts): after any sequence of
 * builds, the store holds exactly what a walk of every key would leave, the keys of the last record.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../src/indexer/build-site.ts';
import { openBuildCache } from '../../src/indexer/incremental/build-cache.ts';
import { openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { diskStore } from '../../src/indexer/incremental/post-store.ts';
import { recordedFiles } from '../../src/indexer/incremental/seen-files.ts';
import { agoraPost } from './helpers.ts';

/** How each prune found its entries (a walk of every key, or the changes), and a prune made to fail. */
const prunes = vi.hoisted(() => ({ ways: [] as string[], failNext: false }));

vi.mock('../../src/indexer/incremental/post-store.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/indexer/incremental/post-store.ts')>();
  return {
    ...actual,
    diskStore: (...args: Parameters<typeof actual.diskStore>) => {
      const store = actual.diskStore(...args);
      const prune: typeof store.prune = (keep, maybeUnused) => {
        prunes.ways.push(maybeUnused ? 'changes' : 'walk');
        if (!prunes.failNext) return store.prune(keep, maybeUnused);
        prunes.failNext = false;
        return Promise.reject(new Error('MDB_BAD_TXN: Commit failed'));
      };
      return { ...store, prune };
    },
  };
});

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-prune-mark-${name}-`));
const PARTS = ['heads', 'search', 'bodies', 'rests', 'stories'] as const;
const problem = (path: string) => ({ problem: { path, reason: 'unreadable', severity: 'error', detail: '' } }) as const;

/** The record the `pruned` mark names, if any. */
async function pruneMark(cacheDir: string): Promise<string | undefined> {
  const db = openCacheDb(cacheDir);
  const mark = db.part<string>('meta').get('pruned');
  await db.close();
  return mark;
}

/** Each part's keys, and the keys the record of files seen names. */
async function storeAndRecord(cacheDir: string): Promise<{ parts: string[][]; record: string[] }> {
  const db = openCacheDb(cacheDir);
  const parts = PARTS.map((name) => [...db.part(name).getKeys()].map(String).sort());
  const record = [...(recordedFiles(db)?.values() ?? [])].map((seen) => seen.key).sort();
  await db.close();
  return { parts, record: [...new Set(record)] };
}

describe('the prune from a build’s changes', () => {
  const postsDir = temporary('posts');
  const outDir = temporary('out');
  const cacheDir = temporary('cache');
  const file = (name: string) => join(postsDir, `2026-11-${name}.html`);
  const write = (name: string, title: string) => writeFileSync(file(name), agoraPost(title, name.slice(0, 2), name));
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 0 });

  /** After a build: every part holds the record's keys, no more (what a walk of every key leaves). */
  async function expectExact(way: string) {
    const { parts, record } = await storeAndRecord(cacheDir);
    for (const keys of parts) expect(keys).toEqual(record);
    expect(prunes.ways.at(-1)).toBe(way);
  }

  it('leaves what a walk of every key leaves, after edits, removals, a touched file and builds that died', async () => {
    for (const name of ['01-a', '02-b', '03-c']) write(name, `第${name}篇`);
    await build();
    await expectExact('walk');

    write('01-a', '第一篇（更正）');
    await build();
    await expectExact('changes');

    // Touched, not changed: read again, and its entry, the same, is kept.
    utimesSync(file('02-b'), new Date(), new Date(Date.now() - 60_000));
    await build();
    await expectExact('changes');

    rmSync(file('03-c'));
    write('04-d', '第四篇');
    await build();
    await expectExact('changes');

    // A build that died after storing a file's post and before its record (its puts named nowhere): the next walks.
    const dying = openBuildCache(cacheDir);
    await dying.whatChanged([{ path: 'x.md', absolutePath: join(postsDir, 'x.md') }], 'other settings', () => false);
    await dying.posts.put(
      'a-key-no-record-names',
      { problem: { path: 'x.md', reason: 'unreadable', severity: 'error', detail: '' } },
      {
        problem: { path: 'x.md', reason: 'unreadable', severity: 'error', detail: '' },
      },
    );
    await dying.close();
    write('01-a', '第一篇（再更正）');
    await build();
    await expectExact('walk');
    write('02-b', '第二篇（更正）');
    await build();
    await expectExact('changes');

    // A build whose prune failed, after its record: the next walks.
    write('04-d', '第四篇（更正）');
    prunes.failNext = true;
    expect((await build()).cache?.notPruned).toMatch(/MDB_BAD_TXN/);
    expect((await storeAndRecord(cacheDir)).parts[0]).toHaveLength(4);
    write('01-a', '第一篇');
    await build();
    await expectExact('walk');

    // Another process's prune (the record's keys not given): the mark goes, the next build walks.
    const other = openBuildCache(cacheDir);
    await other.prune((await storeAndRecord(cacheDir)).record);
    await other.close();
    write('02-b', '第二篇');
    await build();
    await expectExact('walk');
    await build();
    await expectExact('changes');

    // A mark naming another record, over an entry no record names: the next build walks.
    const db = openCacheDb(cacheDir);
    await db.transaction(() => {
      db.part<string>('meta').put('pruned', 'stale-id');
    });
    await db.close();
    const stale = openBuildCache(cacheDir);
    await stale.posts.put('an-orphan-key', problem('orphan.md'), problem('orphan.md'));
    await stale.close();
    write('04-d', '第四篇');
    await build();
    await expectExact('walk');
  });
});

it('empties the store from the changes when every post was removed', async () => {
  const postsDir = temporary('emptied-posts');
  const outDir = temporary('emptied-out');
  const cacheDir = temporary('emptied-cache');
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 0 });
  for (const day of ['01', '02']) writeFileSync(join(postsDir, `2026-11-${day}-p.html`), agoraPost(`第${day}篇`, day));
  await build();
  for (const day of ['01', '02']) rmSync(join(postsDir, `2026-11-${day}-p.html`));
  await build();
  const { parts, record } = await storeAndRecord(cacheDir);
  expect(record).toEqual([]);
  for (const keys of parts) expect(keys).toEqual([]);
  expect(prunes.ways.at(-1)).toBe('changes');
});

describe('the mark', () => {
  const cacheDir = temporary('mark');
  const files = [{ path: 'a.md', absolutePath: join(cacheDir, 'a.md') }];
  const seenA = { size: 1, mtimeMs: 1, key: 'key-a' };
  /** A build of one file, a.md (key-a), read or (`unchanged`) taken from the record, that keeps `keep`. */
  async function buildKeeping(keep: string[], { unchanged = false } = {}): Promise<string> {
    const cache = openBuildCache(cacheDir);
    const changes = await cache.whatChanged(files, 'settings', () => unchanged);
    for (const at of changes.toRead) changes.saw({ path: 'a.md', key: 'key-a', head: '', seen: seenA }, at);
    const id = await changes.commit();
    await cache.prune(keep);
    await cache.close();
    return id;
  }

  it('names the record only when the keys kept are exactly those it names', async () => {
    // More than the record's keys, then as many of another store's.
    await buildKeeping(['key-a', 'key-b']);
    expect(await pruneMark(cacheDir)).toBeUndefined();
    await buildKeeping(['key-b']);
    expect(await pruneMark(cacheDir)).toBeUndefined();
    const id = await buildKeeping(['key-a']);
    expect(await pruneMark(cacheDir)).toBe(id);
  });

  it('is taken before a build that reads a file, and left by one that reads none', async () => {
    const id = await buildKeeping(['key-a']);
    // Builds that die before their prune.
    const unchanged = openBuildCache(cacheDir);
    expect((await unchanged.whatChanged(files, 'settings', () => true)).toRead).toEqual([]);
    await unchanged.close();
    expect(await pruneMark(cacheDir)).toBe(id);
    const reading = openBuildCache(cacheDir);
    expect((await reading.whatChanged(files, 'settings', () => false)).toRead).toEqual([0]);
    await reading.close();
    expect(await pruneMark(cacheDir)).toBeUndefined();
  });
});

it('prunes from the changes in a build that stays up, whose record is remembered, not read back', async () => {
  const postsDir = temporary('kept-posts');
  const outDir = temporary('kept-out');
  const cacheDir = temporary('kept-cache');
  const memory = {};
  const write = (day: string, title: string) => writeFileSync(join(postsDir, `2026-11-${day}-p.html`), agoraPost(title, day));
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 0, memory });
  for (const day of ['01', '02', '03']) write(day, `第${day}篇`);
  await build();
  write('01', '第一篇（更正）');
  rmSync(join(postsDir, '2026-11-02-p.html'));
  await build();
  const { parts, record } = await storeAndRecord(cacheDir);
  expect(record).toHaveLength(2);
  for (const keys of parts) expect(keys).toEqual(record);
  expect(prunes.ways.at(-1)).toBe('changes');
});

it('walks every key after a build whose worker died, whose batch may have stored entries no record names', async () => {
  const postsDir = temporary('crash-posts');
  const outDir = temporary('crash-out');
  const cacheDir = temporary('crash-cache');
  // More files than a build parses on its own thread, each its own link.
  const names = Array.from({ length: 300 }, (_, n) => `2026-11-${String(1 + (n % 28)).padStart(2, '0')}-p${n}`);
  const writeAll = (edition: string) =>
    names.forEach((name, n) => writeFileSync(join(postsDir, `${name}.html`), agoraPost(`第${n}篇${edition}`, name.slice(8, 10), n)));
  const build = (crashOn?: string) => buildSite({ postsDir, outDir, cacheDir, workers: 2, ...(crashOn ? { crashOn } : {}) });
  writeAll('');
  await build();
  writeAll('（更正）');
  const report = await build(`${names[123]}.html`);
  expect(report.problems).toEqual([expect.objectContaining({ reason: 'worker-crashed' })]);
  // The store is exact whichever way the prune went: what this checks is the way, a walk after the crash.
  const exact = async () => {
    const { parts, record } = await storeAndRecord(cacheDir);
    for (const keys of parts) expect(keys).toEqual(record);
  };
  await exact();
  expect(prunes.ways.at(-1)).toBe('walk');
  await build();
  await exact();
  expect(prunes.ways.at(-1)).toBe('changes');
});

it('prunes among the keys that may be unused only those no kept key names', async () => {
  const dir = temporary('store');
  const store = diskStore(dir);
  for (const key of ['kept', 'shared', 'old', 'left']) await store.put(key, problem(`${key}.md`), problem(`${key}.md`));
  // `shared` may be unused and is kept; `left` is not among them: neither goes; `absent` was never there.
  await store.prune(['kept', 'shared'], ['shared', 'old', 'absent']);
  await store.close();
  const reader = diskStore(dir);
  expect(await reader.getHead('kept')).toBeDefined();
  expect(await reader.getHead('shared')).toBeDefined();
  expect(await reader.getHead('left')).toBeDefined();
  expect(await reader.getHead('old')).toBeUndefined();
  await reader.close();
});
