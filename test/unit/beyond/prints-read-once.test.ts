import { PrintColumns, PrintsReadOnce } from '../../../src/indexer/output/prints-read-once.ts';
import { serializeStoryPrint, SIGNATURE_SIZE, STORY_PRINT_VERSION } from '../../../src/indexer/plan/same-story.ts';

/** A print line whose lead names its row, so a kept print shows which row it came from. */
const lineOf = (row: number) =>
  serializeStoryPrint({ signature: undefined, shingles: 0, terms: { hashes: new Uint32Array(0), counts: new Uint8Array(0) }, lead: `row ${row}` });

/** A store of `count` rows recording, in order, each row read and each drop of its map; `lines` overrides a row's answer. */
function recordingStore(count: number, lines: ReadonlyMap<number, string | undefined> = new Map()) {
  const events: string[] = [];
  const prints = new PrintsReadOnce(count, async (row) => {
    events.push(`read ${row}`);
    return row !== undefined && lines.has(row) ? lines.get(row) : lineOf(row!);
  });
  const dropMap = async () => {
    events.push('drop');
  };
  return { prints, events, dropMap };
}

describe('PrintsReadOnce.keepInKeyOrder', () => {
  it("reads the rows in their keys' order, neither the rows' order nor the order given", async () => {
    const { prints, events, dropMap } = recordingStore(4);
    const keys = ['c', 'a', 'd', 'b'];
    await prints.keepInKeyOrder([3, 2, 0, 1], (row) => keys[row]!, dropMap, 10);
    expect(events).toEqual(['read 1', 'read 3', 'read 0', 'read 2']);
    expect(prints.kept.printOf(2).lead).toBe('row 2');
    expect(prints.kept.size).toBe(4);
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
    const { prints, events, dropMap } = recordingStore(3, lines);
    await prints.keepInKeyOrder([0, 1, 2], (row) => `${row}`, dropMap, 1);
    expect(events).toEqual(['read 0', 'drop', 'read 1', 'drop', 'read 2']);
    expect(await prints.has(0, true)).toBe(false);
    expect(await prints.has(1, true)).toBe(false);
    expect(await prints.has(2, true)).toBe(true);
    expect(events).toHaveLength(5);
    expect([0, 1, 2].map((row) => prints.keptOf(row))).toEqual([false, false, true]);
    expect([prints.kept.holds(0), prints.kept.holds(1)]).toEqual([false, false]);
    expect(prints.kept.printOf(2).lead).toBe('row 2');
  });

  it('forgets, once cleared, which rows it kept or found none of', async () => {
    const { prints, dropMap } = recordingStore(2, new Map([[0, undefined]]));
    await prints.keepInKeyOrder([0, 1], (row) => `${row}`, dropMap, 10);
    prints.clear();
    expect([prints.keptOf(0), prints.keptOf(1), prints.kept.size]).toEqual([undefined, undefined, 0]);
  });
});

/** A print whose every part depends on `seed`: a signature or none, 0–49 terms, a lead of CJK, Latin, a cut surrogate pair. */
function seededPrint(seed: number) {
  const terms = (seed * 7) % 50;
  return {
    signature: seed % 3 === 0 ? undefined : Uint32Array.from({ length: SIGNATURE_SIZE }, (_, at) => (seed * 2654435761 + at) >>> 0),
    shingles: seed * 11,
    terms: {
      hashes: Uint32Array.from({ length: terms }, (_, at) => seed * 1000 + at),
      counts: Uint8Array.from({ length: terms }, (_, at) => (seed + at) % 256),
    },
    lead: ['', '鋒面週末接近', `lead ${seed}`, '颱風😀'.slice(0, 3)][seed % 4]!.repeat(1 + (seed % 5)),
  };
}

describe('PrintColumns', () => {
  it('gives back every row’s print as put, rows put in any order, past the columns’ growth', () => {
    const rows = 120;
    const columns = new PrintColumns(rows);
    const order = Array.from({ length: rows }, (_, at) => (at * 113) % rows);
    for (const row of order) columns.put(row, seededPrint(row));
    expect(columns.size).toBe(rows);
    for (let row = 0; row < rows; row++) {
      const want = seededPrint(row);
      expect(columns.printOf(row)).toEqual(want);
      expect(columns.leadBytesOf(row).equals(Buffer.from(want.lead, 'utf16le'))).toBe(true);
    }
  });

  it('holds only the rows put, each once', () => {
    const columns = new PrintColumns(3);
    columns.put(1, seededPrint(1));
    expect([0, 1, 2].map((row) => columns.holds(row))).toEqual([false, true, false]);
    expect(() => columns.put(1, seededPrint(2))).toThrow(/row 1 holds a print already/);
  });

  it('throws when asked for a row that holds no print, rather than answer with the columns whole', () => {
    const columns = new PrintColumns(2);
    columns.put(1, seededPrint(1));
    expect(() => columns.printOf(0)).toThrow(/row 0 holds no print/);
    expect(() => columns.termHashesOf(0)).toThrow(/row 0 holds no print/);
    expect(() => columns.leadBytesOf(0)).toThrow(/row 0 holds no print/);
    expect(() => columns.shinglesOf(0)).toThrow(/row 0 holds no print/);
  });

  it('holds no print once cleared, and takes the rows again after', () => {
    const columns = new PrintColumns(2);
    columns.put(0, seededPrint(1));
    columns.put(1, seededPrint(2));
    columns.clear();
    expect([columns.size, columns.holds(0), columns.holds(1)]).toEqual([0, false, false]);
    columns.put(1, seededPrint(5));
    expect(columns.printOf(1)).toEqual(seededPrint(5));
  });
});
