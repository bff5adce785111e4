/**
 * ShardCutter and writeSearchShards (src/indexer/search/search-shards.ts): a token that ends no shard is added
 * without a write to wait for, and the shards are written in order, each once, with every token.
 */
import { describe, expect, it } from 'vitest';
import { decodeShard, searchShardPath } from '../../../src/shared/search-format.ts';
import { ShardCutter, writeSearchShards } from '../../../src/indexer/search/search-shards.ts';
import type { TokenPostings } from '../../../src/indexer/search/search-index.ts';

/** `count` tokens in order, each in one post (row n, weight 1): a plain list of one posting. */
function lists(count: number): TokenPostings[] {
  return Array.from({ length: count }, (_, n) => ({ token: `t${String(n).padStart(6, '0')}`, count: 1, postings: Uint8Array.of(n & 0x7f, 1) }));
}

describe('ShardCutter', () => {
  it('returns a write to wait for only from the token that ends a shard, after handing that shard to `write`', async () => {
    const written: string[] = [];
    let pending = 0;
    const cutter = new ShardCutter(async (path) => {
      written.push(path);
      pending++;
      await Promise.resolve();
      pending--;
    }, 256);
    const results = lists(200).map((list) => {
      const before = written.length;
      const result = cutter.add(list.token, list.postings, list.count);
      // A shard is handed over in the call that ends it, never later.
      expect(written.length - before).toBe(result ? 1 : 0);
      return result;
    });
    const cuts = results.filter((result) => result !== undefined);
    expect(cuts.length).toBeGreaterThan(3);
    expect(cuts.length).toBeLessThan(results.length / 4);
    await Promise.all(cuts);
    expect(pending).toBe(0);
    await cutter.flush();
    expect(written).toEqual(cutter.firstTokens.map((token) => searchShardPath(token)));
  });
});

describe('writeSearchShards', () => {
  it('writes every token once, in order, in shards cut as small as asked', async () => {
    const files = new Map<string, Uint8Array | string>();
    const given = lists(500);
    const stats = await writeSearchShards(given, 500, async (path, body) => void files.set(path, body), { shardBytes: 256 });
    expect(stats.tokens).toBe(500);
    expect(stats.shards).toBeGreaterThan(5);
    const shards = [...files].filter(([path]) => path.endsWith('.bin'));
    const tokens = shards.flatMap(([, body]) => decodeShard(body as Uint8Array).header.tokens);
    expect(tokens).toEqual(given.map((list) => list.token));
  });
});
