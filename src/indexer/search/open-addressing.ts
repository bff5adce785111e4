/** What the builder's open-addressing token tables (token-ids.ts, long-token-ids.ts) share. */

/** Multiplies a key's hash before its top bits pick the slot (Fibonacci hashing: 2³² / φ). */
export const SPREAD = 0x9e3779b1;

/**
 * Whether a table of `slots` holding `tokens` must double: past ¾ full, not half, which doubled a large
 * builder's table for a few tokens more.
 */
export function isCrowded(tokens: number, slots: number): boolean {
  return tokens * 4 > slots * 3;
}
