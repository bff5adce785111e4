import { firstIndexWhere, lastIndexBefore } from '../../src/shared/binary-search.ts';

/** What a linear scan finds, for every value around and between the entries. */
const linearFirst = (values: number[], x: number) => {
  const found = values.findIndex((value) => value > x);
  return found < 0 ? values.length : found;
};

describe('firstIndexWhere', () => {
  it('finds the first entry past a value, as a linear scan does, with repeats, at both ends and between', () => {
    const lists = [[], [5], [1, 1, 1], [1, 2, 2, 2, 3, 7, 7, 9], Array.from({ length: 100 }, (_, n) => Math.floor(n / 3))];
    for (const values of lists) {
      for (let x = -1; x <= 40; x += 0.5)
        expect(
          firstIndexWhere(values.length, (i) => values[i]! > x),
          `${x} in ${values.length}`,
        ).toBe(linearFirst(values, x));
    }
  });

  it('answers the length when the predicate never holds, and 0 when it always does', () => {
    expect(firstIndexWhere(10, () => false)).toBe(10);
    expect(firstIndexWhere(10, () => true)).toBe(0);
    expect(firstIndexWhere(0, () => true)).toBe(0);
  });
});

describe('lastIndexBefore', () => {
  it('finds the last entry at or before a value, and the first when none is', () => {
    const firsts = ['b', 'f', 'm', 't'];
    const at = (token: string) => lastIndexBefore(firsts.length, (i) => firsts[i]! > token);
    expect(at('a')).toBe(0);
    expect(at('b')).toBe(0);
    expect(at('g')).toBe(1);
    expect(at('m')).toBe(2);
    expect(at('z')).toBe(3);
    expect(lastIndexBefore(0, () => true)).toBe(0);
  });
});
