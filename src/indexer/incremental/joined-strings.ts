/**
 * Many strings kept as one: joined by a NUL, so reading them back is one string split, not one string
 * unpacked each (docs/build-speed.md, "One edit, stop 40"). None of the strings may hold a NUL: file
 * paths, post ids, hashes and store keys never do.
 */

/** Between two strings. */
const SEPARATOR = '\0';

/** The strings as one string. */
export function joinStrings(strings: readonly string[]): string {
  return strings.join(SEPARATOR);
}

/** Strings joined by joinStrings; '' is no string at all (one empty string cannot be told from none). */
export function splitStrings(joined: string): string[] {
  return joined === '' ? [] : joined.split(SEPARATOR);
}

/**
 * The strings as one joined string's bytes, UTF-16 as a string holds them: 64k paths, mostly CJK,
 * decoded ~2× faster than from UTF-8, for ~30 % more bytes.
 */
export function encodeStrings(strings: readonly string[]): Buffer {
  return Buffer.from(joinStrings(strings), 'utf16le');
}

/** Strings encoded by encodeStrings, or undefined when `value` is not bytes holding `count` of them. */
export function decodeStrings(value: unknown, count: number): string[] | undefined {
  if (!(value instanceof Uint8Array)) return undefined;
  const strings = splitStrings(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf16le'));
  return strings.length === count ? strings : undefined;
}
