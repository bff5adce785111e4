import { growArray } from '../../src/shared/grow-array.ts';

describe('growArray', () => {
  it('returns the array itself when it already holds the size asked for', () => {
    const array = new Uint32Array(8);
    expect(growArray(array, 8)).toBe(array);
  });

  it('doubles the length at least, keeping the type and every element', () => {
    const grown = growArray(Uint16Array.of(1, 2, 3), 4);
    expect(grown).toBeInstanceOf(Uint16Array);
    expect([...grown]).toEqual([1, 2, 3, 0, 0, 0]);
  });

  it('grows to the size asked for when it is more than twice the length', () => {
    expect(growArray(new Float64Array(2), 9)).toHaveLength(9);
  });

  it('doubles no further than the most elements it will need, nor less than the size asked for', () => {
    expect(growArray(Uint32Array.of(1, 2, 3), 4, 3, 5)).toHaveLength(5);
    expect(growArray(Uint32Array.of(1, 2, 3), 4, 3, 100)).toHaveLength(6);
    expect(growArray(new Uint32Array(3), 7, 3, 5)).toHaveLength(7);
  });

  it('keeps only the first elements asked for (none for a scratch buffer)', () => {
    expect([...growArray(Int32Array.of(5, 6, 7), 4, 1)]).toEqual([5, 0, 0, 0, 0, 0]);
    expect([...growArray(Uint8Array.of(5, 6), 3, 0)]).toEqual([0, 0, 0, 0]);
  });
});
