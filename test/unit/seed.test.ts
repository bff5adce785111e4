/**
 * The post this project was created from (../shared/seeds/), read where it lies: it is third-party text
 * and is never copied into the repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePost } from '../../src/indexer/parse/parse-post.ts';

const SEEDS = process.env['SEEDS_DIR'] ?? fileURLToPath(new URL('../../../shared/seeds/', import.meta.url));
const seedFile = existsSync(SEEDS) ? readdirSync(SEEDS).find((name) => name.endsWith('.txt')) : undefined;

if (!seedFile) console.warn(`[seed test] SKIPPED: no seed post found in ${SEEDS} (set SEEDS_DIR)`);

describe.skipIf(!seedFile)('the seed post', () => {
  // The seed's real name in its mirror: `archived/2023-02-22/2023-02-22-<title>.md`.
  const outcome = seedFile
    ? parsePost('archived/2023-02-22/2023-02-22-王毅會蒲亭 中方發布通篇未提習近平將訪俄.md', readFileSync(SEEDS + seedFile), { timeZone: 'Asia/Taipei' })
    : undefined;
  if (outcome && 'problem' in outcome) throw new Error(outcome.problem.detail);
  const { post, warnings } = outcome ?? ({} as Exclude<typeof outcome, undefined | { problem: unknown }>);

  it('is parsed without warnings', () => expect(warnings).toEqual([]));
  it('has its title', () => expect(post.title).toBe('王毅會蒲亭 中方發布通篇未提習近平將訪俄'));
  it('has its date', () => expect(post.date.toISOString()).toBe('2023-02-22T18:04:07.000Z'));
  it('is tagged (臺)中央社CNA, as the cna outlet', () => expect(post.tags).toEqual([{ key: 'cna', label: '中央社' }]));
  it('links to its original', () => expect(post.originalUrl).toBe('https://www.cna.com.tw/news/aopl/202302220400.aspx'));

  it('has one figure with its caption and srcset', () => {
    expect(post.figures).toHaveLength(1);
    const [figure] = post.figures;
    expect(figure?.caption).toMatch(/^俄羅斯總統蒲亭（右）22日在克里姆林宮接見/);
    expect(figure?.src).toBe('https://imgcdn.cna.com.tw/www/WebPhotos/800/20230222/1920x1281_wmkn_650248865693.jpg');
    expect(figure?.srcset).toBe(
      'https://imgcdn.cna.com.tw/www/WebPhotos/800/20230222/1920x1281_wmkn_650248865693.jpg 414w, https://imgcdn.cna.com.tw/www/WebPhotos/1024/20230222/1920x1281_wmkn_650248865693.jpg 1024w',
    );
    expect(figure?.sources).toHaveLength(2);
    expect([figure?.width, figure?.height]).toEqual([1920, 1281]);
  });

  it('has one related story with its title and URL, out of the body', () => {
    expect(post.related).toEqual([{ title: '蒲亭宣布習近平將訪莫斯科 稱俄中關係進入新境界', url: 'https://www.cna.com.tw/news/aopl/202302220383.aspx' }]);
    expect(post.html).not.toContain('insertGroup');
    expect(post.html).not.toContain('蒲亭宣布習近平將訪莫斯科');
  });

  it('keeps the fmprc.gov.cn link as a safe external link', () => {
    expect(post.html).toContain(
      '<a href="https://www.fmprc.gov.cn/zyxw/202302/t20230222_11029753.shtml" rel="noopener noreferrer" target="_blank">王毅與蒲亭會談的中方說法</a>',
    );
  });

  it('keeps all nine paragraphs and drops the heading that repeats the title', () => {
    expect(post.html.match(/<p>/g)).toHaveLength(9);
    expect(post.html).not.toMatch(/<h2|------|1677089047000/);
  });
});
