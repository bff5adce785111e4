/**
 * ShardHeaderWriter (src/indexer/search/shard-header.ts) writes the bytes encodeShard makes from
 * encodeShardHeader's string, and the shard writer fed merged tokens (their units) writes the files it
 * writes from the same tokens as strings, whether they come from partial indexes in memory or from run files.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeShard, encodeShard, type ShardHeader } from '../../../src/shared/search-format.ts';
import { ShardHeaderWriter } from '../../../src/indexer/search/shard-header.ts';
import { SearchIndexBuilder, mergePartialIndexes, type TokenPostings } from '../../../src/indexer/search/search-index.ts';
import { writeSearchShards, writeSearchTail } from '../../../src/indexer/search/search-shards.ts';
import { mergeRuns, writeRun } from '../../../src/indexer/search/partial-runs.ts';

/** The file ShardHeaderWriter makes of `tokens` (each with postings ending 3 bytes after the last, a count of its index + 1) and `body`. */
function written(tokens: string[], body: Uint8Array): Uint8Array {
  const writer = new ShardHeaderWriter();
  tokens.forEach((token, n) => {
    const units = Uint16Array.from({ length: token.length }, (_, k) => token.charCodeAt(k));
    // The token where it lies in a larger buffer, as the merge hands it over.
    const padded = new Uint16Array(units.length + 4);
    padded.set(units, 2);
    writer.add(padded, 2, 2 + units.length, 3 * (n + 1), n + 1);
  });
  return writer.encodeShard(body);
}

function header(tokens: string[]): ShardHeader {
  return { tokens, ends: tokens.map((_, n) => 3 * (n + 1)), counts: tokens.map((_, n) => n + 1) };
}

describe('ShardHeaderWriter', () => {
  it('writes the bytes of encodeShard for CJK, Latin, pairs and shared prefixes', () => {
    const tokens = ['中', '中!國', '中國', '中國人', 'abc', 'abcd', 'abcde', 'b', '習!近', '習近平'];
    const body = Uint8Array.from({ length: 30 }, (_, k) => k);
    expect(written(tokens, body)).toEqual(encodeShard(header(tokens), body));
  });

  it('escapes what JSON.stringify escapes: quotes, backslashes, control characters, lone surrogates', () => {
    const tokens = ['"', '"\\', '\\x', '\u0000', '\u0001a', '\b\t\n\f\r', '\u001f', '\u007f', '\ud800', '\ud800x', '\udc00', 'z\udbff'];
    expect(written(tokens, new Uint8Array(0))).toEqual(encodeShard(header(tokens), new Uint8Array(0)));
  });

  it('writes a surrogate pair as one 4-byte character, and never front-codes between its halves', () => {
    // The second and third share the high half of their first character only.
    const tokens = ['\ud83d\ude00', '\ud83d\ude00a', '\ud83d\ude01', '𠀀𠀁', '𠀀𠀂'];
    expect(written(tokens, new Uint8Array(0))).toEqual(encodeShard(header(tokens), new Uint8Array(0)));
  });

  it('writes a shared prefix whose count character is one JSON escapes, or past ASCII', () => {
    // 44 shared units: '0' + 44 is the backslash; 100: a 2-byte character.
    const long = 'x'.repeat(120);
    const tokens = [long.slice(0, 50), long.slice(0, 44) + 'y', long, long + 'z'];
    expect(written(tokens, new Uint8Array(0))).toEqual(encodeShard(header(tokens), new Uint8Array(0)));
  });

  it('grows its buffer for a header past 64 KB (a head shard of many rare CJK tokens)', () => {
    // 3,000 tokens of 8 CJK characters, none sharing a prefix with the last: ~27 bytes each.
    const tokens = Array.from({ length: 3000 }, (_, n) => Array.from({ length: 8 }, (_, k) => String.fromCharCode(0x4e00 + ((n * 8 + k) % 20000))).join(''));
    const file = written(tokens, new Uint8Array(0));
    expect(new DataView(file.buffer).getUint32(0, true)).toBeGreaterThan(1 << 16);
    expect(file).toEqual(encodeShard(header(tokens), new Uint8Array(0)));
  });

  it('writes an empty header, and starts each shard afresh', () => {
    const writer = new ShardHeaderWriter();
    expect(writer.encodeShard(new Uint8Array(0))).toEqual(encodeShard({ tokens: [], ends: [], counts: [] }, new Uint8Array(0)));
    const units = Uint16Array.from('ab', (char) => char.charCodeAt(0));
    writer.add(units, 0, 2, 1, 1);
    writer.encodeShard(new Uint8Array(1));
    // The next shard's first token is written whole, not front-coded against the last shard's.
    writer.add(units, 0, 2, 2, 1);
    expect(writer.encodeShard(new Uint8Array(2))).toEqual(encodeShard({ tokens: ['ab'], ends: [2], counts: [1] }, new Uint8Array(2)));
  });
});

describe('the shard writer fed merged tokens', () => {
  // Astral CJK (surrogate pairs, which the tokenizer keeps) and a two-word phrase of 65 units (past the
  // writer's first 64-unit buffers); the tokenizer drops quotes, backslashes and emoji.
  const ASTRAL = ['𠀀', '𠀁', '𠀂', '𠀃'];
  const POSTS = Array.from({ length: 300 }, (_, n) => ({
    row: n,
    title: `第${n % 7}號 ${'甲乙丙丁戊己庚辛壬癸'[n % 10]} ${ASTRAL[n % 4]}${ASTRAL[(n + 1) % 4]}${ASTRAL[n % 3]}`,
    text: `${'甲乙丙丁戊己庚辛'.slice(n % 5, (n % 5) + 3)} 編號${n} word${n % 13} ${'y'.repeat(32)} ${'zw'[n % 2]!.repeat(32)} 共同的詞`,
  }));

  function parts(): ReturnType<SearchIndexBuilder['exportPartial']>[] {
    const builders = [new SearchIndexBuilder(), new SearchIndexBuilder()];
    for (const post of POSTS) builders[post.row < 150 ? 0 : 1]!.addText(post.row, post.title, post.text);
    return builders.map((builder) => builder.exportPartial());
  }

  /** The merged tokens copied into plain objects: the writer takes their strings. */
  const asStrings = (lists: Iterable<TokenPostings>) => Array.from(lists, ({ token, count, postings }) => ({ token, count, postings: postings.slice() }));

  async function files(write: (keep: (path: string, body: Uint8Array | string) => Promise<void>) => Promise<unknown>) {
    const kept = new Map<string, Uint8Array | string>();
    await write(async (path, body) => void kept.set(path, body));
    return kept;
  }

  /** The parts written to run files and merged back as a worker's head does: one reused token, its units copied. */
  function fromRuns(): Generator<TokenPostings> {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-header-runs-'));
    return mergeRuns(parts().map((part, n) => (writeRun(part, join(folder, `${n}.run`)), join(folder, `${n}.run`))));
  }

  it('is fed tokens with surrogate pairs and past 64 units', () => {
    const tokens = asStrings(mergePartialIndexes(parts())).map(({ token }) => token);
    expect(tokens.some((token) => /[\ud800-\udbff]/.test(token))).toBe(true);
    expect(Math.max(...tokens.map((token) => token.length))).toBeGreaterThan(64);
  });

  it('writes the same shards and pieces as from the tokens as strings, from partial indexes or from runs', async () => {
    const sizes = { shardBytes: 512, piecePostings: 64 };
    const fromUnits = await files((write) => writeSearchShards(mergePartialIndexes(parts()), POSTS.length, write, sizes));
    const fromStrings = await files((write) => writeSearchShards(asStrings(mergePartialIndexes(parts())), POSTS.length, write, sizes));
    const fromRunFiles = await files((write) => writeSearchShards(fromRuns(), POSTS.length, write, sizes));
    expect(fromUnits.size).toBeGreaterThan(10);
    expect(fromUnits).toEqual(fromStrings);
    expect(fromRunFiles).toEqual(fromStrings);
  });

  it('writes the same tail as from the tokens as strings', async () => {
    const fromUnits = await files((write) => writeSearchTail(mergePartialIndexes(parts()), 0, write, 256));
    const fromStrings = await files((write) => writeSearchTail(asStrings(mergePartialIndexes(parts())), 0, write, 256));
    expect(fromUnits.size).toBeGreaterThan(10);
    expect(fromUnits).toEqual(fromStrings);
  });

  it('writes each shard as encodeShard writes its decoded header and body', async () => {
    const fromUnits = await files((write) => writeSearchShards(mergePartialIndexes(parts()), POSTS.length, write, { shardBytes: 512 }));
    for (const [path, body] of fromUnits) {
      if (!path.endsWith('.bin')) continue;
      const bytes = body as Uint8Array;
      const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
      expect(encodeShard(decodeShard(bytes).header, bytes.subarray(4 + headerLength))).toEqual(bytes);
    }
  });
});
