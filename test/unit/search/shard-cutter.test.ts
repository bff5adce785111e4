/**
 * ShardCutter, writeSearchShards and writeSearchTail (src/indexer/search/search-shards.ts): a token that ends
 * no shard is added without a write to wait for; the shards are written in order, each once, with every
 * token and its postings; one shard's write at a time, and a failed write fails the call.
 */
import { describe, expect, it } from 'vitest';
import { SEARCH_TAIL_FOLDER, decodeShard, searchShardPath } from '../../../src/shared/search-format.ts';
import { decodePostings } from '../../../src/shared/search-postings.ts';
import { writeVarint } from '../../../src/shared/varint.ts';
import { ShardCutter, writeSearchShards, writeSearchTail } from '../../../src/indexer/search/search-shards.ts';
import type { TokenPostings } from '../../../src/indexer/search/search-index.ts';
import { fnv1a, fnv1aUnits } from '../../../src/shared/types.ts';

/** The first tokens of lists(200)'s shards at 256 bytes, as the cutter cut them before fnv1aUnits (5b53b8c): they move only with the cut's hash or rule. */
const PINNED = [
  't000000',
  't000012',
  't000018',
  't000028',
  't000036',
  't000043',
  't000065',
  't000078',
  't000085',
  't000092',
  't000098',
  't000104',
  't000111',
  't000117',
  't000123',
  't000130',
  't000137',
  't000160',
  't000181',
  't000188',
  't000197',
];

/** `count` tokens in order; token n is in one or two posts (rows n and n + 3), weights that differ by token. */
function lists(count: number): TokenPostings[] {
  return Array.from({ length: count }, (_, n) => {
    const rows = n % 3 === 0 ? [n, n + 3] : [n];
    const weights = rows.map((_, k) => 1 + ((n + k) % 100));
    return { token: `t${String(n).padStart(6, '0')}`, count: rows.length, postings: plain(rows, weights) };
  });
}

/** Rows and weights in the plain form (search-postings.ts): each row's delta as a varint, then its weight. */
function plain(rows: number[], weights: number[]): Uint8Array {
  const out = new Uint8Array(6 * rows.length);
  let at = 0;
  rows.forEach((row, k) => {
    at = writeVarint(out, at, row - (k === 0 ? 0 : rows[k - 1]!));
    out[at++] = weights[k]!;
  });
  return out.slice(0, at);
}

/** A `write` that keeps the files, yields a turn of the event loop in each, and counts the writes begun and not ended. */
function yieldingWrite(): {
  write: (path: string, body: Uint8Array | string) => Promise<void>;
  files: Map<string, Uint8Array | string>;
  mostPending: () => number;
} {
  const files = new Map<string, Uint8Array | string>();
  let pending = 0;
  let most = 0;
  const write = async (path: string, body: Uint8Array | string) => {
    pending++;
    most = Math.max(most, pending);
    await new Promise(setImmediate);
    files.set(path, body);
    pending--;
  };
  return { write, files, mostPending: () => most };
}

/** A `write` that fails on the second shard (a full disk), by its path. */
function failingOnSecondShard(isShard: (path: string) => boolean): (path: string) => Promise<void> {
  let shards = 0;
  return async (path) => {
    await new Promise(setImmediate);
    if (isShard(path) && ++shards === 2) throw new Error('ENOSPC: no space left on device');
  };
}

/** Every token of the shards in `files` whose path passes `isShard`, with its postings decoded. */
function decodedShards(files: Map<string, Uint8Array | string>, isShard: (path: string) => boolean) {
  return [...files]
    .filter(([path]) => isShard(path))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, body]) => {
      const shard = decodeShard(body as Uint8Array);
      return shard.header.tokens.map((token) => ({ token, postings: shard.postings(token) }));
    });
}

const isTailShard = (path: string) => path.endsWith('.bin') && path.startsWith(SEARCH_TAIL_FOLDER);
const isHeadShard = (path: string) => path.endsWith('.bin') && !isTailShard(path);

describe('ShardCutter', () => {
  it('returns a write to wait for only from the token that ends a shard, after handing that shard to `write`', async () => {
    const { write, mostPending } = yieldingWrite();
    const written: string[] = [];
    const cutter = new ShardCutter(async (path, body) => {
      written.push(path);
      await write(path, body);
    }, 256);
    let cuts = 0;
    const given = lists(200);
    for (const list of given) {
      const before = written.length;
      const cut = cutter.add(list.token, list.postings, list.count);
      // A shard is handed over in the call that ends it, never later.
      expect(written.length - before).toBe(cut ? 1 : 0);
      if (cut) {
        cuts++;
        await cut;
      }
    }
    expect(cuts).toBeGreaterThan(3);
    expect(cuts).toBeLessThan(given.length / 4);
    await cutter.flush();
    expect(mostPending()).toBe(1);
    expect(written).toEqual(cutter.firstTokens.map((token) => searchShardPath(token)));
  });
});

describe('where shards are cut', () => {
  it("hashes a token's units as fnv1a hashes its string, surrogate pairs included", () => {
    for (const text of ['', 'a', 't000123', '中國人', '😀', 'x😀y', '𠀀𠀁', '\ud800', 'z\udbff']) {
      const units = Uint16Array.from({ length: text.length + 3 }, (_, k) => (k < 2 || k >= text.length + 2 ? 0x41 : text.charCodeAt(k - 2)));
      expect(fnv1aUnits(units, 2, 2 + text.length)).toBe(fnv1a(text));
    }
  });

  it('cuts a fixed run of tokens at the same tokens as the builds before (an in-place patch lines up with them)', async () => {
    const cutter = new ShardCutter(async () => {}, 256);
    for (const list of lists(200)) await cutter.add(list.token, list.postings, list.count);
    await cutter.flush();
    expect(cutter.firstTokens).toEqual(PINNED);
  });
});

describe('writeSearchShards', () => {
  it('writes every token once, in order, with its postings, in shards cut as small as asked', async () => {
    const { write, files } = yieldingWrite();
    const given = lists(500);
    const stats = await writeSearchShards(given, 503, write, { shardBytes: 256 });
    expect(stats.tokens).toBe(500);
    expect(stats.shards).toBeGreaterThan(5);
    const expected = given.map((list) => ({ token: list.token, postings: decodePostings(list.postings, list.count) }));
    expect(decodedShards(files, isHeadShard)).toEqual(expected);
  });

  it('writes one shard at a time', async () => {
    const { write, mostPending } = yieldingWrite();
    await writeSearchShards(lists(500), 503, write, { shardBytes: 256 });
    expect(mostPending()).toBe(1);
  });

  it('fails when a shard cannot be written', async () => {
    await expect(writeSearchShards(lists(500), 503, failingOnSecondShard(isHeadShard), { shardBytes: 256 })).rejects.toThrow('ENOSPC');
  });
});

describe('writeSearchTail', () => {
  it('writes every token once, in order, with its postings, in shards cut as small as asked', async () => {
    const { write, files } = yieldingWrite();
    const given = lists(500);
    const { shards, tokens } = await writeSearchTail(given, 0, write, 256);
    expect(tokens).toBe(500);
    expect(shards).toBeGreaterThan(5);
    expect([...files.keys()].filter(isTailShard).length).toBe(shards);
    const expected = given.map((list) => ({ token: list.token, postings: decodePostings(list.postings, list.count) }));
    expect(decodedShards(files, isTailShard)).toEqual(expected);
  });

  it('writes one shard at a time', async () => {
    const { write, mostPending } = yieldingWrite();
    await writeSearchTail(lists(500), 0, write, 256);
    expect(mostPending()).toBe(1);
  });

  it('fails when a shard cannot be written', async () => {
    await expect(writeSearchTail(lists(500), 0, failingOnSecondShard(isTailShard), 256)).rejects.toThrow('ENOSPC');
  });
});
