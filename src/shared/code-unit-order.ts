/**
 * The one order of strings that walks in step over two sorted lists rely on. A module of its own, not
 * beside the binary search: the parser imports that one, and its code fingerprint keys the post store.
 */

/**
 * Strings by UTF-16 code units, as `<` compares them (not by locale, so every machine agrees): the
 * order of the post listing, which the record of files seen is walked in step with.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
