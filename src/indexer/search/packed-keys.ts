/**
 * 64-bit sort keys written as two 32-bit halves, so that a key is made from two numbers with no BigInt
 * each, then sorted by a BigUint64Array's own sort (no comparator call): the high half orders first.
 */
import { endianness } from 'node:os';

// Key k's low half is word 2k, its high half word 2k + 1 only on a little-endian machine (every platform
// Node runs on): a big-endian one would sort by the low half first.
if (endianness() !== 'LE') throw new Error('The search index builder sorts its keys as little-endian halves; this machine is big-endian.');

/** The words of `keys`: key k's low half at `2 * k`, its high half at `2 * k + 1`. */
export function keyHalves(keys: BigUint64Array): Uint32Array {
  return new Uint32Array(keys.buffer, keys.byteOffset, 2 * keys.length);
}
