import { TermNumbers } from '../../../src/indexer/plan/term-numbers.ts';
import { fnv1a } from '../../../src/shared/types.ts';

/**
 * The first two of seeded random CJK strings (`lengthAt(n)` characters the nth) that share an fnv1a hash
 * and pass `fits`: a birthday search, ~200k strings. (Counted strings such as `w00a1z` share none in millions.)
 */
function collidingStrings(lengthAt: (n: number) => number, fits: (a: string, b: string) => boolean): [string, string] {
  let seed = 1;
  const unit = () => 0x4e00 + (((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) % 20_000);
  const seen = new Map<number, string>();
  for (let n = 0; n < 2_000_000; n++) {
    const text = String.fromCharCode(...Array.from({ length: lengthAt(n) }, unit));
    const hash = fnv1a(text);
    const other = seen.get(hash);
    if (other !== undefined && fits(other, text)) return [other, text];
    seen.set(hash, text);
  }
  throw new Error('no two strings share a hash');
}

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

  it.each([
    ['of one length', () => 4, (a: string, b: string) => a.length === b.length],
    ['of two lengths', (n: number) => 4 + (n % 2), (a: string, b: string) => a.length !== b.length],
  ])('gives two terms %s that share a hash two numbers, each kept when met again', (_, lengthAt, fits) => {
    const [a, b] = collidingStrings(lengthAt, fits);
    expect(a).not.toBe(b);
    expect(fnv1a(a)).toBe(fnv1a(b));
    const numbers = new TermNumbers();
    const first = [numbers.of(a, 0, a.length), numbers.of(b, 0, b.length)];
    expect(first[0]).not.toBe(first[1]);
    expect([numbers.of(b, 0, b.length), numbers.of(a, 0, a.length)]).toEqual([first[1], first[0]]);
  });
});
