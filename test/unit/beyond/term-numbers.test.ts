import { TermNumbers } from '../../../src/indexer/plan/term-numbers.ts';

describe('term numbers', () => {
  it('gives a term met again its first number, across the table doubling', () => {
    const numbers = new TermNumbers();
    const terms = Array.from({ length: 100_000 }, (_, n) => `t${n.toString(36)}`);
    const first = terms.map((term) => numbers.of(term, 0, term.length));
    expect(first).toEqual(terms.map((_, n) => n));
    expect(terms.map((term) => numbers.of(`(${term})`, 1, term.length + 1))).toEqual(first);
    expect(numbers.size).toBe(terms.length);
  });

  it('numbers two words and the unit between them as the string of all three', () => {
    const numbers = new TermNumbers();
    const joined = numbers.of('u.s', 0, 3);
    expect(numbers.ofPair('u\t\ts', 0, 1, 0x2e, 3, 4)).toBe(joined);
    expect(numbers.ofPair('u s', 0, 1, 0x20, 2, 3)).not.toBe(joined);
  });
});
