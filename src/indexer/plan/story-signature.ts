/**
 * A text's signature for the same story: one-permutation MinHash with optimal densification. Each
 * shingle is hashed once; the hash's top bits pick one of SIGNATURE_SIZE bins and the bin keeps its
 * smallest hash. A bin no shingle fell in copies the bin first found non-empty along its own fixed
 * probe order, so that two signatures stay comparable position by position: at each position they
 * agree with probability the Jaccard similarity of their shingle sets, as a k-function MinHash does,
 * for one hash a shingle instead of k (docs/same-story.md).
 */
import { mix32 } from '../../shared/types.ts';

/**
 * Positions of a signature: 64 estimate a Jaccard similarity of 0.5 within ±0.06 (one s.d.). A power
 * of two, the bin being the hash's top bits. @default 64
 */
export const SIGNATURE_SIZE = 64;
const BIN_SHIFT = 32 - Math.log2(SIGNATURE_SIZE);

/**
 * Each bin's probe order (SIGNATURE_SIZE × SIGNATURE_SIZE bins): a fixed shuffle of all bins, the same
 * in every build, so that an empty bin of two texts copies from the same bin whenever both have it.
 */
const PROBES = probeOrders();

/** The signature of a set of shingle hashes (each once; none gives every position 0xffffffff). */
export function storySignatureOf(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  // Apart from the values: a shingle may hash to 0xffffffff.
  const filled = new Uint8Array(SIGNATURE_SIZE);
  for (let k = 0; k < shingles.length; k++) {
    const hash = mix32(shingles[k]!);
    const bin = hash >>> BIN_SHIFT;
    if (hash < signature[bin]!) signature[bin] = hash;
    filled[bin] = 1;
  }
  for (let bin = 0; bin < SIGNATURE_SIZE; bin++) {
    if (filled[bin]) continue;
    // A bin's probes visit every bin: the first filled one is found, unless there are no shingles.
    for (let probe = bin * SIGNATURE_SIZE; probe < (bin + 1) * SIGNATURE_SIZE; probe++) {
      if (!filled[PROBES[probe]!]) continue;
      signature[bin] = signature[PROBES[probe]!]!;
      break;
    }
  }
  return signature;
}

/** The share of equal positions: an estimate of the Jaccard similarity of the two shingle sets. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let n = 0; n < a.length; n++) if (a[n] === b[n]) same++;
  return same / a.length;
}

/** For each bin, all bins in an order of its own (a Fisher–Yates shuffle driven by a fixed counter). */
function probeOrders(): Uint8Array {
  const orders = new Uint8Array(SIGNATURE_SIZE * SIGNATURE_SIZE);
  let counter = 0x9e3779b9;
  for (let bin = 0; bin < SIGNATURE_SIZE; bin++) {
    const order = orders.subarray(bin * SIGNATURE_SIZE, (bin + 1) * SIGNATURE_SIZE);
    for (let n = 0; n < SIGNATURE_SIZE; n++) order[n] = n;
    for (let n = SIGNATURE_SIZE - 1; n > 0; n--) {
      counter = (counter + 0x6d2b79f5) >>> 0;
      const pick = mix32(counter) % (n + 1);
      [order[n], order[pick]] = [order[pick]!, order[n]!];
    }
  }
  return orders;
}
