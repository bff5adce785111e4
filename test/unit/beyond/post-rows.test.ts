/** The extras' rows of posts, and each row's shown digest, from the metadata shards or the saved rows. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rowsOfPosts, shownDigests } from '../../../src/indexer/output/post-rows.ts';
import { shardFile, type Manifest, type PostMeta } from '../../../src/shared/types.ts';

const SHARD_SIZE = 2;
/** Long ago: a shard older than the saved rows by more than a coarse clock's tick is taken from them. */
const OLD_TIME = new Date('2026-01-01T00:00:00Z');

function post(n: number, title = `標題 ${n}`): PostMeta {
  const day = `2026-11-${String(n + 10).padStart(2, '0')}`;
  return { id: `${day}-post-${n}`, title, date: `${day}T08:00:00+08:00`, tags: [`outlet-${n % 2}`], excerpt: '' };
}

/** A data folder of these posts' shards, SHARD_SIZE posts a shard, each file given OLD_TIME. */
function writeShards(dataRoot: string, posts: PostMeta[]): Manifest {
  mkdirSync(join(dataRoot, 'shards'), { recursive: true });
  const shardCount = Math.ceil(posts.length / SHARD_SIZE);
  for (let shard = 0; shard < shardCount; shard++) {
    const path = join(dataRoot, shardFile(shard));
    writeFileSync(path, JSON.stringify({ version: 1, posts: posts.slice(shard * SHARD_SIZE, (shard + 1) * SHARD_SIZE) }));
    utimesSync(path, OLD_TIME, OLD_TIME);
  }
  return { shardCount, shardSize: SHARD_SIZE } as Manifest;
}

describe("the extras' rows of posts", () => {
  let folders: string[] = [];
  afterEach(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
    folders = [];
  });
  /** A data folder and a build cache, removed after the test. */
  const foldersOfTest = () => {
    folders = [mkdtempSync(join(tmpdir(), 'cna-reader-rows-data-')), mkdtempSync(join(tmpdir(), 'cna-reader-rows-cache-'))];
    return { dataRoot: folders[0]!, cache: { dir: folders[1]!, code: 'code-1' } };
  };

  it("give each row its shown digest, read from the shards, from the saved rows, and from both after one shard's title changed", async () => {
    const { dataRoot, cache: cacheDir } = foldersOfTest();
    const posts = Array.from({ length: 7 }, (_, n) => post(n));
    const manifest = writeShards(dataRoot, posts);
    const fromShards = await rowsOfPosts(dataRoot, manifest, cacheDir);
    expect(fromShards.shown.equals(shownDigests(fromShards))).toBe(true);
    const fromSaved = await rowsOfPosts(dataRoot, manifest, cacheDir);
    expect(fromSaved.titles).toEqual(posts.map((one) => one.title));
    expect(fromSaved.shown.equals(fromShards.shown)).toBe(true);
    // The third post's shard (rows 2 and 3) read again, the others' rows and digests taken as saved.
    posts[2] = post(2, '改過的標題');
    writeShards(dataRoot, posts);
    const mixed = await rowsOfPosts(dataRoot, manifest, cacheDir);
    expect(mixed.titles[2]).toBe('改過的標題');
    expect(mixed.shown.equals(shownDigests(mixed))).toBe(true);
    expect(mixed.shown.equals(fromShards.shown)).toBe(false);
  });

  it('are read from the shards again when the saved rows were digested by other code', async () => {
    const { dataRoot, cache } = foldersOfTest();
    const posts = Array.from({ length: 3 }, (_, n) => post(n));
    const manifest = writeShards(dataRoot, posts);
    await rowsOfPosts(dataRoot, manifest, cache);
    // A title of the same length, its shard's size and time as saved: only other code reads it again.
    posts[0] = post(0, '標題 9');
    writeShards(dataRoot, posts);
    expect((await rowsOfPosts(dataRoot, manifest, cache)).titles[0]).toBe('標題 0');
    expect((await rowsOfPosts(dataRoot, manifest, { ...cache, code: 'code-2' })).titles[0]).toBe('標題 9');
  });
});
