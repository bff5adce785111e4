/**
 * A prune that fails (lmdb refusing a commit) after the output is written: the build reports it and
 * succeeds, and the next build prunes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../src/indexer/build-site.ts';
import { openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import { formatReportSummary } from '../../src/indexer/plan/report.ts';
import { agoraPost } from './helpers.ts';

const failing = vi.hoisted(() => ({ prune: false }));

vi.mock('../../src/indexer/incremental/build-cache.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/indexer/incremental/build-cache.ts')>();
  return {
    ...actual,
    openBuildCache: (...args: Parameters<typeof actual.openBuildCache>) => {
      const cache = actual.openBuildCache(...args);
      const prune: typeof cache.prune = (keep) => (failing.prune ? Promise.reject(new Error('MDB_BAD_TXN: Commit failed')) : cache.prune(keep));
      return { ...cache, prune };
    },
  };
});

const temporary = (name: string) => mkdtempSync(join(tmpdir(), `cna-reader-prune-${name}-`));

/** The posts the cache holds (every part has the same keys). */
async function storedEntries(cacheDir: string): Promise<number> {
  const db = openCacheDb(cacheDir);
  const count = [...db.part('heads').getKeys()].length;
  await db.close();
  return count;
}

it('reports a prune that failed, keeps the output, and prunes at the next build', async () => {
  const postsDir = temporary('posts');
  const outDir = temporary('out');
  const cacheDir = temporary('cache');
  const first = join(postsDir, '2026-11-01-first.html');
  writeFileSync(first, agoraPost('第一篇', '01'));
  writeFileSync(join(postsDir, '2026-11-02-second.html'), agoraPost('第二篇', '02', '2'));
  const build = () => buildSite({ postsDir, outDir, cacheDir, workers: 0 });
  await build();
  // An edit: the first version's entry is no longer used, and this build's prune fails.
  writeFileSync(first, agoraPost('第一篇（更正）', '01'));
  failing.prune = true;
  const report = await build();
  expect(await storedEntries(cacheDir)).toBe(3);
  expect(report.postsIndexed).toBe(2);
  expect(report.cache?.notPruned).toMatch(/MDB_BAD_TXN/);
  expect(formatReportSummary(report, 'report.json')).toMatch(/build cache not pruned \(the next build tries again\): MDB_BAD_TXN/);
  failing.prune = false;
  const next = await build();
  expect(next.cache).toBeUndefined();
  expect(await storedEntries(cacheDir)).toBe(2);
});
