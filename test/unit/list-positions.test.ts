/**
 * Files number posts from the oldest (rows); the list numbers them from the newest (positions). These
 * are the three places the browser turns one into the other.
 */
import { newestFirst } from '../../src/shared/search-format.ts';
import type { Manifest, TagPostList } from '../../src/shared/types.ts';
import { shardOfRow, tagListPositions } from '../../src/features/data/data-client.ts';

// 23 posts in shards of 5: shards 0-3 are full (rows 0-19, oldest first), shard 4 holds rows 20-22.
const manifest = { postCount: 23, shardSize: 5 } as Manifest;

describe('list positions', () => {
  it('finds the newest post in the newest (short) shard, and the oldest at the start of shard 0', () => {
    expect(shardOfRow(manifest, 0)).toEqual({ shard: 4, offset: 2 });
    expect(shardOfRow(manifest, 2)).toEqual({ shard: 4, offset: 0 });
    expect(shardOfRow(manifest, 3)).toEqual({ shard: 3, offset: 4 });
    expect(shardOfRow(manifest, 22)).toEqual({ shard: 0, offset: 0 });
  });

  it('reads a tag list of rows as ascending positions', () => {
    // Rows 0, 4, 5 and 22 (the oldest, two in the middle, the newest).
    const list: TagPostList = { version: 3, key: 'cna', rowDeltas: [0, 4, 1, 17] };
    expect(tagListPositions(list, 23)).toEqual([0, 17, 18, 22]);
    expect(tagListPositions({ ...list, rowDeltas: [] }, 23)).toEqual([]);
  });

  it('reads postings as ascending positions, each weight staying with its post', () => {
    const postings = { rows: Int32Array.from([0, 4, 22]), weights: Uint8Array.from([10, 40, 220]) };
    const positions = newestFirst([postings], 23);
    expect(Array.from(positions.rows)).toEqual([0, 18, 22]);
    expect(Array.from(positions.weights)).toEqual([220, 40, 10]);
  });

  it("joins a common token's pieces and the rest of its postings, in row order, into one list of positions", () => {
    const pieces = [
      { rows: Int32Array.from([0, 1]), weights: Uint8Array.from([1, 2]) },
      { rows: Int32Array.from([5, 9]), weights: Uint8Array.from([3, 4]) },
    ];
    const rest = { rows: Int32Array.from([20]), weights: Uint8Array.from([5]) };
    const positions = newestFirst([...pieces, rest], 23);
    expect(Array.from(positions.rows)).toEqual([2, 13, 17, 21, 22]);
    expect(Array.from(positions.weights)).toEqual([5, 4, 3, 2, 1]);
  });
});
