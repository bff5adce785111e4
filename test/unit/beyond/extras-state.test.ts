import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadExtrasState, saveExtrasState, type ExtrasState } from '../../../src/indexer/output/extras-state.ts';

const digests = (rows: number) => Buffer.from(Array.from({ length: rows * 8 }, (_, at) => (at * 37) & 0xff));

const STATE: ExtrasState = {
  code: 'code-1',
  ids: ['2026-11-20-ferry-a', '2026-11-20-ferry-b', '2026-11-21-rain'],
  times: [1_763_600_000_000, 1_763_603_600_000.5, 1_763_690_000_000],
  reading: 'reading-digest',
  frequencies: 'frequencies-digest',
  stories: digests(3),
  found: [
    [0, [[1, 0.75]]],
    [1, [[0, 0.75]]],
  ],
  byNames: [[1, 0]],
  further: new Map([
    [2, [0, 1]],
    [0, []],
  ]),
  excluded: [
    [0, '2026-11-20-ferry-b'],
    [1, '2026-11-20-ferry-a'],
  ],
  files: {
    dataRoot: '/site/data',
    files: [
      [120, 1_763_600_000_123.25],
      [-1, -1],
    ],
    refs: digests(3),
  },
};

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the extras' state", () => {
  it('reads back as saved, and replaces the JSON file of earlier versions', async () => {
    dir = mkdtempSync(join(tmpdir(), 'extras-state-'));
    writeFileSync(join(dir, 'extras-state.json'), '{"version":4}');
    await saveExtrasState(dir, STATE);
    expect(loadExtrasState(dir)).toEqual(STATE);
    expect(readdirSync(dir)).toEqual(['extras-state.bin']);
  });

  it("takes this build's ids as its own when they are the same, and decodes its own when not", async () => {
    dir = mkdtempSync(join(tmpdir(), 'extras-state-'));
    await saveExtrasState(dir, STATE);
    const rowIds = [...STATE.ids];
    expect(loadExtrasState(dir, rowIds)!.ids).toBe(rowIds);
    const otherIds = [...STATE.ids.slice(0, 2), '2026-11-22-rain'];
    const loaded = loadExtrasState(dir, otherIds);
    expect(loaded!.ids).not.toBe(otherIds);
    expect(loaded!.ids).toEqual(STATE.ids);
  });

  it('reads back with no rows and no files state', async () => {
    dir = mkdtempSync(join(tmpdir(), 'extras-state-'));
    const { files: _files, ...empty } = { ...STATE, ids: [], times: [], stories: Buffer.alloc(0), found: [], byNames: [], further: new Map(), excluded: [] };
    await saveExtrasState(dir, empty);
    expect(loadExtrasState(dir)).toEqual(empty);
  });

  it('is not trusted when its file was cut short or has bytes after its sections', async () => {
    dir = mkdtempSync(join(tmpdir(), 'extras-state-'));
    await saveExtrasState(dir, STATE);
    const path = join(dir, 'extras-state.bin');
    const whole = readFileSync(path);
    truncateSync(path, whole.length - 4);
    expect(loadExtrasState(dir)).toBeUndefined();
    writeFileSync(path, Buffer.concat([whole, Buffer.alloc(4)]));
    expect(loadExtrasState(dir)).toBeUndefined();
    truncateSync(path, 2);
    expect(loadExtrasState(dir)).toBeUndefined();
    writeFileSync(path, whole);
    expect(loadExtrasState(dir)).toEqual(STATE);
  });

  it('is not trusted when its sections disagree on the rows, though its length is right', async () => {
    dir = mkdtempSync(join(tmpdir(), 'extras-state-'));
    // The stories of two rows for three ids.
    await saveExtrasState(dir, { ...STATE, stories: digests(2) });
    expect(loadExtrasState(dir)).toBeUndefined();
    // Further reading naming a row past the ids.
    await saveExtrasState(dir, { ...STATE, further: new Map([[2, [0, 7]]]) });
    expect(loadExtrasState(dir)).toBeUndefined();
    // Further reading for a row past the ids, its own list naming only rows within them.
    await saveExtrasState(dir, { ...STATE, further: new Map([[7, [0]]]) });
    expect(loadExtrasState(dir)).toBeUndefined();
  });
});
