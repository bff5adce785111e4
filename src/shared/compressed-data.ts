/**
 * How a compressed data file (CNA_READER_COMPRESS=gzip, see src/indexer/output/data-file.ts) is told
 * from a plain one, by the build reading its output back and by the browser: by the first bytes zlib
 * writes for it (gzip's magic, deflate, no flags, a zero time). No plain file of the index begins so:
 * JSON begins with `{` or `[`, a search shard or piece with its header's length and then `{`.
 */
const GZIP_HEADER = [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00] as const;

export function isCompressedData(bytes: Uint8Array): boolean {
  return GZIP_HEADER.every((byte, n) => bytes[n] === byte);
}
