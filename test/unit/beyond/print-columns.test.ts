/** PrintColumns: a pass's story prints in flat columns, put in any row order and found by row. */
import { PrintColumns } from '../../../src/indexer/plan/print-columns.ts';
import { SIGNATURE_SIZE } from '../../../src/indexer/plan/same-story.ts';

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
