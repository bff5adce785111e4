import { afterEach, describe, expect, it, vi } from 'vitest';
import { bucketWithoutBodies } from '../../../src/indexer/output/bucket-without-bodies.ts';
import { bucketFile } from '../../../src/indexer/parse/render-post.ts';

// Each body holds "BODY-": the text no parse may see until a body is read.
const POSTS = [
  {
    id: 'a',
    title: 'A "html":"title"',
    related: [{ url: 'u', archivedId: 'b' }],
    html: '<p class="x">BODY-a 引號 \\"quoted\\" 文字</p>\\',
    figures: [{ html: '"fig"' }],
  },
  { id: 'b', title: '標題', related: [], html: '', versions: [{ id: 'c' }] },
  { id: 'c', title: 'C', related: [], html: 'BODY-c ends in a backslash \\\\' },
  { id: 'd', title: 'D', related: [], html: 'BODY-d 𠀋 astral, \ud800 half a pair' },
];
const PATH = '3/7.json';

/** A bucket's bytes as the build writes them (bucketFile's `[\n…,\n…\n]\n`), each post's file its JSON. */
const bucketBytes = (posts: readonly { id: string }[]) => bucketFile(posts.map((post) => ({ id: post.id, file: Buffer.from(JSON.stringify(post)) })));
const BYTES = bucketBytes(POSTS);

describe('a bucket read without its bodies', () => {
  afterEach(() => vi.restoreAllMocks());

  it('parses every field as the whole file does, the bodies included when read', () => {
    expect(JSON.parse(JSON.stringify(bucketWithoutBodies(BYTES, PATH)))).toEqual(JSON.parse(BYTES.toString('utf8')));
    expect(bucketWithoutBodies(BYTES, PATH)[3]!.html).toBe(POSTS[3]!.html);
  });

  it('gives the links and versions without a body being read', () => {
    const bucket = bucketWithoutBodies(BYTES, PATH);
    expect(bucket.map((post) => [post.id, post.related.length, post.versions?.length ?? 0])).toEqual([
      ['a', 1, 0],
      ['b', 0, 1],
      ['c', 0, 0],
      ['d', 0, 0],
    ]);
    expect(bucket[0]!.title).toBe('A "html":"title"');
  });

  it('parses no body text until a body is read, then the whole file once for all of them', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const bucket = bucketWithoutBodies(BYTES, PATH);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse.mock.calls[0]![0]).not.toContain('BODY-');
    const others = bucket.map((post) => [post.id, post.title, post.related, post.versions, post.figures]);
    expect(parse).toHaveBeenCalledTimes(1);
    const bodies = bucket.map((post) => post.html);
    expect(parse).toHaveBeenCalledTimes(2);
    parse.mockRestore();
    expect(others).toHaveLength(POSTS.length);
    expect(bodies).toEqual(POSTS.map((post) => post.html));
  });

  it('reads an empty bucket', () => {
    expect(bucketWithoutBodies(bucketBytes([]), PATH)).toEqual([]);
  });

  it('throws a SyntaxError naming the bucket for a file cut anywhere, within a body key or a body too', () => {
    const end = BYTES.lastIndexOf(']');
    for (let length = 0; length <= end; length++) {
      expect(() => bucketWithoutBodies(BYTES.subarray(0, length), PATH), `cut at ${length}`).toThrow(SyntaxError);
    }
    expect(() => bucketWithoutBodies(BYTES.subarray(0, BYTES.indexOf('"html"') + 6), PATH)).toThrow(/3\/7\.json/);
  });
});
