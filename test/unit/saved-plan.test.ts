/**
 * A plan snapshot as the build cache keeps it (saved-plan.ts): read back as it was put, its row columns
 * written only when they are not the last plan's arrays, and a plan of the older layout or with a column
 * that does not fit never read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'lmdb';
import { openCacheDb, type CacheDb } from '../../src/indexer/incremental/cache-db.ts';
import type { PlanSnapshot } from '../../src/indexer/incremental/last-build.ts';
import { encodeStrings } from '../../src/indexer/incremental/joined-strings.ts';
import { getPlan, putPlan, removePlan } from '../../src/indexer/incremental/saved-plan.ts';
import type { Manifest } from '../../src/shared/types.ts';

type StoredPlan = PlanSnapshot & { buildId: string };

function plan(rows: number, buildId = 'build-1'): StoredPlan {
  return {
    record: 'record-1',
    shardSize: 4,
    paths: Array.from({ length: rows }, (_, row) => `cna/_posts/2026-11-${row}-第${row}篇.html`),
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

  it("writes only the columns that are not the last plan's arrays", async () => {
    await withPlans(async (db, plans) => {
      const first = plan(20);
      await db.transaction(() => putPlan(plans(), 'out', first, undefined));
      const last = getPlan(plans(), 'out')!;
      // An edit: the same rows, another record and build.
      const edited = { ...last, record: 'record-2', buildId: 'build-2' };
      let keys: string[] = [];
      await db.transaction(() => (keys = putsDuring(plans(), () => putPlan(plans(), 'out', edited, last))));
      expect(keys).toEqual(['out']);
      expect(getPlan(plans(), 'out')).toEqual(edited);
      // A post added: every column is new.
      const added = { ...edited, paths: [...edited.paths, 'new.html'], ids: [...edited.ids, 'new'], dates: [...edited.dates, 1], buildId: 'build-3' };
      await db.transaction(() => (keys = putsDuring(plans(), () => putPlan(plans(), 'out', added, edited))));
      expect(keys).toEqual(['out', 'out/paths', 'out/ids', 'out/dates']);
      expect(getPlan(plans(), 'out')).toEqual(added);
    });
  });

  it('does not read a plan of the older layout, or one whose column does not fit it', async () => {
    await withPlans(async (db, plans) => {
      // Layout 1: the whole snapshot in one value.
      await db.transaction(() => plans().put('old', plan(3)));
      expect(getPlan(plans(), 'old')).toBeUndefined();
      await db.transaction(() => {
        putPlan(plans(), 'out', plan(3), undefined);
        plans().put('out/ids', encodeStrings(['a', 'b']));
      });
      expect(getPlan(plans(), 'out')).toBeUndefined();
      await db.transaction(() => {
        putPlan(plans(), 'out', plan(3), undefined);
        plans().remove('out/dates');
      });
      expect(getPlan(plans(), 'out')).toBeUndefined();
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
