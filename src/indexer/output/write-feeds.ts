/**
 * Writes the Atom feeds (see plan/feeds.ts) from a written index: the newest rows of the archive and of
 * each tag are read back from the output's own shards, tag lists and post buckets, so that the feeds
 * follow whatever build (full or patched) wrote them. A feed whose XML is unchanged is not written again:
 * its file keeps its time, and a deploy does not carry it.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  postBucketFile,
  postInBucket,
  shardFile,
  type Manifest,
  type MetaShard,
  type PostBucket,
  type PostMeta,
  type TagPostList,
} from '../../shared/types.ts';
import { readDataText } from './data-file.ts';
import { FEED_ENTRIES, FEED_FOLDER, feedPath, makeAtomFeed, type FeedPost, type FeedSite } from '../plan/feeds.ts';

export interface WrittenFeeds {
  written: number;
  unchanged: number;
  removed: number;
  /** Path under `data/` of every feed, the archive's first. */
  paths: string[];
}

export async function writeFeeds(dataRoot: string, site: FeedSite): Promise<WrittenFeeds> {
  const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readDataText(join(dataRoot, path))) as T;
  const manifest = await readJson<Manifest>('manifest.json');
  const shards = new Map<number, Promise<MetaShard>>();
  const metaOfRow = async (row: number): Promise<PostMeta> => {
    const shard = Math.floor(row / manifest.shardSize);
    if (!shards.has(shard)) shards.set(shard, readJson<MetaShard>(shardFile(shard)));
    return (await shards.get(shard)!).posts[row % manifest.shardSize]!;
  };
  const originals = new Map<string, Promise<string | undefined>>();
  const originalOf = (id: string) => {
    let url = originals.get(id);
    if (!url) originals.set(id, (url = readJson<PostBucket>(postBucketFile(id, manifest.postBuckets)).then((bucket) => postInBucket(bucket, id)?.originalUrl)));
    return url;
  };
  const postsOfRows = (rows: readonly number[]) =>
    Promise.all(
      rows.map(async (row): Promise<FeedPost> => {
        const meta = await metaOfRow(row);
        const originalUrl = await originalOf(meta.id);
        return { id: meta.id, title: meta.title, date: meta.date, excerpt: meta.excerpt, tags: meta.tags, ...(originalUrl ? { originalUrl } : {}) };
      }),
    );

  const feeds = new Map<string, string>();
  const newest = Array.from({ length: Math.min(FEED_ENTRIES, manifest.postCount) }, (_, n) => manifest.postCount - 1 - n);
  feeds.set(feedPath(), await makeAtomFeed(site, { posts: await postsOfRows(newest) }));
  for (const tag of manifest.tags) {
    const list = await readJson<TagPostList>(tag.file);
    feeds.set(feedPath(tag.key), await makeAtomFeed(site, { tag, posts: await postsOfRows(newestRows(list.rowDeltas, FEED_ENTRIES)) }));
  }

  const folder = join(dataRoot, FEED_FOLDER);
  await mkdir(folder, { recursive: true });
  let written = 0;
  let unchanged = 0;
  for (const [path, xml] of feeds) {
    const before = await readFile(join(dataRoot, path), 'utf8').catch(() => undefined);
    if (before === xml) unchanged++;
    else {
      await writeFile(join(dataRoot, path), xml);
      written++;
    }
  }
  // A tag gone from the archive takes its feed with it.
  const stale = (await readdir(folder)).filter((name) => !feeds.has(`${FEED_FOLDER}/${name}`));
  for (const name of stale) await rm(join(folder, name), { force: true });
  return { written, unchanged, removed: stale.length, paths: [...feeds.keys()] };
}

/** The last `count` rows of a delta-encoded row list (see TagPostList), newest first. */
export function newestRows(rowDeltas: readonly number[], count: number): number[] {
  const rows: number[] = [];
  let row = 0;
  for (const delta of rowDeltas) rows.push((row += delta));
  return rows.slice(-count).reverse();
}
