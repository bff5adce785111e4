/**
 * A rebuild that patches the last build's plan (patch-plan.ts) writes exactly what a build from scratch
 * writes, file by file: checked after each kind of change a maintainer makes (a correction, a day's new
 * posts, a late post among the newest, a touched file, a broken file and its repair), and for the
 * changes a patch must refuse (a date changed, a file removed, a duplicate), which then plan from scratch.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildSite } from '../../src/indexer/build-site.ts';
import { openCacheDb } from '../../src/indexer/incremental/cache-db.ts';
import type { IngestReport } from '../../src/shared/types.ts';

/** Small shards, so that a few dozen posts make many of them. */
const SHARD_SIZE = 4;
/**
 * A short span for the search index's tail, so that the posts added cross into the next one, and
 * small search shards, so that its head has several.
 */
const SEARCH_SIZES = { tailRows: 8, searchShardBytes: 256 };

interface PostSpec {
  name: string;
  title: string;
  /** `YYYY-MM-DD HH:mm`, UTC. */
  date: string;
  tags: string[];
  /** Its link's last segment (its URL identity). */
  link: string;
  /** Links of related stories (last segments), archived or not. */
  related?: string[];
  body?: string;
}

function postText(post: PostSpec): string {
  const related = (post.related ?? []).map((link) => `<a href="https://news.example.tw/${link}">相關：${link}</a>`).join('');
  return [
    '---',
    'layout: post',
    `title: ${post.title}`,
    `date: ${post.date}:00.000000000 +00:00`,
    `link: https://news.example.tw/${post.link}`,
    `categories: [${post.tags.join(', ')}]`,
    '---',
    '',
    `<p>${post.body ?? `${post.title}的內文，寫給測試用。`}</p>`,
    related ? `<div class="moreArticle">${related}</div>` : '',
    '',
  ].join('\n');
}

function writePost(dir: string, post: PostSpec): void {
  writeFileSync(join(dir, `${post.name}.html`), postText(post));
}

/** Every file of a data folder, the manifest without its build time. */
function dataFiles(dataRoot: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name !== '.build-id') files.set(relative(dataRoot, path), readFileSync(path).toString('base64'));
    }
  };
  walk(dataRoot);
  const manifest = JSON.parse(Buffer.from(files.get('manifest.json')!, 'base64').toString('utf8'));
  delete manifest.builtAt;
  files.set('manifest.json', JSON.stringify(manifest));
  return files;
}

/** Builds the posts folder over an output folder, as the Vite plugin does; returns the report. */
function build(postsDir: string, outDir: string, cacheDir: string): Promise<IngestReport> {
  return buildSite({ postsDir, outDir, cacheDir, workers: 0, shardSize: SHARD_SIZE, ...SEARCH_SIZES });
}

/** A build from scratch of the same posts, in folders of its own. */
async function freshBuild(postsDir: string): Promise<{ report: IngestReport; files: Map<string, string> }> {
  const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-fresh-'));
  const report = await build(postsDir, outDir, mkdtempSync(join(tmpdir(), 'cna-reader-patch-fresh-cache-')));
  return { report, files: dataFiles(join(outDir, 'data')) };
}

const day = (n: number) => `2026-10-${String(n).padStart(2, '0')}`;

function archive(): PostSpec[] {
  const posts: PostSpec[] = [];
  for (let n = 1; n <= 22; n++) {
    const tags = n % 3 === 0 ? ['cna', '颱風'] : n % 3 === 1 ? ['rthk'] : ['cna', 'Taiwan'];
    posts.push({
      name: `${day(n)}-post-${n}`,
      title: `第${n}篇報導`,
      date: `${day(n)} 0${n % 10}:00`,
      tags: n === 20 ? [...tags, 'Rare'] : tags,
      link: `news/${n}`,
      // Links to older posts (archived), to a story never fetched, and to stories fetched later.
      related: n % 4 === 0 ? [`news/${n - 2}`, 'news/elsewhere', `news/${n + 10}`] : n === 21 ? ['news/late-1'] : [],
    });
  }
  // Two copies of one article (a shorter copy, its text all in the other): one indexed, one reported.
  posts.push({ name: `${day(5)}-copy-of-5`, title: '第5篇報導（副本）', date: `${day(5)} 05:00`, tags: ['rthk'], link: 'news/5', body: '第5篇報導的內文。' });
  return posts;
}

describe('a rebuild that patches the last plan', () => {
  const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-posts-'));
  const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-out-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-cache-'));
  const posts = archive();
  const rebuild = () => build(postsDir, outDir, cacheDir);
  /** The search index's files as written: its head (shards and pieces before the tail) and its tail. */
  const searchFiles = () => {
    const files = [...dataFiles(join(outDir, 'data'))].filter(([path]) => path.startsWith('search/') && path !== 'search/meta.json').sort();
    return { head: files.filter(([path]) => !path.startsWith('search/tail/')), tail: files.filter(([path]) => path.startsWith('search/tail/')) };
  };

  /** Rebuilds, and checks the output against a build from scratch; returns the rebuild's report. */
  const rebuildAndCompare = async () => {
    const report = await rebuild();
    const fresh = await freshBuild(postsDir);
    const files = dataFiles(join(outDir, 'data'));
    expect([...files.keys()].sort()).toEqual([...fresh.files.keys()].sort());
    for (const [path, body] of fresh.files) expect({ path, body: files.get(path) }).toEqual({ path, body });
    const comparable = ({ problems, postsIndexed, filesSeen, filesNotIndexed, duplicatesMerged, byReason }: IngestReport) => ({
      problems,
      postsIndexed,
      filesSeen,
      filesNotIndexed,
      duplicatesMerged,
      byReason,
    });
    expect(comparable(report)).toEqual(comparable(fresh.report));
    return report;
  };

  beforeAll(async () => {
    for (const post of posts) writePost(postsDir, post);
    const first = await rebuild();
    expect(first.plan).toEqual({ patched: false, reason: 'no record of the last build' });
  });
  afterAll(() => {
    for (const dir of [postsDir, outDir, cacheDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('patches when nothing changed, and writes nothing but the manifest', async () => {
    const report = await rebuildAndCompare();
    expect(report.plan).toEqual({ patched: true });
    expect(report.output?.written).toBe(1);
  });

  it('patches a corrected post: its file, its shard, the search index', async () => {
    const before = searchFiles();
    writePost(postsDir, { ...posts[6]!, body: '更正後的內文：颱風路徑改變。' });
    const report = await rebuildAndCompare();
    expect(report.plan).toEqual({ patched: true });
    // Its file, the metadata shard, the manifest, meta.json and a few shards of the search index's head.
    expect(report.output?.written).toBeLessThan(16);
    // An old post: its postings are before the tail, which stays as it was.
    expect(report.search).toMatchObject({ patched: true, tailPosts: 6 });
    expect(searchFiles().tail).toEqual(before.tail);
  });

  it("writes only the search index's tail and meta.json for a post added after the newest", async () => {
    const before = searchFiles();
    writePost(postsDir, {
      name: `${day(23)}-newest`,
      title: '最新的報導',
      date: `${day(23)} 09:00`,
      tags: ['cna'],
      link: 'news/newest',
      body: '颱風新聞：全新的詞彙出現。',
    });
    const report = await rebuildAndCompare();
    expect(report.search).toMatchObject({ patched: true, tailPosts: 7 });
    const after = searchFiles();
    expect(after.head).toEqual(before.head);
    expect(after.tail).not.toEqual(before.tail);
  });

  it("patches a day's new posts: new tags, links into and out of the archive, two at the same minute", async () => {
    writePost(postsDir, {
      name: `${day(25)}-late-1`,
      title: '新的報導一',
      date: `${day(25)} 08:00`,
      tags: ['cna', '新標籤'],
      link: 'news/late-1',
      related: ['news/3', 'news/late-2'],
    });
    writePost(postsDir, { name: `${day(25)}-late-2`, title: '新的報導二', date: `${day(25)} 08:00`, tags: ['rthk'], link: 'news/late-2' });
    writePost(postsDir, {
      name: `${day(26)}-late-3`,
      title: '新的報導三',
      date: `${day(26)} 01:00`,
      tags: ['Taiwan'],
      link: 'news/30',
      related: ['news/late-1'],
    });
    const searchBefore = searchFiles();
    const report = await rebuildAndCompare();
    expect(report.plan).toEqual({ patched: true });
    // 23 posts were 16 before the tail and 7 in it; 26 are 24 and 2: the tail joined the head, which
    // was patched in place rather than made again.
    expect(searchBefore.tail.length).toBeGreaterThan(0);
    expect(report.search).toMatchObject({ patched: true, tailPosts: 2 });
    expect(report.phases?.map(([phase]) => phase)).toContain('patch the search index in place');
    expect(searchFiles().head.length).toBeGreaterThan(5);
  });

  it('patches a late post placed among the newest rows, moving the rows after it', async () => {
    writePost(postsDir, {
      name: `${day(19)}-late-4`,
      title: '晚到的報導',
      date: `${day(19)} 12:00`,
      tags: ['rare', 'cna'],
      link: 'news/late-4',
      related: ['news/32'],
    });
    const report = await rebuildAndCompare();
    expect(report.plan).toEqual({ patched: true });
    // The oldest post with a tag gives it its label: the late post's spelling, now.
    const manifest = JSON.parse(readFileSync(join(outDir, 'data', 'manifest.json'), 'utf8'));
    expect(manifest.tags.find((tag: { key: string }) => tag.key === 'rare').label).toBe('rare');
  });

  it('patches touched files (same bytes, new time), and a broken file, then its repair', async () => {
    // A post, and the duplicate reported: it stays reported.
    for (const name of [posts[2]!.name, `${day(5)}-copy-of-5`]) {
      const touched = join(postsDir, `${name}.html`);
      const time = statSync(touched).mtime;
      utimesSync(touched, time, new Date(time.getTime() + 60_000));
    }
    writeFileSync(join(postsDir, 'broken.md'), '---\ntitle: "unclosed\n---\n內文');
    expect((await rebuildAndCompare()).plan).toEqual({ patched: true });
    writePost(postsDir, { name: 'broken', title: '修好了', date: `${day(27)} 02:00`, tags: ['rthk'], link: 'news/32' });
    expect((await rebuildAndCompare()).plan).toEqual({ patched: true });
  });

  it('patches posts moved to another folder under the same name, and a broken file removed', async () => {
    // What a mirror does after two weeks: the post goes to archived/YYYY-MM-DD/, byte for byte.
    mkdirSync(join(postsDir, 'archived', day(4)), { recursive: true });
    for (const n of [3, 11]) renameSync(join(postsDir, `${posts[n]!.name}.html`), join(postsDir, 'archived', day(4), `${posts[n]!.name}.html`));
    writeFileSync(join(postsDir, 'also-broken.md'), 'no front matter at all');
    expect((await rebuildAndCompare()).plan).toEqual({ patched: true });
    rmSync(join(postsDir, 'also-broken.md'));
    const report = await rebuildAndCompare();
    expect(report.plan).toEqual({ patched: true });
    expect(report.problems.map((problem) => problem.path)).not.toContain('also-broken.md');
  });

  it('plans from scratch when an edit moves a post, a file is removed, or a new post repeats a link', async () => {
    writePost(postsDir, { ...posts[8]!, date: `${day(28)} 01:00` });
    expect((await rebuildAndCompare()).plan).toMatchObject({ patched: false, reason: expect.stringContaining('changed its date') });
    expect((await rebuildAndCompare()).plan).toEqual({ patched: true });

    rmSync(join(postsDir, `${posts[10]!.name}.html`));
    expect((await rebuildAndCompare()).plan).toEqual({ patched: false, reason: `a post was removed (${posts[10]!.name}.html)` });

    writePost(postsDir, { name: `${day(29)}-again`, title: '重複的報導', date: `${day(29)} 01:00`, tags: ['cna'], link: 'news/12' });
    expect((await rebuildAndCompare()).plan).toMatchObject({ patched: false, reason: expect.stringContaining('link of another') });
    expect((await rebuildAndCompare()).plan).toEqual({ patched: true });
  });

  it('plans from scratch after a plan of an older layout, and says so', async () => {
    const db = openCacheDb(cacheDir);
    try {
      await db.transaction(() => {
        const plans = db.part<unknown>('plans');
        // Layout 1: the whole snapshot under the folder's id, no head of this layout.
        const heads = [...plans.getRange()].filter(({ key }) => !key.includes('/'));
        for (const { key, value } of heads) plans.put(key, { ...(value as object), format: 1 });
      });
    } finally {
      await db.close();
    }
    expect((await rebuildAndCompare()).plan).toEqual({ patched: false, reason: 'the last plan is of an older layout' });
  });

  it('plans from scratch over an output folder the last build did not write', async () => {
    rmSync(join(outDir, 'data', '.build-id'));
    expect((await rebuildAndCompare()).plan).toMatchObject({ patched: false, reason: 'the output folder is not the one the last build wrote' });
  });
});

describe('a rebuild next to a post kept with its versions', () => {
  const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-versions-'));
  const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-versions-out-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-patch-versions-cache-'));
  afterAll(() => {
    for (const dir of [postsDir, outDir, cacheDir]) rmSync(dir, { recursive: true, force: true });
  });

  it('plans from scratch rather than write the post without its versions, and keeps their warnings', async () => {
    const sentences = ['颱風今晨登陸東部海岸。', '氣象單位發布陸上警報。', '多個縣市宣布停班停課。', '交通部提醒旅客改搭鐵路。', '電力公司待命搶修線路。'];
    for (let n = 1; n <= 6; n++)
      writePost(postsDir, { name: `${day(n)}-post-${n}`, title: `第${n}篇報導`, date: `${day(n)} 01:00`, tags: ['cna'], link: `news/${n}` });
    // The same URL twice: an earlier revision holding three of the later copy's five sentences.
    writePost(postsDir, {
      name: `${day(7)}-storm-later`,
      title: '颱風登陸',
      date: `${day(7)} 09:00`,
      tags: ['cna'],
      link: 'news/storm',
      body: sentences.join(''),
    });
    writePost(postsDir, {
      name: `${day(7)}-storm-earlier`,
      title: '颱風將登陸',
      date: `${day(7)} 05:00`,
      tags: ['cna'],
      link: 'news/storm',
      body: `${sentences.slice(0, 3).join('')}更新中。`,
    });
    await build(postsDir, outDir, cacheDir);

    // A post after the newest rewrites its neighbour, which has versions.
    writePost(postsDir, { name: `${day(8)}-newest`, title: '最新的報導', date: `${day(8)} 09:00`, tags: ['cna'], link: 'news/newest' });
    const report = await build(postsDir, outDir, cacheDir);
    const fresh = await freshBuild(postsDir);
    expect(report.plan).toMatchObject({ patched: false, reason: expect.stringContaining('other copies') });
    expect(dataFiles(join(outDir, 'data'))).toEqual(fresh.files);
    expect(report.problems.map((problem) => problem.reason).sort()).toEqual(fresh.report.problems.map((problem) => problem.reason).sort());
  });
});
