/**
 * collectGarbage runs in the build's worker threads too (ingest-worker.ts): there it looks `gc` up on its
 * first call, and a thread that cannot have it goes on without the collection.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { bundleForNode } from '../../src/indexer/tool-cache.ts';

/** A thread's run: an object let go, one collection, and whether the object was gone after it. */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  if (workerData.refuseFlags) {
    require('node:v8').setFlagsFromString = () => { throw new Error('flags refused'); };
    require('node:module').syncBuiltinESMExports();
  }
  const { collectGarbage } = await import(workerData.module);
  const held = new WeakRef({ rows: Array.from({ length: 1000 }, (_, n) => ({ n })) });
  // A WeakRef's target stays until the current job ends.
  await new Promise((resolve) => setImmediate(resolve));
  collectGarbage(workerData.options);
  parentPort.postMessage({ answered: true, collected: held.deref() === undefined });
})();
`;

let module: string;

beforeAll(async () => {
  const outfile = join(mkdtempSync(join(tmpdir(), 'cna-reader-collect-')), 'collect-garbage.mjs');
  await bundleForNode(new URL('../../src/indexer/collect-garbage.ts', import.meta.url), outfile, {});
  module = pathToFileURL(outfile).href;
});

function runThread(workerData: { refuseFlags: boolean; options: { compact?: boolean } }): Promise<{ answered: boolean; collected: boolean }> {
  const worker = new Worker(THREAD, { eval: true, workerData: { module, ...workerData } });
  return new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  }).finally(() => worker.terminate()) as Promise<{ answered: boolean; collected: boolean }>;
}

describe('collectGarbage in a worker thread', () => {
  it('collects what the thread let go, plain or compacting', async () => {
    expect(await runThread({ refuseFlags: false, options: { compact: false } })).toEqual({ answered: true, collected: true });
    expect(await runThread({ refuseFlags: false, options: {} })).toEqual({ answered: true, collected: true });
  });

  it('does nothing, and the thread goes on, when gc cannot be had', async () => {
    expect(await runThread({ refuseFlags: true, options: { compact: false } })).toEqual({ answered: true, collected: false });
  });
});
