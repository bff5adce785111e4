/** A small archive built into a temporary site folder, as the Vite plugin builds one: for the extras' tests. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../../src/indexer/ingest.ts';
import { memoryStore } from '../../../src/indexer/incremental/post-store.ts';
import { writeIndex } from '../../../src/indexer/output/write-index.ts';
import type { StoryPrints } from '../../../src/indexer/output/write-story-extras.ts';
import type { WrittenBuckets } from '../../../src/indexer/output/extras-bucket-cache.ts';

export interface TestPost {
  name: string;
  title: string;
  /** `YYYY-MM-DD HH:mm`, UTC. */
  date: string;
  outlet: string;
  /** Original URL's last segment. */
  link: string;
  body: string;
}

export function postText(post: TestPost): string {
  return [
    '---',
    'layout: post',
    `title: ${post.title}`,
    `date: ${post.date}:00.000000000 +00:00`,
    `link: https://news.example.tw/${post.link}`,
    `categories: ${post.outlet}`,
    '---',
    '',
    post.body,
    '',
  ].join('\n');
}

/** Our own sentences: a wire story two outlets ran two hours apart (the same story for the extras). */
export const WIRE =
  '交通部今天宣布，連接北部兩座港口的新輪渡航線將於下個月正式啟航，每日往返四班，票價比照既有航線。交通部官員表示，新航線啟用後，兩港之間的旅行時間可望縮短一小時，並帶動沿線觀光與貨運。港務公司指出，碼頭候船室已完成整修。';
export const FERRY_POSTS: readonly TestPost[] = [
  { name: '2026-11-20-ferry-a', title: '北部港口新輪渡航線下月啟航', date: '2026-11-20 02:00', outlet: 'cna', link: 'ferry-a', body: `<p>${WIRE}</p>` },
  {
    name: '2026-11-20-ferry-b',
    title: '新輪渡航線下月啟航 每日四班',
    date: '2026-11-20 04:00',
    outlet: 'rti',
    link: 'ferry-b',
    body: `<p>${WIRE}記者現場報導。</p>`,
  },
];

/** Writes the posts to a folder, builds them, and returns the site's `data/` folder. */
export async function buildSite(posts: readonly TestPost[]): Promise<string> {
  return (await buildSiteWithPrints(posts)).dataRoot;
}

/**
 * buildSite, with the story prints the build's parse made and the post buckets it wrote, as their writers
 * reported them (as buildSite in src/indexer gives writeExtras).
 */
export async function buildSiteWithPrints(posts: readonly TestPost[]): Promise<{ dataRoot: string; prints: StoryPrints; writtenBuckets: WrittenBuckets }> {
  const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-extras-posts-'));
  for (const post of posts) writeFileSync(join(postsDir, `${post.name}.html`), postText(post));
  const store = memoryStore();
  const built = await ingestPosts({ postsDir, store, shardSize: 4 });
  const dataRoot = join(mkdtempSync(join(tmpdir(), 'cna-reader-extras-site-')), 'data');
  let writtenBuckets: WrittenBuckets = [];
  await writeIndex(built, { dataRoot, store, besideSearch: async (written) => void (writtenBuckets = written) });
  return { dataRoot, prints: { keys: built.rows.map((row) => row.key), store }, writtenBuckets };
}

/**
 * The prints with a store that counts its calls by key (`asked`): the extras ask the store once a post. It
 * answers `answer(key)`, the prints' own store by default. `drops` lists, for each time its map was let go,
 * how many prints had been asked for by then.
 */
export function askCounted(prints: StoryPrints, answer: (key: string) => Promise<string | undefined> = (key) => prints.store.getStory(key)) {
  const asked = new Map<string, number>();
  const drops: number[] = [];
  let asks = 0;
  const store: StoryPrints['store'] = {
    getStory: async (key) => {
      asks++;
      asked.set(key, (asked.get(key) ?? 0) + 1);
      return answer(key);
    },
    dropMap: async () => {
      drops.push(asks);
    },
  };
  return { prints: { keys: prints.keys, store }, asked, drops, asks: () => asks };
}

/** Each key asked once, as `asked` is compared: a failure names the key and its count. */
export const askedOnceEach = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, 1]));
