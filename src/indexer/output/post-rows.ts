/**
 * Each post's row, id, title, date and tags, as the metadata shards list them, for the extras. The
 * shards hold every post's excerpt too: what the extras take of them is kept in the build cache
 * (`extras-rows.json`) with each shard's size and time, and a rebuild reads again only the shards it
 * finds otherwise (an edit: one).
 */
import { statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shardFile, type Manifest, type MetaShard } from '../../shared/types.ts';
import { readDataText } from './data-file.ts';
import type { Rows } from './extras-files.ts';

const ROWS_FILE = 'extras-rows.json';
/** Bumped when the file's shape changes. */
const ROWS_VERSION = 2;
/**
 * A shard changed less than this before the file was saved is read again all the same: a rewrite of the
 * same size within one tick of a coarse file clock (2 s on FAT) would keep its time.
 */
const COARSE_CLOCK_MS = 2000;

/** The file: the shards read (size and time each, in shard order) and their posts' fields, row by row. */
interface SavedRows {
  version: number;
  /** When the file was saved (ms since the epoch): see COARSE_CLOCK_MS. */
  savedAtMs: number;
  /** The data folder whose shards these are. */
  dataRoot: string;
  shardSize: number;
  shards: [size: number, mtimeMs: number][];
  /** Each field's values joined by line breaks (ids are file-name slugs, dates ISO strings; a title with one is not saved). */
  ids: string;
  dates: string;
  titles: string;
  /** Each row's tags, as a number in `tagLists`. */
  tags: number[];
  tagLists: string[][];
}

/** The posts of the metadata shards, by row (counted from the oldest); the cache read and saved when `cacheDir` is given. */
export async function rowsOfPosts(dataRoot: string, manifest: Manifest, cacheDir?: string): Promise<Rows> {
  const saved = cacheDir ? await loadRows(cacheDir, dataRoot, manifest.shardSize) : undefined;
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
  const shards: SavedRows['shards'] = [];
  let shardsRead = 0;
  for (let shard = 0; shard < manifest.shardCount; shard++) {
    const path = join(dataRoot, shardFile(shard));
    // Synchronous: small stats, one a shard, as the extras' other stats.
    const { size, mtimeMs } = statSync(path);
    shards.push([size, mtimeMs]);
    const first = shard * manifest.shardSize;
    const savedStat = saved?.shards[shard];
    if (saved && savedStat && savedStat[0] === size && savedStat[1] === mtimeMs && mtimeMs < saved.savedAtMs - COARSE_CLOCK_MS) {
      for (let row = first; row < Math.min(first + manifest.shardSize, saved.ids.length); row++) {
        addRow(rows, row, saved.ids[row]!, saved.titles[row]!, saved.dates[row]!, savedTagLists![saved.tags[row]!]!);
      }
      continue;
    }
    const { posts } = JSON.parse(await readDataText(path)) as MetaShard;
    posts.forEach((post, offset) => addRow(rows, first + offset, post.id, post.title, post.date, tagsOf(post.tags)));
    shardsRead++;
  }
  const unchanged = saved !== undefined && shardsRead === 0 && saved.shards.length === shards.length;
  if (cacheDir && !unchanged) await saveRows(cacheDir, { dataRoot, shardSize: manifest.shardSize, shards }, rows);
  return rows;
}

function addRow(rows: Rows, row: number, id: string, title: string, date: string, tags: string[]): void {
  rows.ids[row] = id;
  rows.titles[row] = title;
  rows.dates[row] = date;
  rows.tags[row] = tags;
  rows.rowOf.set(id, row);
}

/** The saved rows, their fields split; undefined when there are none, or of another folder, shard size or version, or damaged. */
async function loadRows(
  cacheDir: string,
  dataRoot: string,
  shardSize: number,
): Promise<(Omit<SavedRows, 'ids' | 'dates' | 'titles'> & { ids: string[]; dates: string[]; titles: string[] }) | undefined> {
  try {
    const saved = JSON.parse(await readFile(join(cacheDir, ROWS_FILE), 'utf8')) as SavedRows;
    if (saved.version !== ROWS_VERSION || saved.dataRoot !== dataRoot || saved.shardSize !== shardSize) return undefined;
    const ids = saved.ids === '' ? [] : saved.ids.split('\n');
    const dates = saved.dates === '' ? [] : saved.dates.split('\n');
    const titles = saved.titles === '' ? [] : saved.titles.split('\n');
    // Every field a row: a file not of one build is not trusted.
    if (![dates.length, titles.length, saved.tags.length].every((length) => length === ids.length)) return undefined;
    if (saved.tags.some((list) => saved.tagLists[list] === undefined)) return undefined;
    return { ...saved, ids, dates, titles };
  } catch {
    return undefined;
  }
}

async function saveRows(cacheDir: string, source: Pick<SavedRows, 'dataRoot' | 'shardSize' | 'shards'>, rows: Rows): Promise<void> {
  const path = join(cacheDir, ROWS_FILE);
  // A title with a line break would split in two: such rows are read from the shards, every build.
  if (rows.titles.some((title) => title.includes('\n'))) {
    await rm(path, { force: true });
    return;
  }
  const tagLists: string[][] = [];
  const listNumber = new Map<string[], number>();
  const tags = rows.tags.map((list) => {
    let number = listNumber.get(list);
    if (number === undefined) listNumber.set(list, (number = tagLists.push(list) - 1));
    return number;
  });
  const saved: SavedRows = {
    version: ROWS_VERSION,
    savedAtMs: Date.now(),
    ...source,
    ids: rows.ids.join('\n'),
    dates: rows.dates.join('\n'),
    titles: rows.titles.join('\n'),
    tags,
    tagLists,
  };
  await mkdir(cacheDir, { recursive: true });
  await writeFile(`${path}.partial`, JSON.stringify(saved));
  await rename(`${path}.partial`, path);
}
