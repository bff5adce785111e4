/**
 * Each post's row, id, title, date and tags, as the metadata shards list them, for the extras, with
 * each row's digest of them (shownDigests). The shards hold every post's excerpt too: what the extras
 * take of them is kept in the build cache (`extras-rows.bin`) with each shard's size and time, and a
 * rebuild reads again, and digests, only the shards it finds otherwise (an edit: one).
 */
import { statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shardFile, type Manifest, type MetaShard } from '../../shared/types.ts';
import { readCacheFile, readDataText } from './data-file.ts';
import { shownDigests, type Rows } from './extras-files.ts';
import { ROW_DIGEST_BYTES } from './extras-state.ts';

const ROWS_FILE = 'extras-rows.bin';
/** The file of earlier versions (JSON, parsed whole): removed when the rows are next saved. */
const OLD_ROWS_FILE = 'extras-rows.json';
/** Bumped when the file's shape changes. */
const ROWS_VERSION = 5;
/**
 * A shard changed less than this before the file was saved is read again all the same: a rewrite of the
 * same size within one tick of a coarse file clock (2 s on FAT) would keep its time.
 */
const COARSE_CLOCK_MS = 2000;
/** Half a surrogate pair: in unicode mode a pair is one code point, so only a lone half matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The file: a 4-byte length, a JSON header (the shards read, with size and time each, in shard order, and
 * the tag lists), then each field's values joined by line breaks (ids are file-name slugs, dates ISO
 * strings; a title with one is not saved) and each row's tag list as a 32-bit number: no JSON to parse
 * for the 64k-item fields.
 */
interface Header {
  version: number;
  /** When the file was saved (ms since the epoch): see COARSE_CLOCK_MS. */
  savedAtMs: number;
  /** The data folder whose shards these are. */
  dataRoot: string;
  shardSize: number;
  shards: [size: number, mtimeMs: number][];
  tagLists: string[][];
  /** Each section's length in bytes, in file order (see SECTIONS). */
  sections: number[];
}

/**
 * The binary sections in file order: the ids, dates and titles joined (see SECTION_ENCODING), each row's
 * tags (a number in `tagLists`, 32-bit), each row's shown digest (ROW_DIGEST_BYTES).
 */
const SECTIONS = ['ids', 'dates', 'titles', 'tags', 'shown'] as const;
/**
 * The joined sections' encodings: ids and titles (CJK mostly) as the strings hold them, UTF-16: decoding
 * UTF-16 is a copy, UTF-8 a transcode; dates are ASCII.
 */
const SECTION_ENCODING = ['utf16le', 'utf8', 'utf16le'] as const;

/** The saved rows, their fields split. */
interface SavedRows extends Omit<Header, 'version' | 'sections'> {
  ids: string[];
  dates: string[];
  titles: string[];
  tags: Uint32Array;
  shown: Buffer;
}

/** The rows, with each row's digest of what an entry shows of it (see shownDigests). */
export type RowsWithShown = Rows & { shown: Buffer };

/** The posts of the metadata shards, by row (counted from the oldest); the cache read and saved when `cacheDir` is given. */
export async function rowsOfPosts(dataRoot: string, manifest: Manifest, cacheDir?: string): Promise<RowsWithShown> {
  const saved = cacheDir ? loadRows(cacheDir, dataRoot, manifest.shardSize) : undefined;
  const rows: Rows = { ids: [], titles: [], dates: [], tags: [], rowOf: new Map() };
  // Tag lists are few and repeated (an outlet, a few sections): one array each.
  const tagLists = new Map<string, string[]>();
  const tagsOf = (tags: string[]) => {
    const key = tags.join('\n');
    let list = tagLists.get(key);
    if (!list) tagLists.set(key, (list = tags));
    return list;
  };
  // The saved rows' tag lists, each made one of this build's once (not once a row).
  const savedTagLists = saved?.tagLists.map(tagsOf);
  const shards: Header['shards'] = [];
  let shardsRead = 0;
  // The rows copied from the saved rows, whose shown digests are copied too: [from, to).
  const copied: [number, number][] = [];
  for (let shard = 0; shard < manifest.shardCount; shard++) {
    const path = join(dataRoot, shardFile(shard));
    // Synchronous: small stats, one a shard, as the extras' other stats.
    const { size, mtimeMs } = statSync(path);
    shards.push([size, mtimeMs]);
    const first = shard * manifest.shardSize;
    const savedStat = saved?.shards[shard];
    if (saved && savedStat && savedStat[0] === size && savedStat[1] === mtimeMs && mtimeMs < saved.savedAtMs - COARSE_CLOCK_MS) {
      const end = Math.min(first + manifest.shardSize, saved.ids.length);
      for (let row = first; row < end; row++) {
        addRow(rows, row, saved.ids[row]!, saved.titles[row]!, saved.dates[row]!, savedTagLists![saved.tags[row]!]!);
      }
      copied.push([first, end]);
      continue;
    }
    const { posts } = JSON.parse(await readDataText(path)) as MetaShard;
    posts.forEach((post, offset) => addRow(rows, first + offset, post.id, post.title, post.date, tagsOf(post.tags)));
    shardsRead++;
  }
  const shown = Buffer.alloc(rows.ids.length * ROW_DIGEST_BYTES);
  let digested = 0;
  for (const [from, to] of copied) {
    shownDigests(rows, digested, from, shown);
    saved!.shown.copy(shown, from * ROW_DIGEST_BYTES, from * ROW_DIGEST_BYTES, to * ROW_DIGEST_BYTES);
    digested = to;
  }
  shownDigests(rows, digested, rows.ids.length, shown);
  const withShown = { ...rows, shown };
  const unchanged = saved !== undefined && shardsRead === 0 && saved.shards.length === shards.length;
  if (cacheDir && !unchanged) await saveRows(cacheDir, { dataRoot, shardSize: manifest.shardSize, shards }, withShown);
  return withShown;
}

function addRow(rows: Rows, row: number, id: string, title: string, date: string, tags: string[]): void {
  rows.ids[row] = id;
  rows.titles[row] = title;
  rows.dates[row] = date;
  rows.tags[row] = tags;
  rows.rowOf.set(id, row);
}

/** The saved rows, their fields split; undefined when there are none, or of another folder, shard size or version, or damaged. */
function loadRows(cacheDir: string, dataRoot: string, shardSize: number): SavedRows | undefined {
  try {
    const file = readCacheFile(join(cacheDir, ROWS_FILE));
    const headerLength = file.readUInt32LE(0);
    const { version, sections, ...header } = JSON.parse(file.toString('utf8', 4, 4 + headerLength)) as Header;
    if (version !== ROWS_VERSION || header.dataRoot !== dataRoot || header.shardSize !== shardSize || sections.length !== SECTIONS.length) return undefined;
    const parts: Buffer[] = [];
    let at = 4 + headerLength;
    for (const length of sections) {
      if (!Number.isInteger(length) || length < 0 || at + length > file.length) return undefined;
      parts.push(file.subarray(at, at + length));
      at += length;
    }
    // A file cut short, or with bytes after its sections, is not trusted.
    if (at !== file.length) return undefined;
    const [ids, dates, titles] = parts.slice(0, 3).map((bytes, at) => (bytes.length === 0 ? [] : bytes.toString(SECTION_ENCODING[at]!).split('\n'))) as [
      string[],
      string[],
      string[],
    ];
    const [tagBytes, shown] = [parts[3]!, parts[4]!];
    if (tagBytes.length % 4 !== 0) return undefined;
    const tags = new Uint32Array(tagBytes.buffer.slice(tagBytes.byteOffset, tagBytes.byteOffset + tagBytes.byteLength));
    // Every field a row, as many rows as the shards hold: a file not of one build is not trusted.
    if (![dates.length, titles.length, tags.length, shown.length / ROW_DIGEST_BYTES].every((length) => length === ids.length)) return undefined;
    if (ids.length > header.shards.length * shardSize || (ids.length > 0 && ids.length <= (header.shards.length - 1) * shardSize)) return undefined;
    if (tags.some((list) => header.tagLists[list] === undefined)) return undefined;
    return { ...header, ids, dates, titles, tags, shown };
  } catch {
    return undefined;
  }
}

async function saveRows(cacheDir: string, source: Pick<Header, 'dataRoot' | 'shardSize' | 'shards'>, rows: RowsWithShown): Promise<void> {
  const path = join(cacheDir, ROWS_FILE);
  await rm(join(cacheDir, OLD_ROWS_FILE), { force: true });
  // A title with a line break would split in two, a date's lone surrogate would not come back from UTF-8
  // (the ids' and titles' UTF-16 would keep one; rare, so one check for all): such rows are read from the shards.
  if (rows.titles.some((title) => title.includes('\n')) || [rows.ids, rows.dates, rows.titles].some((field) => field.some(hasLoneSurrogate))) {
    await rm(path, { force: true });
    return;
  }
  const tagLists: string[][] = [];
  const listNumber = new Map<string[], number>();
  const tags = Uint32Array.from(rows.tags, (list) => {
    let number = listNumber.get(list);
    if (number === undefined) listNumber.set(list, (number = tagLists.push(list) - 1));
    return number;
  });
  const parts: Record<(typeof SECTIONS)[number], Uint8Array> = {
    ids: Buffer.from(rows.ids.join('\n'), SECTION_ENCODING[0]),
    dates: Buffer.from(rows.dates.join('\n'), SECTION_ENCODING[1]),
    titles: Buffer.from(rows.titles.join('\n'), SECTION_ENCODING[2]),
    tags: new Uint8Array(tags.buffer, tags.byteOffset, tags.byteLength),
    shown: rows.shown,
  };
  const header: Header = { version: ROWS_VERSION, savedAtMs: Date.now(), ...source, tagLists, sections: SECTIONS.map((name) => parts[name].length) };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${path}.partial`, [length, headerBytes, ...SECTIONS.map((name) => parts[name])]);
  await rename(`${path}.partial`, path);
}

/** Whether a string holds half a surrogate pair (a title's `\uD800` in YAML): UTF-8 cannot keep it. */
function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
