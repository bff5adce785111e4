import { bucketWithoutBodies } from '../../../src/indexer/output/bucket-without-bodies.ts';

describe('a bucket read without its bodies', () => {
  const posts = [
    {
      id: 'a',
      title: 'A "html":"title"',
      related: [{ url: 'u', archivedId: 'b' }],
      html: '<p class="x">引號 \\"quoted\\" 文字</p>\\',
      figures: [{ html: '"fig"' }],
    },
    { id: 'b', title: '標題', related: [], html: '', versions: [{ id: 'c' }] },
    { id: 'c', title: 'C', related: [], html: 'ends in a backslash \\\\' },
  ];
  const bytes = Buffer.from(JSON.stringify(posts));

  it('parses every field as the whole file does, the bodies included when read', () => {
    expect(JSON.parse(JSON.stringify(bucketWithoutBodies(bytes)))).toEqual(posts);
  });

  it('gives the links and versions without a body being read', () => {
    const bucket = bucketWithoutBodies(bytes);
    expect(bucket.map((post) => [post.id, post.related.length, post.versions?.length ?? 0])).toEqual([
      ['a', 1, 0],
      ['b', 0, 1],
      ['c', 0, 0],
    ]);
    expect(bucket[0]!.title).toBe('A "html":"title"');
  });
});
