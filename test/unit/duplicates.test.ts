/**
 * Copies of one article under one original URL (issue 23, item 12): merged only when their text is in the
 * kept copy, kept as versions when they are revisions of it, kept as posts when they are other articles.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import type { PostFile } from '../../src/shared/types.ts';
import { containment, textPrint } from '../../src/indexer/parse/text-print.ts';

const URL = 'https://radio.example.org/story/1001';
const sentences = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, n) => `${prefix}的第${n + 1}句示範內容，各有不同的${prefix}${n + 1}號細節。`);
const article = sentences('原稿', 10);
const post = (title: string, day: number, lines: string[]) =>
  `---\nlayout: post\ntitle: "${title}"\ndate: 2020-12-${String(day).padStart(2, '0')}T01:00:00.000Z\nauthor: 示範電台\nfrom: ${URL}\ntags: [ 示範電台 ]\n---\n\n<div>${lines.map((line) => `<p>${line}</p>`).join('')}</div>\n`;

const FILES: Record<string, string> = {
  'a-kept.md': post('示範：原稿', 10, article),
  'b-identical.md': post('示範：原稿', 10, article),
  'c-reworded-headline.md': post('示範：原稿（更新標題）', 11, article),
  'd-contained.md': post('示範：原稿', 9, article.slice(0, 8)),
  'e-empty-stub.md': post('示範：原稿', 9, []),
  'f-revision.md': post('示範：初稿', 8, [...article.slice(0, 7), ...sentences('初稿', 3)]),
  'g-other-story.md': post('示範：同一網址的另一則報導', 12, sentences('另一則', 6)),
};

describe('copies under one original URL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-duplicates-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  const built = await ingestPosts({ postsDir: dir });
  const problem = (path: string) => built.report.problems.find((p) => p.path === path && p.reason !== 'empty-body');
  const file = async (path: string) => JSON.parse((await built.postFile(built.indexed.get(path)!))!) as PostFile;

  it('merges an identical copy, a reworded headline, a shorter contained copy and an empty stub, saying why', () => {
    expect(problem('b-identical.md')).toMatchObject({
      reason: 'duplicate-url',
      severity: 'error',
      detail: expect.stringContaining('merged, identical (100 %'),
    });
    expect(problem('c-reworded-headline.md')?.detail).toContain('the same text under another headline');
    expect(problem('d-contained.md')?.detail).toContain('its text is contained in the kept copy (100 %');
    expect(problem('e-empty-stub.md')?.detail).toContain('an empty stub');
    expect(built.report.duplicatesMerged).toBe(4);
  });

  it('keeps a revision holding 70 % of the text as a version, both ways linked', async () => {
    expect(problem('f-revision.md')).toMatchObject({ reason: 'url-version', severity: 'warning', detail: expect.stringContaining('70 %') });
    const kept = await file('a-kept.md');
    const revision = await file('f-revision.md');
    expect(kept.versions).toEqual([{ id: revision.id, date: '2020-12-08T01:00:00.000Z', title: '示範：初稿' }]);
    expect(revision.versions).toEqual([{ id: kept.id, date: '2020-12-10T01:00:00.000Z', title: '示範：原稿' }]);
  });

  it('keeps another story under the same URL as its own post, with no versions', async () => {
    expect(problem('g-other-story.md')).toMatchObject({ reason: 'url-reused', severity: 'warning', detail: expect.stringContaining('only 0 %') });
    expect((await file('g-other-story.md')).versions).toBeUndefined();
  });

  it('indexes exactly the kept copy, the revision and the other story', () => {
    expect([...built.indexed.keys()].sort()).toEqual(['a-kept.md', 'f-revision.md', 'g-other-story.md']);
  });
});

describe('text prints', () => {
  const whole = article.join('\n');

  it('find a text wholly in itself and in a longer text', () => {
    expect(containment(textPrint(whole), textPrint(whole))).toBe(1);
    expect(containment(textPrint(article.slice(0, 4).join('\n')), textPrint(whole))).toBe(1);
  });

  it('measure the share of characters held, not of clauses, punctuation left out', () => {
    // 2 characters of 20 are only in the first text.
    expect(containment(textPrint('短句。這是一個比較長的句子共有十八個字左右。'), textPrint('這是一個比較長的句子共有十八個字左右！'))).toBeCloseTo(18 / 20, 5);
  });

  it('ignore white space inside a sentence', () => {
    expect(containment(textPrint('同一句 話，換了 排版。'), textPrint('同一句話，換了排版。'))).toBe(1);
  });

  it('compare long texts on the same sample of sentences', () => {
    const long = sentences('長文', 400);
    const revised = [...long.slice(0, 300), ...sentences('改寫', 100)];
    const share = containment(textPrint(revised.join('\n')), textPrint(long.join('\n')));
    expect(share).toBeGreaterThan(0.6);
    expect(share).toBeLessThan(0.9);
  });

  it('hold an empty text as contained in anything', () => {
    expect(containment(textPrint(''), textPrint(whole))).toBe(1);
  });
});
