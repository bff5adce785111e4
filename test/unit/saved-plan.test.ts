/**
 * A plan snapshot as the build cache keeps it (saved-plan.ts): read back as it was put, its row columns
 * written only when they are the last plan's arrays and that plan is still the one kept, and a plan of
 * the older layout or with a column that is not its own never read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'lmdb';
import { openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { getPlan, putPlan, removePlan, type StoredPlan } from '../../src/indexer/incremental/saved-plan.ts';
import type { Manifest } from '../../src/shared/types.ts';

function plan(rows: number, buildId = 'build-1', folder = 'cna'): StoredPlan {
  return {
    record: 'record-1',
    shardSize: 4,
    paths: Array.from({ length: rows }, (_, row) => `${folder}/_posts/2026-11-${row}-第${row}篇.html`),
    ids: Array.from({ length: rows }, (_, row) => `第${row}篇`),
    dates: Array.from({ length: rows }, (_, row) => Date.UTC(2026, 10, 1) + row * 60_000 + 0.5),
    urlRows: 'AAAA',
    unresolvedRows: '',
    duplicateUrls: ['news.example.tw/a/1'],
    tagRows: { cna: [0, Math.max(0, rows - 1)] },
    manifest: { version: 1 } as unknown as Manifest,
    problems: [],
    buildId,
  };
}

async function withPlans(work: (db: CacheDb, plans: () => Database<unknown, string>) => Promise<void>): Promise<void> {
  const db = openCacheDb(mkdtempSync(join(tmpdir(), 'cna-reader-saved-plan-')));
  try {
    await work(db, () => db.part<unknown>('plans'));
  } finally {
    await db.close();
  }
}

/** The keys each put wrote, while `work` runs. */
function putsDuring(plans: Database<unknown, string>, work: () => void): string[] {
  const put = plans.put.bind(plans);
  const keys: string[] = [];
  plans.put = ((key: string, value: unknown) => (keys.push(key), put(key, value))) as typeof plans.put;
  try {
    work();
  } finally {
    plans.put = put;
  }
  return keys;
}

describe('saved plan', () => {
  it('reads a plan back as it was put, with no rows or many', async () => {
    await withPlans(async (db, plans) => {
      for (const rows of [0, 1, 300]) {
        const put = plan(rows);
        await db.transaction(() => putPlan(plans(), 'out', put, undefined));
        expect(getPlan(plans(), 'out')).toEqual(put);
      }
    });
  });

  it("writes only the head when the columns are the last plan's arrays", async () => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => putPlan(plans(), 'out', plan(20), undefined));
      const last = getPlan(plans(), 'out') as StoredPlan;
      // An edit: the same rows, another record and build.
      const edited = { ...last, record: 'record-2', buildId: 'build-2' };
      let keys: string[] = [];
      await db.transaction(() => (keys = putsDuring(plans(), () => putPlan(plans(), 'out', edited, last))));
      expect(keys).toEqual(['out']);
      expect(getPlan(plans(), 'out')).toEqual(edited);
    });
  });

  it('writes every column when a post is added', async () => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => putPlan(plans(), 'out', plan(20), undefined));
      const last = getPlan(plans(), 'out') as StoredPlan;
      const added = { ...last, paths: [...last.paths, 'new.html'], ids: [...last.ids, 'new'], dates: [...last.dates, 1], buildId: 'build-2' };
      let keys: string[] = [];
      await db.transaction(() => (keys = putsDuring(plans(), () => putPlan(plans(), 'out', added, last))));
      expect(keys).toEqual(['out/paths', 'out/ids', 'out/dates', 'out']);
      expect(getPlan(plans(), 'out')).toEqual(added);
    });
  });

  it('writes every column when another build put its plan since the last plan was read', async () => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => putPlan(plans(), 'out', plan(20), undefined));
      const last = getPlan(plans(), 'out') as StoredPlan;
      // Another build, which read the same plan, puts one of as many rows from other posts.
      await db.transaction(() => putPlan(plans(), 'out', plan(20, 'build-other', 'rthk'), last));
      const edited = { ...last, record: 'record-2', buildId: 'build-2' };
      await db.transaction(() => putPlan(plans(), 'out', edited, last));
      expect(getPlan(plans(), 'out')).toEqual(edited);
    });
  });

  it('does not read a plan of an older layout', async () => {
    await withPlans(async (db, plans) => {
      // Layout 1: the whole snapshot in one value.
      await db.transaction(() => plans().put('old', plan(3)));
      expect(getPlan(plans(), 'old')).toBe('older-layout');
      expect(getPlan(plans(), 'none')).toBe('none');
    });
  });

  it.each([
    ['was written by another build, even of as many rows', 'paths', () => plan(3, 'build-other', 'rthk')],
    ['holds another number of rows', 'ids', () => plan(2)],
  ])('does not read a plan whose column %s', async (_case, column, otherPlan) => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => {
        putPlan(plans(), 'out', plan(3), undefined);
        putPlan(plans(), 'other', otherPlan(), undefined);
        plans().put(`out/${column}`, plans().get(`other/${column}`));
      });
      expect(getPlan(plans(), 'out')).toBe('columns-not-its-own');
    });
  });

  it('does not read a plan with a column missing', async () => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => {
        putPlan(plans(), 'out', plan(3), undefined);
        plans().remove('out/dates');
      });
      expect(getPlan(plans(), 'out')).toBe('columns-not-its-own');
    });
  });

  it('removes a plan with its columns', async () => {
    await withPlans(async (db, plans) => {
      await db.transaction(() => putPlan(plans(), 'out', plan(5), undefined));
      await db.transaction(() => removePlan(plans(), 'out'));
      expect([...plans().getKeys()]).toEqual([]);
    });
  });
});
