/**
 * The state of an output folder and the plan of the build that wrote it, as a build saves them and
 * the next reads them back: from the files, or, in the same process (a build that stays up), from
 * what was saved, the same.
 */
import { mkdirSync, mkdtempSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildMemory } from '../../src/indexer/incremental/build-memory.ts';
import { loadPlanSnapshot, loadState, planSnapshotPath, saveState, type PlanSnapshot, type WriteState } from '../../src/indexer/incremental/last-build.ts';

const plan = (record: string): PlanSnapshot => ({
  record,
  shardSize: 50,
  paths: ['a.html', 'b.html'],
  ids: ['a', 'b'],
  dates: [1, 2],
  urlRows: '',
  unresolvedRows: '',
  duplicateUrls: [],
  tagRows: { cna: [0, 1] },
  manifest: {
    version: 4,
    builtAt: '2026-11-26T00:00:00.000Z',
    timeZone: 'Asia/Taipei',
    postCount: 2,
    tags: [],
    days: [],
    shardSize: 50,
    shardCount: 1,
    postBuckets: 1,
  },
  problems: [],
});

/** A file's time moved on: what it holds is read again. */
function touch(path: string): void {
  const { atime, mtime } = statSync(path);
  utimesSync(path, atime, new Date(mtime.getTime() + 1000));
}

const described = (state: WriteState | undefined) => state && { buildId: state.buildId, files: [...state.files].sort(), superseded: state.superseded };

describe('the state and plan of the last build', () => {
  it('reads back what the last build of this process saved as the files say it', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'cna-reader-state-'));
    const dataRoot = join(mkdtempSync(join(tmpdir(), 'cna-reader-state-out-')), 'data');
    mkdirSync(dataRoot);
    const statePath = join(cache, 'output-x.state');
    const memory: BuildMemory = {};
    const first = new Map([
      ['manifest.json', 'h1'],
      ['posts/0/0.json#a', 'h2'],
      ['posts/0/0.json#b', 'h3'],
    ]);
    await saveState(statePath, dataRoot, undefined, first, { changed: [...first.keys()], removed: [] }, plan('r1'), memory);
    const loaded = await loadState(statePath, dataRoot, memory);
    expect(described(loaded)?.files).toEqual([...first].sort());

    // Appended: one changed, one removed, one new.
    const second = new Map([
      ['manifest.json', 'h4'],
      ['posts/0/0.json#a', 'h2'],
      ['posts/0/0.json#c', 'h5'],
    ]);
    const buildId = await saveState(
      statePath,
      dataRoot,
      loaded,
      second,
      { changed: ['manifest.json', 'posts/0/0.json#c'], removed: ['posts/0/0.json#b'] },
      plan('r2'),
      memory,
    );
    const rememberedState = await loadState(statePath, dataRoot, memory);
    const remembered = described(rememberedState);
    const rememberedPlan = await loadPlanSnapshot(statePath, dataRoot, memory);
    // Not read again: what was saved.
    expect(rememberedState?.files).toBe(second);
    expect(remembered).toMatchObject({ buildId, files: [...second].sort() });
    expect(rememberedPlan).toMatchObject({ ...plan('r2'), buildId });

    touch(statePath);
    touch(planSnapshotPath(statePath));
    const read = await loadState(statePath, dataRoot, memory);
    expect(read?.files).not.toBe(second);
    expect(described(read)).toEqual(remembered);
    expect(await loadPlanSnapshot(statePath, dataRoot, memory)).toMatchObject({ ...plan('r2'), buildId });
  });
});
