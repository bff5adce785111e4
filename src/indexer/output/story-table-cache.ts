/**
 * The last build's story prints as its StoryTable held them (`story-table.bin` in the build cache), each
 * row beside its post's store key, with every name term's frequency. A store key is content-addressed:
 * a post whose key did not change has the same print, so a rebuild copies its row from here rather than
 * reading and parsing its print from the post store again, and moves the term frequencies by the posts
 * added and removed only (docs/build-speed.md, "One edit, stop 33").
 *
 * The file: the layout of the cache's files of sections (see readSections in data-file.ts), its header (see
 * Header), then the columns as sections, each at a multiple of 4 bytes (viewed in place).
 * The leads' bytes (~27 % of the table) are a file of their own (`story-leads.bin`, see LeadsHeader), read
 * only when asked for: a rebuild whose leads did not change compares a row's lead or two, and neither
 * reads nor writes the others (docs/build-speed.md, "One edit's extras at 200k").
 * A rebuild whose rows are the saved ones, a few written over (an edit), writes those rows into the file
 * in place rather than the whole file (see patchInPlace; docs/build-speed.md, "One edit's story table written in place").
 */
import { createHash } from 'node:crypto';
import { closeSync, fdatasyncSync, fstatSync, openSync, readFileSync, readSync, writeSync, type Stats } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SIGNATURE_SIZE, type StoryTable } from '../plan/same-story.ts';
import type { TermFrequencies } from '../plan/term-frequencies.ts';
import { printDigests, ROW_DIGEST_BYTES } from './extras-state.ts';
import { readSections, sectionChunks, type SectionsHeader } from './data-file.ts';
import type { PrintColumns } from '../plan/print-columns.ts';

const TABLE_FILE = 'story-table.bin';
const LEADS_FILE = 'story-leads.bin';
/** Bumped when the file's layout (or the leads file's) changes. */
const TABLE_VERSION = 6;

/**
 * A store key's width in the `keys` column: a sha1 in hex (storeKey in post-store.ts, not imported: the
 * further-reading workers load this module; a test holds the two together). A shorter key is padded with
 * NULs; a row whose key is longer or not printable ASCII is kept as one with none (never reused).
 */
const KEY_CHARS = 40;

/**
 * Above this many rows read here, or an eighth of the rows if more, the file is written whole: a few
 * large writes, not seven small ones a row. Not measured (docs/build-speed.md, "Review of stop 46's table
 * written in place"); an edit or an added post reads one row or two.
 */
const PATCHED_ROWS = 64;

interface Header extends SectionsHeader {
  version: number;
  /** The extras' code (extrasCode): another parse of the prints, or another table, reads nothing here. */
  code: string;
  /** Rows: each row's store key is in the `keys` column, not here (a header of 200k keys was 8.5 MB of JSON). */
  count: number;
  terms: number;
  distinct: number;
  leadBytes: number;
  /**
   * The leads' digest (see leadsDigest), kept: an edit that leaves every lead as it was hashes none of
   * them. The leads file names it too: a file of other leads (a save cut between the two files) is not read.
   */
  leadsDigest: string;
}

/**
 * The leads file, in the same layout: this JSON header, then the leads' bytes (one section), read by
 * positioned reads (see leadsHeaderIn).
 */
interface LeadsHeader {
  version: number;
  /** The leads' digest, as the table's header names it. */
  digest: string;
  bytes: number;
}

/** A saved table: each row's print by its row, and the rows by store key. */
export interface SavedStoryTable {
  count: number;
  frequencies: TermFrequencies;
  /** The saved row of this store key not taken yet (see `taken`), the row `hint` first; undefined when none. */
  rowOf(key: string, hint: number, taken: Uint8Array): number | undefined;
  /** The row's term hashes (one per term): what its post adds to the term frequencies. */
  termsOf(row: number): Uint32Array;
  leads: SavedLeads;
  leadsDigest: string;
  /** Each row's print digest (see printDigests). */
  printDigests: Buffer;
  /** The print columns as StoryTable holds them (see fillPrints). */
  columns: Pick<StoryTable, 'hasSignature' | 'shingles' | 'termStarts' | 'signatures' | 'termHashes' | 'termCounts'>;
  /** The file it was loaded from: saveStoryTable writes into it in place (see patchInPlace). */
  file: FileOnDisk;
}

/** The columns in file order: what each holds, its element size, its length. */
function columns(count: number, terms: number, distinct: number) {
  return [
    ['hasSignature', 1, count],
    ['shingles', 4, count],
    ['termStarts', 4, count + 1],
    ['signatures', 4, count * SIGNATURE_SIZE],
    ['termHashes', 4, terms],
    ['termCounts', 1, terms],
    ['frequencyHashes', 4, distinct],
    ['frequencyCounts', 4, distinct],
    ['leadEnds', 4, count],
    ['printDigests', 1, count * ROW_DIGEST_BYTES],
    // Each row's store key, KEY_CHARS Latin-1 characters ('' as NULs: a print not from the store).
    ['keys', 1, count * KEY_CHARS],
  ] as const;
}
type Column = ReturnType<typeof columns>[number][0];
/** The columns' names in file order: the file's sections. */
const COLUMN_NAMES: readonly Column[] = columns(0, 0, 0).map(([name]) => name);

const padded = (bytes: number) => (bytes + 3) & ~3;

/** Keys looked up away from their hint by a scan of every key before the saved rows are mapped by key. */
const SCANS_BEFORE_MAP = 8;

/**
 * Every row's lead as the file keeps it: UTF-16 code units, as the strings hold them (a lead cut inside
 * a surrogate pair keeps its half), row after row; `ends[row]` is where the row's bytes end.
 */
export interface Leads {
  ends: Uint32Array;
  /** Every row's bytes, row after row: the saved leads read them from their file at the first call. */
  readAll(): Buffer;
}

/** The saved leads (see savedLeads): their ends loaded, their bytes read only when asked for. */
export interface SavedLeads extends Leads {
  /** One row's bytes: read alone from the file until every row's were read (readAll). */
  rowBytes(row: number): Buffer;
}

/** A digest of every row's lead (their ends, then their bytes): further reading's inputs take it. */
export function leadsDigest(leads: Leads, saved?: SavedStoryTable): string {
  if (saved && leads === saved.leads) return saved.leadsDigest;
  return createHash('sha1')
    .update(new Uint8Array(leads.ends.buffer, leads.ends.byteOffset, leads.ends.byteLength))
    .update(leads.readAll())
    .digest('base64');
}

/** A row's lead as a string, from every row's bytes (Leads.readAll). */
export function leadAt(leads: { bytes: Buffer; ends: Uint32Array }, row: number): string {
  return leads.bytes.toString('utf16le', leadStart(leads, row), leads.ends[row]!);
}

/** Where a row's lead starts in the leads' bytes. */
function leadStart(leads: Pick<Leads, 'ends'>, row: number): number {
  return row === 0 ? 0 : leads.ends[row - 1]!;
}

/**
 * Walks the rows' sources in order: each run of saved rows one after another (rows `row`… taken from
 * saved rows `first`…, `count` of them) at once, each row read here alone.
 */
function forEachSourceRun({ savedRows }: PrintSources, savedRun: (row: number, first: number, count: number) => void, readHere: (row: number) => void): void {
  for (let row = 0; row < savedRows.length;) {
    const source = savedRows[row]!;
    if (source === READ_HERE) {
      readHere(row);
      row++;
      continue;
    }
    let end = row + 1;
    while (end < savedRows.length && savedRows[end] === source + (end - row)) end++;
    savedRun(row, source, end - row);
    row = end;
  }
}

/**
 * The rows' leads, each from its source: a saved row's bytes copied in runs, a print's read here copied
 * from its column (neither decoded).
 */
export function leadsOf(saved: SavedStoryTable | undefined, sources: PrintSources): Leads {
  const { savedRows, read } = sources;
  // Each row's lead where the saved table has it (an edit that left the leads as they were): its column as it is.
  if (sameRows(saved, sources) && savedRows.every((source, row) => source !== READ_HERE || read.leadBytesOf(row).equals(saved.leads.rowBytes(row))))
    return saved.leads;
  const ends = new Uint32Array(savedRows.length);
  const from = saved?.leads;
  let bytes = 0;
  savedRows.forEach((source, row) => {
    bytes += source !== READ_HERE ? from!.ends[source]! - leadStart(from!, source) : read.leadBytesOf(row).length;
    ends[row] = bytes;
  });
  const out = Buffer.allocUnsafe(bytes);
  forEachSourceRun(
    sources,
    (row, first, count) => from!.readAll().copy(out, leadStart({ ends }, row), leadStart(from!, first), from!.ends[first + count - 1]!),
    (row) => read.leadBytesOf(row).copy(out, leadStart({ ends }, row)),
  );
  return { ends, readAll: () => out };
}

/**
 * Saves the table's prints with each row's store key (undefined: not from the store) and the term
 * frequencies; the leads' file unless `leads` are the saved table's (that file holds them, checked whole).
 * Given the rows' `sources`, a table that took the saved columns (an edit) is written into the saved
 * file in place, its rows read here only (see patchInPlace).
 */
export async function saveStoryTable(
  cacheDir: string,
  code: string,
  table: StoryTable,
  leads: Leads,
  digestOfLeads: string,
  saved: SavedStoryTable | undefined,
  printDigests: Buffer,
  keys: readonly (string | undefined)[],
  frequencies: TermFrequencies,
  sources?: PrintSources,
  disk: DiskWrites = DISK,
): Promise<void> {
  const { count } = table;
  const terms = table.termStarts[count]!;
  const leadBytes = count === 0 ? 0 : leads.ends[count - 1]!;
  // Either file may be written first: both name the leads' digest, and a table is loaded only beside a
  // leads file of its digest, so a save cut between the two leaves a pair that is not trusted.
  if (!saved || leads !== saved.leads) {
    const leadsPath = join(cacheDir, LEADS_FILE);
    const leadsHeader: LeadsHeader = { version: TABLE_VERSION, digest: digestOfLeads, bytes: leadBytes };
    await writeFile(`${leadsPath}.partial`, sectionChunks(leadsHeader, ['leads'], { leads: leads.readAll() }));
    await rename(`${leadsPath}.partial`, leadsPath);
  }
  const header: Omit<Header, 'sections'> = {
    version: TABLE_VERSION,
    code,
    count,
    terms,
    distinct: frequencies.hashes.length,
    leadBytes,
    leadsDigest: digestOfLeads,
  };
  const data: Record<Exclude<Column, 'keys'>, ArrayBufferView> = {
    hasSignature: table.hasSignature,
    shingles: table.shingles,
    termStarts: table.termStarts,
    signatures: table.signatures,
    termHashes: table.termHashes,
    termCounts: table.termCounts,
    frequencyHashes: frequencies.hashes,
    frequencyCounts: frequencies.counts,
    leadEnds: leads.ends,
    printDigests,
  };
  const parts = {} as Record<Column, Uint8Array>;
  for (const [name, size, elements] of columns(count, terms, header.distinct)) {
    if (name !== 'keys') parts[name] = new Uint8Array(data[name].buffer, data[name].byteOffset, size * elements);
  }
  const path = join(cacheDir, TABLE_FILE);
  if (saved && sources && patchInPlace(path, header, parts, table, saved, sources, keys, leads !== saved.leads, disk)) return;
  parts.keys = keysColumn(count, keys);
  await writeFile(`${path}.partial`, sectionChunks(header, COLUMN_NAMES, parts));
  await rename(`${path}.partial`, path);
}

/** The `keys` column of these rows' keys (see KEY_CHARS). */
function keysColumn(count: number, keys: readonly (string | undefined)[]): Uint8Array {
  const column = Buffer.alloc(count * KEY_CHARS);
  for (let row = 0; row < count; row++) writeKey(column, row * KEY_CHARS, keys[row]);
  return column;
}

/** Writes a key into its KEY_CHARS bytes at `at` (left as NULs: none, or one the column cannot keep). */
function writeKey(into: Buffer, at: number, key: string | undefined): void {
  if (key === undefined || key.length > KEY_CHARS || !/^[ -~]*$/.test(key)) return;
  into.write(key, at, 'latin1');
}

/** Where the saved file was, as loaded: a patch in place writes only into that same file. */
export interface FileOnDisk {
  ino: number;
  size: number;
  mtimeMs: number;
  /** The JSON header's length in bytes, and where each section starts. */
  headerBytes: number;
  sectionAt: Record<Column, number>;
  sections: readonly number[];
}

/** How a write in place reaches the disk: positioned writes, and a flush of the file's data. Tests cut it short. */
export interface DiskWrites {
  write(fd: number, bytes: Uint8Array, at: number): void;
  sync(fd: number): void;
}

const DISK: DiskWrites = {
  write: (fd, bytes, at) => {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
  },
  sync: fdatasyncSync,
};

/**
 * Writes the rows read here (each one's print, digest and key), the frequencies and, when the leads
 * changed, their ends into the saved file, and its header last; false (nothing written) unless the table
 * took the saved columns (fillPrints), the header is as long and the file is the one loaded. The length
 * before the header is written first as one no file has, flushed, and back last, after a flush: a build
 * killed or a power loss in between leaves a file that is not loaded (the prints are read from the store
 * again), never one of two builds' rows.
 */
function patchInPlace(
  path: string,
  header: Omit<Header, 'sections'>,
  parts: Readonly<Record<Exclude<Column, 'keys'>, Uint8Array>>,
  table: StoryTable,
  saved: SavedStoryTable,
  { savedRows }: PrintSources,
  keys: readonly (string | undefined)[],
  leadsChanged: boolean,
  disk: DiskWrites,
): boolean {
  const { file } = saved;
  if (table.termHashes !== saved.columns.termHashes || table.count !== saved.count) return false;
  const rows: number[] = [];
  savedRows.forEach((source, row) => source === READ_HERE && rows.push(row));
  if (rows.length > Math.max(PATCHED_ROWS, table.count / 8)) return false;
  // The header as sectionChunks writes it: each section as long as in the file, the JSON as long.
  const sections = columns(header.count, header.terms, header.distinct).map(([, size, elements]) => size * elements);
  if (sections.some((length, at) => length !== file.sections[at])) return false;
  const headerJson = Buffer.from(JSON.stringify({ ...header, sections }));
  if (headerJson.length !== file.headerBytes) return false;
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return false;
  }
  try {
    // The file opened is the one loaded (stat'd through the open file: a rename since cannot slip in), and
    // no hard link shares it (a copy made by linking is written whole, not changed in both places).
    const now = fstatSync(fd);
    if (now.ino !== file.ino || now.size !== file.size || now.mtimeMs !== file.mtimeMs || now.nlink !== 1) return false;
    const write = (bytes: Uint8Array, at: number) => disk.write(fd, bytes, at);
    const lengthBytes = Buffer.alloc(4);
    write(lengthBytes.fill(0xff), 0);
    // On disk before any row: the kernel may write the file's pages in any order.
    disk.sync(fd);
    const { termStarts } = table;
    const key = Buffer.alloc(KEY_CHARS);
    for (const row of rows) {
      // Each column's bytes of this row: [column, first byte, end] in the column.
      const spans: [Exclude<Column, 'keys'>, number, number][] = [
        ['hasSignature', row, row + 1],
        ['shingles', row * 4, row * 4 + 4],
        ['signatures', row * SIGNATURE_SIZE * 4, (row + 1) * SIGNATURE_SIZE * 4],
        ['termHashes', termStarts[row]! * 4, termStarts[row + 1]! * 4],
        ['termCounts', termStarts[row]!, termStarts[row + 1]!],
        ['printDigests', row * ROW_DIGEST_BYTES, (row + 1) * ROW_DIGEST_BYTES],
      ];
      for (const [name, from, to] of spans) if (to > from) write(parts[name].subarray(from, to), file.sectionAt[name] + from);
      key.fill(0);
      writeKey(key, 0, keys[row]);
      write(key, file.sectionAt.keys + row * KEY_CHARS);
    }
    write(parts.frequencyHashes, file.sectionAt.frequencyHashes);
    write(parts.frequencyCounts, file.sectionAt.frequencyCounts);
    if (leadsChanged) write(parts.leadEnds, file.sectionAt.leadEnds);
    write(headerJson, 4);
    disk.sync(fd);
    lengthBytes.writeUInt32LE(headerJson.length);
    write(lengthBytes, 0);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Runs `read` on the file at `path`, open for reading, and closes it. */
function readingFile<T>(path: string, read: (fd: number) => T): T {
  const fd = openSync(path, 'r');
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes of an open file from `at` (a positioned read); undefined when the file ends before. */
function bytesAt(fd: number, at: number, length: number): Buffer | undefined {
  const bytes = Buffer.allocUnsafe(length);
  return readSync(fd, bytes, 0, length, at) === length ? bytes : undefined;
}

/** The leads file's header, with where its bytes start (`at`). */
type SavedLeadsHeader = LeadsHeader & { at: number };

/**
 * An open leads file's header; undefined when there is none, it is not of this version, or the file is
 * not as long as the header says (cut short or grown: not the leads it names).
 */
function leadsHeaderIn(fd: number): SavedLeadsHeader | undefined {
  const size = fstatSync(fd).size;
  const length = bytesAt(fd, 0, 4)?.readUInt32LE(0);
  // Bounded by the file's size before it is read: a damaged length allocates nothing.
  if (length === undefined || 4 + length > size) return undefined;
  const json = bytesAt(fd, 4, length);
  if (!json) return undefined;
  let header: LeadsHeader;
  try {
    header = JSON.parse(json.toString('utf8')) as LeadsHeader;
  } catch {
    return undefined;
  }
  const at = 4 + padded(length);
  return header.version === TABLE_VERSION && size === at + padded(header.bytes) ? { ...header, at } : undefined;
}

/** The leads file's header, read alone (see leadsHeaderIn); undefined too when the file cannot be read. */
function leadsHeaderOf(path: string): SavedLeadsHeader | undefined {
  try {
    return readingFile(path, leadsHeaderIn);
  } catch {
    return undefined;
  }
}

/**
 * The saved leads, their bytes read from the leads file when asked for: a row's alone, or all of them
 * (then kept). The file is checked again at the whole read: one saved over since (other leads, or cut
 * short) fails the build rather than hand it another build's leads.
 */
function savedLeads(path: string, header: SavedLeadsHeader, ends: Uint32Array): SavedLeads {
  let bytes: Buffer | undefined;
  const cutShort = () => new Error(`${path}: cut short`);
  return {
    ends,
    rowBytes: (row) => {
      const [start, end] = [leadStart({ ends }, row), ends[row]!];
      if (bytes) return bytes.subarray(start, end);
      const read = readingFile(path, (fd) => bytesAt(fd, header.at + start, end - start));
      if (!read) throw cutShort();
      return read;
    },
    readAll: () =>
      (bytes ??= readingFile(path, (fd) => {
        const now = leadsHeaderIn(fd);
        if (now?.digest !== header.digest || now.at !== header.at || now.bytes !== header.bytes) throw new Error(`${path} changed while the build read it`);
        const read = bytesAt(fd, header.at, header.bytes);
        if (!read) throw cutShort();
        return read;
      })),
  };
}

/** The last build's table, or undefined when there is none, or it is of other code or damaged. */
export function loadStoryTable(cacheDir: string, code: string): SavedStoryTable | undefined {
  try {
    const path = join(cacheDir, TABLE_FILE);
    const { file, stats } = readingFile(path, (fd) => ({ stats: fstatSync(fd), file: readFileSync(fd) }));
    // Aligned for the 32-bit columns: the file may be a slice of Node's shared pool, not at offset 0; every
    // view is bounded to it, and no column's buffer is transferred.
    const bytes = file.byteOffset % 4 === 0 ? file : new Uint8Array(file);
    const read = readSections<Header, Column>(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), COLUMN_NAMES);
    if (read?.header.version !== TABLE_VERSION || read.header.code !== code) return undefined;
    const { header, sections } = read;
    const { count } = header;
    if (!Number.isInteger(count) || count < 0) return undefined;
    const views = {} as Record<Column, Uint8Array | Uint32Array>;
    for (const [name, size, elements] of columns(count, header.terms, header.distinct)) {
      const section = sections[name];
      // A column of another length than the header's counts: not this writer's file.
      if (section.length !== size * elements) return undefined;
      views[name] = size === 4 ? new Uint32Array(section.buffer, section.byteOffset, elements) : new Uint8Array(section.buffer, section.byteOffset, elements);
    }
    const leadEnds = views.leadEnds as Uint32Array;
    if ((count === 0 ? 0 : leadEnds[count - 1]) !== header.leadBytes) return undefined;
    const leadsPath = join(cacheDir, LEADS_FILE);
    const leadsHeader = leadsHeaderOf(leadsPath);
    if (leadsHeader?.digest !== header.leadsDigest || leadsHeader.bytes !== header.leadBytes) return undefined;
    const onDisk = fileOnDisk(stats, file.readUInt32LE(0), header.sections);
    return savedTable(header, views, sections.keys.toString('latin1'), savedLeads(leadsPath, leadsHeader, leadEnds), onDisk);
  } catch {
    return undefined;
  }
}

/** Where each section of a file of these section lengths starts, after a header of `headerBytes` (see readSections). */
function fileOnDisk({ ino, size, mtimeMs }: Stats, headerBytes: number, sections: readonly number[]): FileOnDisk {
  const sectionAt = {} as Record<Column, number>;
  let at = 4 + padded(headerBytes);
  COLUMN_NAMES.forEach((name, n) => {
    sectionAt[name] = at;
    at += padded(sections[n]!);
  });
  return { ino, size, mtimeMs, headerBytes, sectionAt, sections };
}

/** `keys`: the keys column as one Latin-1 string, KEY_CHARS a row. */
function savedTable(header: Header, views: Record<Column, Uint8Array | Uint32Array>, keys: string, leads: SavedLeads, file: FileOnDisk): SavedStoryTable {
  const { count } = header;
  const starts = views.termStarts as Uint32Array;
  // Whether the row's key is `key` (a shorter key is followed by a NUL), read in place: no string a row
  // while lookups scan; mapping the keys (rowsByKey) makes one a row.
  const isKeyOf = (row: number, key: string) =>
    keys.startsWith(key, row * KEY_CHARS) && (key.length === KEY_CHARS || keys.charCodeAt(row * KEY_CHARS + key.length) === 0);
  // Rows by store key, made at the SCANS_BEFORE_MAP-th key not at its hint: an edit misses once or twice,
  // and a scan costs less than mapping every key when only a few lookups miss.
  let misses = 0;
  let rowsOf: Map<string, number[]> | undefined;
  const rowsByKey = () => {
    const map = new Map<string, number[]>();
    for (let row = 0; row < count; row++) {
      // A NUL is looked for within the row's own characters: the column usually has none at all.
      let key = keys.slice(row * KEY_CHARS, (row + 1) * KEY_CHARS);
      const nul = key.indexOf('\0');
      if (nul >= 0) key = key.slice(0, nul);
      if (key === '') continue;
      const rows = map.get(key);
      if (rows) rows.push(row);
      else map.set(key, [row]);
    }
    return map;
  };
  const rowOf = (key: string, hint: number, taken: Uint8Array) => {
    if (key === '' || key.length > KEY_CHARS) return undefined;
    if (hint < count && isKeyOf(hint, key) && !taken[hint]) return hint;
    if (!rowsOf && ++misses < SCANS_BEFORE_MAP) {
      for (let at = keys.indexOf(key); at >= 0; at = keys.indexOf(key, at + 1)) {
        const row = at / KEY_CHARS;
        if (Number.isInteger(row) && isKeyOf(row, key) && !taken[row]) return row;
      }
      return undefined;
    }
    return (rowsOf ??= rowsByKey()).get(key)?.find((row) => !taken[row]);
  };
  const termsOf = (row: number) => (views.termHashes as Uint32Array).subarray(starts[row]!, starts[row + 1]!);
  return {
    count,
    leads,
    leadsDigest: header.leadsDigest,
    printDigests: Buffer.from(views.printDigests.buffer, views.printDigests.byteOffset, views.printDigests.byteLength),
    frequencies: { hashes: views.frequencyHashes as Uint32Array, counts: views.frequencyCounts as Uint32Array },
    rowOf,
    termsOf,
    file,
    columns: {
      hasSignature: views.hasSignature as Uint8Array,
      shingles: views.shingles as Uint32Array,
      termStarts: starts,
      signatures: views.signatures as Uint32Array,
      termHashes: views.termHashes as Uint32Array,
      termCounts: views.termCounts as Uint8Array,
    },
  };
}

/**
 * Whether every row is the saved table's row of the same number or a print read here (an edit): the
 * saved columns can then be the table's, with those rows written over.
 */
function sameRows(saved: SavedStoryTable | undefined, { savedRows }: PrintSources): saved is SavedStoryTable {
  return saved !== undefined && saved.count === savedRows.length && savedRows.every((source, row) => source === READ_HERE || source === row);
}

function termCountOf(columns: SavedStoryTable['columns'], row: number): number {
  return columns.termStarts[row + 1]! - columns.termStarts[row]!;
}

/**
 * The saved columns as the table's (no copy: the file's buffer is this build's), each print read here
 * written over its row; the rows' term counts are the saved ones. The saved rows written over are then
 * the new prints: their old terms must be taken (termsOf) before.
 */
function takeSavedColumns(table: StoryTable, saved: SavedStoryTable, { savedRows, read }: PrintSources): void {
  const { signatures, hasSignature, shingles, termStarts, termHashes, termCounts } = saved.columns;
  Object.assign(table, { signatures, hasSignature, shingles, termStarts, termHashes, termCounts });
  savedRows.forEach((source, row) => {
    if (source !== READ_HERE) return;
    const signature = read.signatureOf(row);
    signatures.fill(0, row * SIGNATURE_SIZE, (row + 1) * SIGNATURE_SIZE);
    if (signature) signatures.set(signature, row * SIGNATURE_SIZE);
    hasSignature[row] = signature ? 1 : 0;
    shingles[row] = read.shinglesOf(row);
    termHashes.set(read.termHashesOf(row), termStarts[row]!);
    termCounts.set(read.termCountsOf(row), termStarts[row]!);
  });
}

/** Each row's print digest (see printDigests): a saved row's copied, in runs, the others' made from the filled table. */
export function printDigestsOf(table: StoryTable, saved: SavedStoryTable | undefined, sources: PrintSources): Buffer {
  if (!saved) return printDigests(table);
  const digests = Buffer.alloc(sources.savedRows.length * ROW_DIGEST_BYTES);
  const made: number[] = [];
  forEachSourceRun(
    sources,
    (row, first, count) => saved.printDigests.copy(digests, row * ROW_DIGEST_BYTES, first * ROW_DIGEST_BYTES, (first + count) * ROW_DIGEST_BYTES),
    (row) => made.push(row),
  );
  return printDigests(table, made, digests);
}

/**
 * Empties a table, its columns let go: whatever still holds the table object (a caller's stack frame)
 * then holds nothing large. A cold extras pass's table is not read once its pairs are found.
 * Here, not in same-story.ts: that module is the parse's, and a change there would reparse every post.
 */
export function emptyStoryTable(table: StoryTable): void {
  table.count = 0;
  table.ids.length = 0;
  table.titles.length = 0;
  table.times = new Float64Array(1);
  table.outlets = new Int32Array(1);
  table.signatures = new Uint32Array(SIGNATURE_SIZE);
  table.hasSignature = new Uint8Array(1);
  table.shingles = new Uint32Array(1);
  table.termStarts = new Uint32Array(2);
  table.termHashes = new Uint32Array(0);
  table.termCounts = new Uint8Array(0);
}

/** A row whose print is not the saved table's (see PrintSources). */
export const READ_HERE = -1;

/**
 * Where each row's print comes from: `savedRows[row]`, a row of the saved table, or (READ_HERE) the print
 * read in this build, which `read` holds.
 */
export interface PrintSources {
  savedRows: Int32Array;
  read: PrintColumns;
}

/**
 * Fills the print columns of a table whose rows were added without prints, each row from its source;
 * the saved table's rows in runs, a column at a time rather than row by row.
 */
export function fillPrints(table: StoryTable, saved: SavedStoryTable | undefined, sources: PrintSources): void {
  // Its term columns are replaced whole: a row that had terms would lose them.
  if (table.termStarts[table.count] !== 0) throw new Error('fillPrints: the table already holds prints');
  const { savedRows, read } = sources;
  if (sameRows(saved, sources) && savedRows.every((source, row) => source !== READ_HERE || read.termHashesOf(row).length === termCountOf(saved.columns, row))) {
    takeSavedColumns(table, saved, sources);
    return;
  }
  const from = saved?.columns;
  let terms = 0;
  savedRows.forEach((source, row) => {
    terms += source !== READ_HERE ? from!.termStarts[source + 1]! - from!.termStarts[source]! : read.termHashesOf(row).length;
  });
  table.termHashes = new Uint32Array(Math.max(1, terms));
  table.termCounts = new Uint8Array(Math.max(1, terms));
  const { signatures, hasSignature, shingles, termStarts, termHashes, termCounts } = table;
  termStarts[0] = 0;
  forEachSourceRun(
    sources,
    (row, first, count) => {
      // A run of saved rows one after another: each column copied whole.
      const last = first + count;
      signatures.set(from!.signatures.subarray(first * SIGNATURE_SIZE, last * SIGNATURE_SIZE), row * SIGNATURE_SIZE);
      hasSignature.set(from!.hasSignature.subarray(first, last), row);
      shingles.set(from!.shingles.subarray(first, last), row);
      const [termsFrom, termsTo] = [from!.termStarts[first]!, from!.termStarts[last]!];
      termHashes.set(from!.termHashes.subarray(termsFrom, termsTo), termStarts[row]!);
      termCounts.set(from!.termCounts.subarray(termsFrom, termsTo), termStarts[row]!);
      const shift = termStarts[row]! - termsFrom;
      for (let at = 0; at < count; at++) termStarts[row + at + 1] = from!.termStarts[first + at + 1]! + shift;
    },
    (row) => {
      const signature = read.signatureOf(row);
      if (signature) {
        signatures.set(signature, row * SIGNATURE_SIZE);
        hasSignature[row] = 1;
      }
      shingles[row] = read.shinglesOf(row);
      const hashes = read.termHashesOf(row);
      termHashes.set(hashes, termStarts[row]!);
      termCounts.set(read.termCountsOf(row), termStarts[row]!);
      termStarts[row + 1] = termStarts[row]! + hashes.length;
    },
  );
}
