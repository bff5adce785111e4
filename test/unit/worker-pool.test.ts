/**
 * The pool's threads between a build's phases: a small phase leaves them up for the next, a large one
 * ends them (what they hold goes with them), and the next request starts new ones.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { KEEP_THREADS_UP_TO, WorkerPool } from '../../src/indexer/workers/worker-pool.ts';

const ROOT = resolve(import.meta.dirname, '../..');

async function bundledPool(size: number): Promise<WorkerPool> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-pool-'));
  return WorkerPool.start(size, await bundledWorker(cacheDir, [join(ROOT, 'src/indexer'), join(ROOT, 'src/shared')], join(ROOT, 'package-lock.json')));
}

describe('the worker pool between phases', () => {
  it('keeps its threads after a phase of at most KEEP_THREADS_UP_TO posts, and starts new ones after a larger phase', async () => {
    const pool = await bundledPool(2);
    const nothingToRank = () => ({
      type: 'further-reading' as const,
      ids: [],
      titles: [],
      leads: { bytes: Buffer.alloc(0), ends: new Uint32Array(0) },
      links: new Uint32Array(0),
    });
    const runTwice = () => Promise.all([pool.run(nothingToRank()), pool.run(nothingToRank())]);
    try {
      await runTwice();
      expect(pool.threadsStarted).toBe(2);
      await pool.endPhase(KEEP_THREADS_UP_TO);
      await runTwice();
      expect(pool.threadsStarted).toBe(2);
      await pool.endPhase(KEEP_THREADS_UP_TO + 1);
      await runTwice();
      expect(pool.threadsStarted).toBe(4);
    } finally {
      await pool.close();
    }
  });
});
