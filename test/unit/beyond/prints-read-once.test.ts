import { PrintsReadOnce } from '../../../src/indexer/output/prints-read-once.ts';
import { PrintColumns } from '../../../src/indexer/plan/print-columns.ts';
import { serializeStoryPrint, STORY_PRINT_VERSION } from '../../../src/indexer/plan/same-story.ts';

/** A print line whose lead names its row, so a kept print shows which row it came from. */
const lineOf = (row: number) =>
  serializeStoryPrint({ signature: undefined, shingles: 0, terms: { hashes: new Uint32Array(0), counts: new Uint8Array(0) }, lead: `row ${row}` });

/** A store of `count` rows (its prints kept in `kept`) recording, in order, each row read and each drop of its map; `lines` overrides a row's answer. */
function recordingStore(count: number, lines: ReadonlyMap<number, string | undefined> = new Map()) {
  const events: string[] = [];
  const kept = new PrintColumns(count);
  const read = async (row: number | undefined) => {
    events.push(`read ${row}`);
    return row !== undefined && lines.has(row) ? lines.get(row) : lineOf(row!);
  };
  const prints = new PrintsReadOnce(count, read, kept);
  const dropMap = async () => {
    events.push('drop');
  };
  return { prints, kept, events, dropMap };
}

describe('PrintsReadOnce.keepInKeyOrder', () => {
  it("reads the rows in their keys' order, neither the rows' order nor the order given", async () => {
    const { prints, kept, events, dropMap } = recordingStore(4);
    const keys = ['c', 'a', 'd', 'b'];
    await prints.keepInKeyOrder([3, 2, 0, 1], (row) => keys[row]!, dropMap, 10);
    expect(events).toEqual(['read 1', 'read 3', 'read 0', 'read 2']);
    expect(kept.printOf(2).lead).toBe('row 2');
    expect(kept.size).toBe(4);
  });

  it('lets the map go after each `between` prints read, none before the first read nor after the last', async () => {
    const { prints, events, dropMap } = recordingStore(5);
    await prints.keepInKeyOrder([0, 1, 2, 3, 4], (row) => `${row}`, dropMap, 2);
    expect(events).toEqual(['read 0', 'read 1', 'drop', 'read 2', 'read 3', 'drop', 'read 4']);
  });

  it('lets the map go never when exactly `between` prints are read: the drop after the pass is its caller’s', async () => {
    const { prints, events, dropMap } = recordingStore(3);
    await prints.keepInKeyOrder([0, 1, 2], (row) => `${row}`, dropMap, 3);
    expect(events).toEqual(['read 0', 'read 1', 'read 2']);
  });

  it('reads nothing and lets the map go never when no row is to be read', async () => {
    const { prints, events, dropMap } = recordingStore(3);
    await prints.keepInKeyOrder([], (row) => `${row}`, dropMap, 1);
    expect(events).toEqual([]);
  });

  it('keeps a store miss and a damaged line as none, and the row’s turn does not ask again', async () => {
    const lines = new Map([
      [0, undefined],
      [1, `[${STORY_PRINT_VERSION},"damaged`],
    ]);
    const { prints, kept, events, dropMap } = recordingStore(3, lines);
    await prints.keepInKeyOrder([0, 1, 2], (row) => `${row}`, dropMap, 1);
    expect(events).toEqual(['read 0', 'drop', 'read 1', 'drop', 'read 2']);
    expect(await prints.has(0, true)).toBe(false);
    expect(await prints.has(1, true)).toBe(false);
    expect(await prints.has(2, true)).toBe(true);
    expect(events).toHaveLength(5);
    expect([0, 1, 2].map((row) => prints.keptOf(row))).toEqual([false, false, true]);
    expect([kept.holds(0), kept.holds(1)]).toEqual([false, false]);
    expect(kept.printOf(2).lead).toBe('row 2');
  });

  it('forgets, once cleared, which rows it kept or found none of', async () => {
    const { prints, kept, dropMap } = recordingStore(2, new Map([[0, undefined]]));
    await prints.keepInKeyOrder([0, 1], (row) => `${row}`, dropMap, 10);
    prints.clear();
    expect([prints.keptOf(0), prints.keptOf(1), kept.size]).toEqual([undefined, undefined, 0]);
  });
});
