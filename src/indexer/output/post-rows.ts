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
import { ownBuffer, readCacheFile, readDataText, readSections, sectionChunks, type SectionsHeader } from './data-file.ts';
import type { Rows } from './extras-files.ts';
import { ROW_DIGEST_BYTES, RowDigest } from './extras-state.ts';

const ROWS_FILE = 'extras-rows.bin';
/** The file of earlier versions (JSON, parsed whole): removed when the rows are next saved. */
const OLD_ROWS_FILE = 'extras-rows.json';
/** Bumped when the file's shape changes. */
const ROWS_VERSION = 6;
/**
 * A shard changed less than this before the file was saved is read again all the same: a rewrite of the
 * same size within one tick of a coarse file clock (2 s on FAT) would keep its time.
 */
const COARSE_CLOCK_MS = 2000;
/** Half a surrogate pair: in unicode mode a pair is one code point, so only a lone half matches. */
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The file, in the layout of the cache's files of sections (see readSections in data-file.ts): a JSON
 * header (the shards read, with size and time each, in shard order, and the tag lists), then each field's
 * values joined by line breaks (ids are file-name slugs, dates ISO strings; a title with one is not saved),
 * each row's tag list as a 32-bit number and its shown digest: no JSON to parse for the 64k-item fields.
 */
interface Header extends SectionsHeader {
  version: number;
  /** The extras' code (see extrasCode) that made the shown digests: other code, other digests. */
  code: string;
  /** When the file was saved (ms since the epoch): see COARSE_CLOCK_MS. */
  savedAtMs: number;
  /** The data folder whose shards these are. */
  dataRoot: string;
  shardSize: number;
  shards: [size: number, mtimeMs: number][];
  tagLists: string[][];
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
const SECTION_ENCODING = { ids: 'utf16le', dates: 'utf8', titles: 'utf16le' } as const;

/** The saved rows, their fields split. */
interface SavedRows extends Omit<Header, 'version' | 'code' | 'sections'> {
  ids: string[];
  dates: string[];
  titles: string[];
  tags: Uint32Array;
  shown: Buffer;
}

/** The rows, with each row's digest of what an entry shows of it (see shownDigests). */
export type RowsWithShown = Rows & { shown: Buffer };

/** Where the rows are kept between builds: the build cache, and the extras' code (extrasCode) that digests them. */
export interface RowsCache {
  dir: string;
  code: string;
}

/** The posts of the metadata shards, by row (counted from the oldest); the cache read and saved when given. */
export async function rowsOfPosts(dataRoot: string, manifest: Manifest, cache?: RowsCache): Promise<RowsWithShown> {
  const saved = cache ? loadRows(cache, dataRoot, manifest.shardSize) : undefined;
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
    shownDigests(rows, { from: digested, to: from, into: shown });
    saved!.shown.copy(shown, from * ROW_DIGEST_BYTES, from * ROW_DIGEST_BYTES, to * ROW_DIGEST_BYTES);
    digested = to;
  }
  shownDigests(rows, { from: digested, into: shown });
  const withShown = { ...rows, shown };
  const unchanged = saved !== undefined && shardsRead === 0 && saved.shards.length === shards.length;
  if (cache && !unchanged) await saveRows(cache, { dataRoot, shardSize: manifest.shardSize, shards }, withShown);
  return withShown;
}

/**
 * Each row's digest of what an entry shows of it, its title, date and tags (RowDigest), for rows
 * [`from`, `to`) into `into` (by default every row, into a new buffer): a post's entry is made again when
 * a post it lists changed its; same story weighs a row again when its changed.
 */
export function shownDigests(rows: Rows, { from = 0, to = rows.ids.length, into = Buffer.alloc(rows.ids.length * ROW_DIGEST_BYTES) } = {}): Buffer {
  const digest = new RowDigest();
  for (let row = from; row < to; row++) {
    digest.start();
    digest.text(rows.titles[row]!);
    digest.text(rows.dates[row]!);
    for (const tag of rows.tags[row]!) digest.text(tag);
    digest.end(into, row * ROW_DIGEST_BYTES);
  }
  return into;
}

function addRow(rows: Rows, row: number, id: string, title: string, date: string, tags: string[]): void {
  rows.ids[row] = id;
  rows.titles[row] = title;
  rows.dates[row] = date;
  rows.tags[row] = tags;
  rows.rowOf.set(id, row);
}

/**
 * The saved rows, their fields split; undefined when there are none, or of another folder, shard size,
 * code or version, or damaged.
 */
function loadRows({ dir, code }: RowsCache, dataRoot: string, shardSize: number): SavedRows | undefined {
  try {
    const read = readSections<Header, (typeof SECTIONS)[number]>(readCacheFile(join(dir, ROWS_FILE)), SECTIONS);
    if (!read) return undefined;
    const { version, code: savedCode, sections: _, ...header } = read.header;
    if (version !== ROWS_VERSION || savedCode !== code || header.dataRoot !== dataRoot || header.shardSize !== shardSize) return undefined;
    const fields = (name: keyof typeof SECTION_ENCODING) => {
      const bytes = read.sections[name];
      return bytes.length === 0 ? [] : bytes.toString(SECTION_ENCODING[name]).split('\n');
    };
    const ids = fields('ids');
    const dates = fields('dates');
    const titles = fields('titles');
    const { tags: tagBytes, shown } = read.sections;
    if (tagBytes.length % 4 !== 0) return undefined;
    const tags = new Uint32Array(ownBuffer(tagBytes));
    // Every field a row, as many rows as the shards hold: a file not of one build is not trusted.
    if (![dates.length, titles.length, tags.length, shown.length / ROW_DIGEST_BYTES].every((length) => length === ids.length)) return undefined;
    if (ids.length > header.shards.length * shardSize || (ids.length > 0 && ids.length <= (header.shards.length - 1) * shardSize)) return undefined;
    if (tags.some((list) => header.tagLists[list] === undefined)) return undefined;
    return { ...header, ids, dates, titles, tags, shown };
  } catch {
    return undefined;
  }
}

async function saveRows({ dir, code }: RowsCache, source: Pick<Header, 'dataRoot' | 'shardSize' | 'shards'>, rows: RowsWithShown): Promise<void> {
  const path = join(dir, ROWS_FILE);
  await rm(join(dir, OLD_ROWS_FILE), { force: true });
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
    ids: Buffer.from(rows.ids.join('\n'), SECTION_ENCODING.ids),
    dates: Buffer.from(rows.dates.join('\n'), SECTION_ENCODING.dates),
    titles: Buffer.from(rows.titles.join('\n'), SECTION_ENCODING.titles),
    tags: new Uint8Array(tags.buffer, tags.byteOffset, tags.byteLength),
    shown: rows.shown,
  };
  const header: Omit<Header, 'sections'> = { version: ROWS_VERSION, code, savedAtMs: Date.now(), ...source, tagLists };
  await mkdir(dir, { recursive: true });
  await writeFile(`${path}.partial`, sectionChunks(header, SECTIONS, parts));
  await rename(`${path}.partial`, path);
}

/** Whether a string holds half a surrogate pair (a title's `\uD800` in YAML): UTF-8 cannot keep it. */
function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}
