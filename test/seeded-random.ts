/** A seeded stream of numbers in [0, 1) (a linear congruential generator): the same test data every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}
