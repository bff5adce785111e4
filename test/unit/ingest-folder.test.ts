import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { listPostFiles } from '../../src/indexer/read-posts.ts';
import { shardFile, type Manifest, type MetaShard, type PostFile } from '../../src/shared/types.ts';
import { FIXTURES } from './helpers.ts';

const seedLike = (title: string, url: string, date = '2020-12-01T01:00:00.000Z') =>
  `---\nlayout: post\ntitle: "${title}"\ndate: ${date}\nauthor: (臺)中央社CNA\nfrom: ${url}\ntags: [ (臺)中央社CNA ]\ncategories: [ (臺)中央社CNA ]\n---\n\n<div><p>${title}的內文。</p></div>\n`;

function makeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-posts-'));
  mkdirSync(join(dir, '_posts'));
  mkdirSync(join(dir, 'archived', '2020-12-01'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  // Names real mirrors hold: spaces, quotes, backslash, #, %, a newline, and over 200 bytes.
  const names = [
    '2020-12-01-a b.md',
    '2020-12-01-"引號".md',
    '2020-12-01-back\\slash.md',
    '2020-12-01-#井號 100%.md',
    '2020-12-01-換\n行.md',
    `2020-12-01-${'長'.repeat(70)}.md`,
  ];
  names.forEach((name, i) =>
    writeFileSync(join(dir, '_posts', name), seedLike(`標題${i}`, `https://www.cna.com.tw/news/a/${i}.aspx`, `2020-12-0${i + 1}T01:00:00.000Z`)),
  );
  // The same article twice: once in _posts/, once after the mirror moved it to archived/.
  writeFileSync(join(dir, 'archived', '2020-12-01', '2020-12-01-a b.md'), seedLike('標題0', 'http://www.cna.com.tw/news/a/0.aspx'));
  for (const fixture of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, fixture), join(dir, fixture));
  writeFileSync(join(dir, 'latin1.md'), Buffer.from([...Buffer.from('---\ntitle: caf'), 0xe9, ...Buffer.from('\n---\nx')]));
  writeFileSync(join(dir, 'notes.txt'), 'not a post');
  writeFileSync(join(dir, '.git', 'HEAD.md'), 'not a post either');
  return dir;
}

describe('ingestPosts over a folder', async () => {
  const dir = makeFolder();
  const built = await ingestPosts({ postsDir: dir, shardSize: 10 });
  const { report, manifest } = built;
  const json = <T>(path: string) => JSON.parse(built.files.get(path)!) as T;

  it('sees every post file, whatever its name, and nothing else', () => {
    expect(report.filesSeen).toBe(6 + 1 + readdirSync(FIXTURES).length + 1);
  });

  it('accounts for every file: indexed or reported', () => {
    expect(report.postsIndexed + report.filesNotIndexed).toBe(report.filesSeen);
    expect(manifest.postCount).toBe(report.postsIndexed);
  });

  it('reports each unusable file with a reason', () => {
    const errors = Object.fromEntries(report.problems.filter((p) => p.severity === 'error').map((p) => [p.path, p.reason]));
    expect(errors).toEqual({
      'bad-yaml.md': 'bad-yaml',
      'invalid-date.html': 'invalid-date',
      'latin1.md': 'not-utf8',
      'no-front-matter.md': 'no-front-matter',
      'archived/2020-12-01/2020-12-01-a b.md': 'duplicate-url',
    });
    expect(report.byReason['duplicate-url']).toBe(1);
    expect(report.duplicatesMerged).toBe(1);
  });

  it('indexes the file names with newlines, quotes and backslashes', () => {
    const titles = manifestPosts().map((post) => post.title);
    for (let i = 0; i < 6; i++) expect(titles).toContain(`標題${i}`);
  });

  it('writes shards oldest first, as many as the manifest says, every one full but the last', () => {
    const posts = manifestPosts();
    expect(posts.map((p) => p.date)).toEqual(posts.map((p) => p.date).sort());
    expect(posts).toHaveLength(manifest.postCount);
    expect(manifest.shardCount).toBe(Math.ceil(manifest.postCount / manifest.shardSize));
    for (let n = 0; n < manifest.shardCount - 1; n++) expect(json<MetaShard>(shardFile(n)).posts).toHaveLength(manifest.shardSize);
  });

  it('counts tags with the two CNA spellings as one, and days in Taipei time', () => {
    const cna = manifest.tags.find((tag) => tag.key === 'cna');
    expect(cna?.count).toBe(manifestPosts().filter((p) => p.tags.includes('cna')).length);
    expect(manifest.days.reduce((sum, [, n]) => sum + n, 0)).toBe(manifest.postCount);
    expect(manifest.timeZone).toBe('Asia/Taipei');
  });

  it('writes one file per post, linked to its neighbours by date', async () => {
    const posts = manifestPosts();
    const middle = JSON.parse((await built.postFile(posts[1]!.id))!) as PostFile;
    expect(middle.previousId).toBe(posts[0]!.id);
    expect(middle.nextId).toBe(posts[2]!.id);
    expect(new Set(posts.map((p) => p.id)).size).toBe(posts.length);
    for (const post of posts) expect(post.id).toMatch(/^[\p{L}\p{N}-]+$/u);
  });

  function manifestPosts() {
    return Array.from({ length: json<Manifest>('manifest.json').shardCount }, (_, n) => json<MetaShard>(shardFile(n)).posts).flat();
  }
});

describe('related links into the archive', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-related-'));
  writeFileSync(
    join(dir, '2020-12-01-a.md'),
    seedLike('甲', 'https://www.cna.com.tw/news/a/1.aspx').replace(
      '<div><p>',
      "<div><div class='insertGroup'><a href='/news/a/2.aspx'>乙</a><a href='/news/a/3.aspx'>丙</a></div><p>",
    ),
  );
  writeFileSync(join(dir, '2020-12-02-b.md'), seedLike('乙', 'https://www.cna.com.tw/news/a/2.aspx', '2020-12-02T01:00:00.000Z'));
  const built = await ingestPosts({ postsDir: dir });

  it('marks a related story the archive holds with its id, and leaves the others external', async () => {
    const post = JSON.parse((await built.postFile('2020-12-01-a'))!) as PostFile;
    expect(post.related).toEqual([
      { title: '乙', url: 'https://www.cna.com.tw/news/a/2.aspx', archivedId: '2020-12-02-b' },
      { title: '丙', url: 'https://www.cna.com.tw/news/a/3.aspx' },
    ]);
  });
});

describe('listing post files', () => {
  it('follows links to files, never links to folders, skips broken links, and sorts by path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-list-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'cna-reader-list-target-'));
    writeFileSync(join(elsewhere, '2020-12-02-linked.md'), seedLike('連結', 'https://www.cna.com.tw/news/a/9.aspx'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'b', '2020-12-01-z.md'), seedLike('乙', 'https://www.cna.com.tw/news/a/8.aspx'));
    writeFileSync(join(dir, '2020-12-01-a.html'), seedLike('甲', 'https://www.cna.com.tw/news/a/7.aspx'));
    symlinkSync(join(elsewhere, '2020-12-02-linked.md'), join(dir, 'linked.md'));
    symlinkSync(elsewhere, join(dir, 'folder-link'));
    symlinkSync(join(elsewhere, 'gone.md'), join(dir, 'broken.md'));
    const files = await listPostFiles(dir);
    expect(files.map((file) => file.path)).toEqual(['2020-12-01-a.html', 'b/2020-12-01-z.md', 'linked.md']);
    expect(files.map((file) => file.absolutePath)).toEqual([join(dir, '2020-12-01-a.html'), join(dir, 'b', '2020-12-01-z.md'), join(dir, 'linked.md')]);
  });
});

describe('what a build that stays up is told of its listing', () => {
  it('tells `listed` the post files the build lists, and nothing when they are known', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-listed-'));
    writeFileSync(join(dir, '2020-12-01-a.md'), seedLike('甲', 'https://www.cna.com.tw/news/a/1.aspx'));
    writeFileSync(join(dir, '2020-12-02-b.md'), seedLike('乙', 'https://www.cna.com.tw/news/a/2.aspx', '2020-12-02T01:00:00.000Z'));
    const lists: string[][] = [];
    const listed = (files: readonly { path: string }[]) => void lists.push(files.map((file) => file.path));
    await ingestPosts({ postsDir: dir, listed });
    expect(lists).toEqual([['2020-12-01-a.md', '2020-12-02-b.md']]);
    await ingestPosts({ postsDir: dir, listed, known: { files: await listPostFiles(dir), changed: new Set() } });
    expect(lists).toHaveLength(1);
  });
});
