/**
 * Planning holds a small record per post (plan/plan-post.ts) and reads summaries back from the store only
 * for posts that share an original URL, and for each metadata shard when it is written.
 */
import { buildIndex } from '../../src/indexer/plan/build-index.ts';
import { PlanPosts } from '../../src/indexer/plan/plan-post.ts';
import type { PostSummary } from '../../src/indexer/parse/post-digest.ts';
import type { ParsedPost } from '../../src/indexer/parse/parse-post.ts';
import type { MetaShard } from '../../src/shared/types.ts';

const summary = (n: number, fields: Partial<PostSummary> = {}): PostSummary => ({
  path: `posts/2024-01-${String(n).padStart(2, '0')}-story-${n}.md`,
  title: `示範標題第${n}則`,
  date: new Date(Date.UTC(2024, 0, n, 3)),
  dateSource: 'front-matter',
  tags: [{ key: 'demo-radio', label: '示範電台' }],
  excerpt: `示範摘要第${n}則。`,
  textLength: 100 + n,
  figureCount: 0,
  relatedUrls: ['example.org/story/related'],
  textPrint: '',
  originalUrl: `https://example.org/story/${n}`,
  ...fields,
});

/** Plans the summaries, counting what is read back from the "store". */
async function plan(summaries: PostSummary[], shardSize = 2) {
  const byKey = new Map(summaries.map((post, n) => [`key-${n}`, post]));
  const read: string[] = [];
  const planPosts = new PlanPosts();
  const built = await buildIndex({
    posts: summaries.map((post, n) => planPosts.of(post, `key-${n}`, post.path)),
    loadPost: async () => ({}) as ParsedPost,
    loadSummary: async (key) => (read.push(key), byKey.get(key)!),
    problems: [],
    filesSeen: summaries.length,
    postsDir: 'posts',
    timeZone: 'Asia/Taipei',
    startedAt: 0,
    shardSize,
  });
  return { built, read };
}

describe('planning from plan posts', () => {
  it('shares one tag list and one string per related URL between posts that repeat them', () => {
    const planPosts = new PlanPosts();
    const [a, b] = [summary(1), summary(2)].map((post, n) => planPosts.of(post, `key-${n}`, post.path));
    expect(a!.tags).toBe(b!.tags);
    expect(a!.relatedUrls[0]).toBe(b!.relatedUrls[0]);
    expect(a!.date).toBe(Date.UTC(2024, 0, 1, 3));
    expect(a!.url).toBe('example.org/story/1');
  });

  it('reads back no summary while planning posts whose original URLs all differ', async () => {
    const { built, read } = await plan([summary(1), summary(2), summary(3)]);
    expect(read).toEqual([]);
    expect(built.manifest.shardCount).toBe(2);
    expect(built.files.has('shards/0.json')).toBe(false);
  });

  it('reads back the summaries of copies under one URL to merge them', async () => {
    const copy = summary(2, { originalUrl: 'https://example.org/story/1', textLength: 50 });
    const { built, read } = await plan([summary(1), copy, summary(3)]);
    expect(read.sort()).toEqual(['key-0', 'key-1']);
    expect(built.postCount).toBe(2);
    expect(built.report.problems.map((problem) => [problem.path, problem.reason])).toEqual([[copy.path, 'duplicate-url']]);
  });

  it('makes each metadata shard from summaries read back a shard at a time, oldest rows first', async () => {
    const { built, read } = await plan([summary(3), summary(1), summary(2)]);
    const shards: [string, MetaShard][] = [];
    for await (const [path, json] of built.metaShards()) {
      shards.push([path, JSON.parse(json) as MetaShard]);
      // Each shard's summaries are read when it is made, not before.
      expect(read).toHaveLength(Math.min(3, shards.length * 2));
    }
    expect(shards.map(([path, shard]) => [path, shard.posts.map((post) => post.title)])).toEqual([
      ['shards/0.json', ['示範標題第1則', '示範標題第2則']],
      ['shards/1.json', ['示範標題第3則']],
    ]);
    expect(shards[0]![1].posts[0]).toMatchObject({ excerpt: '示範摘要第1則。', tags: ['demo-radio'], date: '2024-01-01T03:00:00.000Z' });
  });
});
