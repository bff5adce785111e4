/**
 * The one way a typed array grows, for the build's flat tables (StoryTable, ReadingTable, the search
 * index builder's columns) and scratch buffers (TokenScratch, ShingleScratch, …): by doubling, so that
 * filling one copies each element a constant number of times on average.
 */

export type NumberArray = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/**
 * `array` itself when it holds `size` elements; else a new array of its type, of twice its length or
 * `size` if more, holding its first `keep` elements (all by default; 0 for a scratch buffer that is
 * filled again from its start). A caller in a hot loop checks `size > array.length` first.
 * `most`: the most elements it will ever need, when known (a column of at most one element a row): the
 * doubling stops there rather than leave up to half of it unused. @default Infinity
 */
export function growArray<T extends NumberArray>(array: T, size: number, keep: number = array.length, most = Infinity): T {
  if (size <= array.length) return array;
  const larger = new (array.constructor as new (length: number) => T)(Math.max(size, Math.min(most, array.length * 2)));
  if (keep > 0) larger.set(keep < array.length ? array.subarray(0, keep) : array);
  return larger;
}
