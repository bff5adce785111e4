/**
 * The one binary search of the project, for the indexer and the browser alike: every sorted array is
 * searched through it (as TanStack Virtual's findNearestBinarySearch serves its whole library).
 */

/**
 * The first index in [0, `length`) at which `isPast(index)` holds, for a predicate that is false and
 * then true along the range (a sorted array's "greater than x", say); `length` when it never holds.
 */
export function firstIndexWhere(length: number, isPast: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isPast(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The last index in [0, `length`) before the first at which `isPast` holds: for an ascending array and
 * `isPast = (i) => array[i] > x`, the last entry ≤ x. 0 when there is none (even for an empty range).
 */
export function lastIndexBefore(length: number, isPast: (index: number) => boolean): number {
  return Math.max(0, firstIndexWhere(length, isPast) - 1);
}
