/**
 * How a data file (under `data/`) is put on disk and read back: plain, or gzip-compressed for archives
 * whose output would pass a host's limit (GitHub Pages publishes at most 1 GB; see docs/publishing.md).
 *
 * Compressed files keep their names: every path the index format names (shards, tag lists, buckets,
 * search shards), the build's record of what it wrote and its patches stay as they are. The manifest is
 * always plain and says `compression: 'gzip'`; the reader inflates each compressed file itself
 * (DecompressionStream), as hosts send them without a Content-Encoding, knowing it by its first bytes
 * (src/shared/compressed-data.ts). Feeds are not data files the reader fetches: they stay plain XML (see
 * write-feeds.ts).
 *
 * The gzip output is deterministic (zlib, fixed level, no name and a zero time in its header): a file
 * whose content is unchanged keeps its bytes, so rebuilds still write only what changed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCompressedData } from '../../shared/compressed-data.ts';
import type { Manifest } from '../../shared/types.ts';
import { BUILD_ID_FILE } from '../incremental/last-build.ts';

export type DataCompression = 'none' | 'gzip';

/** The one data file never compressed: it says how the others are written. */
export const MANIFEST_PATH = 'manifest.json';

/**
 * Level 4: on the 5.5k real posts' output (80.1 MB), 38.1 MB in 25 ms a MB, where level 1 gave 39.4 MB
 * (28 ms), 6 gave 37.4 MB (37 ms) and 9 37.3 MB (60 ms). Issue 25 measured 1,264 MB → ~430 MB at 200k
 * posts with it. @default 4
 */
export const GZIP_LEVEL = 4;

/** The setting (CNA_READER_COMPRESS) read: unset, `none` or `gzip`; anything else stops the build. */
export function dataCompressionOf(raw: string | undefined): DataCompression {
  if (raw === undefined || raw === '' || raw === 'none') return 'none';
  if (raw === 'gzip') return 'gzip';
  throw new Error(`CNA_READER_COMPRESS must be "gzip" (compressed data files) or "none" (got ${JSON.stringify(raw)})`);
}

/** A data file's bytes as written in this mode (synchronous: for the workers' bucket writes). */
export function encodeDataFile(body: string | Uint8Array, compression: DataCompression): string | Uint8Array {
  return compression === 'gzip' ? gzipSync(body, { level: GZIP_LEVEL }) : body;
}

/** Writes `path` (under the data folder `dataRoot`) in this mode; the manifest plain, saying the mode. */
export async function writeDataFile(dataRoot: string, path: string, body: string | Uint8Array, compression: DataCompression): Promise<void> {
  const file = join(dataRoot, path);
  if (compression === 'none') return writeFile(file, body);
  if (path === MANIFEST_PATH) return writeFile(file, withCompression(body, compression));
  // Synchronous: zlib's asynchronous calls took 2.5× as long over the 5.5k posts' 3,935 files (3.3 s
  // against 1.3 s), each small file paying for its trips to libuv's threads.
  return writeFile(file, gzipSync(body, { level: GZIP_LEVEL }));
}

function withCompression(body: string | Uint8Array, compression: 'gzip'): string {
  const manifest = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as Manifest;
  return JSON.stringify({ ...manifest, compression });
}

/** A data file's content, inflated when it was written compressed. */
export function readDataFileSync(file: string): Buffer {
  const bytes = readFileSync(file);
  return isCompressedData(bytes) ? gunzipSync(bytes) : bytes;
}

/**
 * A file of the build cache, read whole in one synchronous call: fs/promises reads 512 KiB at a time, a
 * thread-pool hop each. A file under 4 KiB comes back as a slice of Node's shared pool: views of it stay
 * within its byteOffset and length, and its buffer is never transferred.
 */
export function readCacheFile(file: string): Buffer {
  return readFileSync(file);
}

/**
 * The layout of the build cache's files of sections: a 4-byte length, a JSON header that lists each
 * section's length in bytes (`sections`, in file order), then the sections, the header and each section
 * padded to a multiple of 4 bytes (so a 32-bit column can be viewed in place when the file is).
 */
export interface SectionsHeader {
  sections: number[];
}

const padded4 = (bytes: number) => (bytes + 3) & ~3;

/** A file's chunks in that layout: `header` with each named part's length, then the parts, in `names` order. */
export function sectionChunks<Name extends string>(header: object, names: readonly Name[], parts: Readonly<Record<Name, Uint8Array>>): Uint8Array[] {
  const sections: SectionsHeader = { sections: names.map((name) => parts[name].length) };
  const headerBytes = Buffer.from(JSON.stringify({ ...header, ...sections }));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const chunks: Uint8Array[] = [length];
  for (const part of [headerBytes, ...names.map((name) => parts[name])]) chunks.push(part, Buffer.alloc(padded4(part.length) - part.length));
  return chunks;
}

/**
 * A file in that layout: its header and its sections by name (views of `file`); undefined when its header
 * does not parse or lists other sections, or when the file is cut short or longer than its sections.
 */
export function readSections<Header extends SectionsHeader, Name extends string>(
  file: Buffer,
  names: readonly Name[],
): { header: Header; sections: Record<Name, Buffer> } | undefined {
  if (file.length < 4) return undefined;
  const headerLength = file.readUInt32LE(0);
  if (4 + headerLength > file.length) return undefined;
  let header: Header;
  try {
    header = JSON.parse(file.toString('utf8', 4, 4 + headerLength)) as Header;
  } catch {
    return undefined;
  }
  if (!Array.isArray(header?.sections) || header.sections.length !== names.length) return undefined;
  const sections = {} as Record<Name, Buffer>;
  let at = 4 + padded4(headerLength);
  for (const [n, name] of names.entries()) {
    const length = header.sections[n]!;
    if (!Number.isInteger(length) || length < 0 || at + length > file.length) return undefined;
    sections[name] = file.subarray(at, at + length);
    at += padded4(length);
  }
  return at === file.length ? { header, sections } : undefined;
}

/** A section's bytes in a buffer of their own, at offset 0: aligned for any typed array. */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export async function readDataFile(file: string): Promise<Buffer> {
  const bytes = await readFile(file);
  return isCompressedData(bytes) ? gunzipSync(bytes) : bytes;
}

export async function readDataText(file: string): Promise<string> {
  return (await readDataFile(file)).toString('utf8');
}

/** The mode the output folder's manifest says it was written in; `none` when there is none yet. */
export function writtenCompression(dataRoot: string): DataCompression {
  const path = join(dataRoot, MANIFEST_PATH);
  if (!existsSync(path)) return 'none';
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as Manifest).compression ?? 'none';
  } catch {
    return 'none';
  }
}

/**
 * Before a build in `compression`: an output written in the other mode matches no state any more (its
 * files would be kept as they are), so the next write rewrites every file (see last-build.ts).
 */
export async function forgetOutputOfOtherMode(dataRoot: string, compression: DataCompression): Promise<void> {
  if (writtenCompression(dataRoot) !== compression) await rm(join(dataRoot, BUILD_ID_FILE), { force: true });
}
