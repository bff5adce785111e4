/**
 * The pool's threads between a build's phases: a small phase leaves them up for the next, a large one
 * ends them (what they hold goes with them), and the next request starts new ones.
 */
import { KEEP_THREADS_AFTER_POSTS_AT_MOST } from '../../src/indexer/workers/worker-pool.ts';
import { bundledPool } from './bundled-pool.ts';

describe('the worker pool between phases', () => {
  it('keeps its threads after a phase of at most KEEP_THREADS_AFTER_POSTS_AT_MOST posts, and starts new ones after a larger phase', async () => {
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
      await pool.endPhase(KEEP_THREADS_AFTER_POSTS_AT_MOST);
      await runTwice();
      expect(pool.threadsStarted).toBe(2);
      await pool.endPhase(KEEP_THREADS_AFTER_POSTS_AT_MOST + 1);
      await runTwice();
      expect(pool.threadsStarted).toBe(4);
    } finally {
      await pool.close();
    }
  });
});
