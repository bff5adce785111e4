/**
 * Bytes → text. Posts must be UTF-8: a file that is not is reported with the offset of its first bad byte,
 * rather than indexed with replacement characters a reader would see as garbage.
 */

export type DecodeResult = { text: string } | { badByteOffset: number; line: number };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function decodePostBytes(bytes: Uint8Array): DecodeResult {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    return { badByteOffset: offset, line: lineAt(bytes, offset) };
  }
  // One line-ending convention from here on: the corpus mixes LF front matter with CRLF bodies.
  return { text: text.replace(/\r\n?/g, '\n') };
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) {
      if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    }
    // Overlong 3/4-byte forms, surrogates and code points past U+10FFFF.
    const second = bytes[i + 1]!;
    if ((lead === 0xe0 && second < 0xa0) || (lead === 0xed && second > 0x9f) || (lead === 0xf0 && second < 0x90) || (lead === 0xf4 && second > 0x8f)) {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
