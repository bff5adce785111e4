/**
 * A stat thread that fails (incremental/stat-files.ts): its share is statted again on this thread, over
 * what it wrote before it failed, whether it failed with an error or exited without its message.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { statFilesAside } from '../../src/indexer/incremental/stat-files.ts';

const failing = vi.hoisted(() => ({ how: 'error' as 'error' | 'exit', threads: 0 }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  const { EventEmitter } = await import('node:events');
  /** A thread that writes wrong stamps into the first half of its share, then fails. */
  class FailingWorker extends EventEmitter {
    constructor(_program: string, options: { workerData: { joined: string; from: number; shared: SharedArrayBuffer } }) {
      super();
      failing.threads++;
      const { joined, from, shared } = options.workerData;
      const stamps = new Float64Array(shared);
      const count = joined.split('\0').length;
      setImmediate(() => {
        for (let n = 0; n < count / 2; n++) stamps.fill(-1, 2 * (from + n), 2 * (from + n) + 2);
        if (failing.how === 'error') this.emit('error', new Error('a stat thread failed'));
        else this.emit('exit', 1);
      });
    }
  }
  return { ...actual, Worker: FailingWorker };
});

describe('statFilesAside, when a thread fails', () => {
  it.each(['error', 'exit'] as const)('stats its share on this thread (the thread: %s)', async (how) => {
    failing.how = how;
    failing.threads = 0;
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-stat-fails-'));
    const paths = Array.from({ length: 9 }, (_, n) => join(dir, `第${n}篇.md`));
    paths.forEach((path, n) => writeFileSync(path, 'x'.repeat(n)));
    const gone = join(dir, 'gone.md');
    const stamps = await statFilesAside([...paths, gone], 1);
    expect(failing.threads).toBe(1);
    paths.forEach((path, at) => {
      const stat = statSync(path);
      expect(stamps.at(at)).toEqual({ size: stat.size, mtimeMs: stat.mtimeMs });
    });
    expect(stamps.at(paths.length)).toBeUndefined();
  });
});
