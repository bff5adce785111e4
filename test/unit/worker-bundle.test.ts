import { existsSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { WorkerPool } from '../../src/indexer/workers/worker-pool.ts';

const root = resolve(import.meta.dirname, '../..');
const sourceDirs = [join(root, 'src/indexer'), join(root, 'src/shared')];
const lockFile = join(root, 'package-lock.json');

describe('the bundled build worker', () => {
  it('is made once per version of the sources, and removes the bundles of other sources unused for a day', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-worker-'));
    const older = join(cacheDir, 'worker-0123456789abcdef.mjs');
    const recent = join(cacheDir, 'worker-fedcba9876543210.mjs');
    writeFileSync(older, '// a bundle of older sources');
    writeFileSync(recent, '// a bundle another checkout used an hour ago');
    const hours = (count: number) => new Date(Date.now() - count * 3600 * 1000);
    utimesSync(older, hours(25), hours(25));
    utimesSync(recent, hours(1), hours(1));
    const entry = await bundledWorker(cacheDir, sourceDirs, lockFile);
    const file = fileURLToPath(entry!);
    expect(existsSync(file)).toBe(true);
    expect(existsSync(older)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    const made = statSync(file).size;
    utimesSync(file, hours(2), hours(2));
    expect(await bundledWorker(cacheDir, sourceDirs, lockFile)).toEqual(entry);
    expect(statSync(file).size).toBe(made);
    // Used again: marked so.
    expect(statSync(file).mtimeMs).toBeGreaterThan(hours(1).getTime());
  });

  it('runs requests as the workers started from the sources (through tsx) do', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-worker-'));
    const pools = [WorkerPool.start(1, await bundledWorker(cacheDir, sourceDirs, lockFile)), WorkerPool.start(1)];
    try {
      for (const pool of pools) {
        expect(await pool.run({ type: 'rows', tasks: [], storeDir: cacheDir, runsFolder: cacheDir })).toEqual([]);
      }
    } finally {
      await Promise.all(pools.map((pool) => pool.close()));
    }
  });
});
