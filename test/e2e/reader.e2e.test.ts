/**
 * Navigating and triaging an archive (issue 24), in real Chromium on the demo build under a sub-path:
 * the view an article was opened from, the modal help, history, dates counted from the archive's
 * newest post, the timeline's zoom, unread and starred views, export and import, density, rows that
 * never overflow, and axe-core on every page and dialog in both themes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, buildAndServe, chromiumAvailable, launchChromium, overflowingRows, ROOT, screenshot, watchPage, type Site } from './support.ts';

const BASE = '/cna-reader/';
const available = chromiumAvailable();
if (!available) console.warn('[e2e] SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

/** The id of the article on screen, from its URL. */
const articleId = (page: Page) => decodeURIComponent(new URL(page.url()).pathname.split('/a/')[1] ?? '');
/** The id of the row holding the focus (its title's id is `title-<id>`). */
const focusedRowId = (page: Page) =>
  page.evaluate(
    () =>
      document.activeElement
        ?.closest('article')
        ?.getAttribute('aria-labelledby')
        ?.replace(/^title-/, '') ?? null,
  );

describe.skipIf(!available)('navigating and triaging the demo archive', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    site = await buildAndServe('reader', resolve(ROOT, 'posts'), BASE);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    problems = await watchPage(page, new URL(site.url).origin);
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  const count = (n: number) => page.getByText(`共 ${n} 篇`);
  const h1 = () => page.getByRole('heading', { level: 1 });

  it('keeps the view across j/k, Back and 回到列表, with the focus on the row just read', async () => {
    await page.goto(`${site.url}?tag=cna`);
    await count(13).waitFor();
    await page.locator('.post-row-title').first().waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(() => focusedRowId(page)).not.toBeNull();
    await page.keyboard.press('o');
    await page.locator('.article h1').waitFor();
    const opened = articleId(page);
    expect(new URL(page.url()).searchParams.getAll('tag')).toEqual(['cna']);
    // Three j and a k: every article is from the view (中央社), and the URL keeps the view.
    const seen = [opened];
    for (const key of ['j', 'j', 'j', 'k']) {
      const before = articleId(page);
      await expect.poll(() => page.locator('.prev-next a').count()).toBeGreaterThan(0);
      await page.keyboard.press(key);
      await expect.poll(() => articleId(page)).not.toBe(before);
      // The new article's own heading (for a frame the old one stays while the new one loads).
      await expect.poll(() => page.locator('.article').getAttribute('data-post-id')).toBe(articleId(page));
      expect(await page.locator('.article-meta .outlet').allTextContents()).toContain('中央社');
      expect(new URL(page.url()).search).toBe('?tag=cna');
      seen.push(articleId(page));
    }
    expect(seen[4]).toBe(seen[2]);
    // The links name their articles.
    expect(await page.getByRole('link', { name: /^↑ 上一篇/ }).textContent()).toMatch(/上一篇.+/);
    // Back: the article before, in the same view (its place in the view known: its links are there).
    await page.goBack();
    await expect.poll(() => articleId(page)).toBe(seen[3]);
    await expect.poll(() => page.locator('.article').getAttribute('data-post-id')).toBe(seen[3]);
    await page.locator('.prev-next a').first().waitFor();
    // 回到列表: the view, with the focus on the row just read.
    await page.getByRole('link', { name: '← 回到列表' }).click();
    await count(13).waitFor();
    expect(new URL(page.url()).search).toBe('?tag=cna');
    await expect.poll(() => focusedRowId(page)).toBe(seen[3]);
    // And the next j goes on from there, not from the top.
    const place = () => page.evaluate(() => Number(document.activeElement?.closest<HTMLElement>('[data-index]')?.dataset['index'] ?? -1));
    const from = await place();
    await page.keyboard.press('j');
    await expect.poll(place).toBeGreaterThan(from);
    // After a reload too.
    await page.reload();
    await count(13).waitFor();
    await expect.poll(() => focusedRowId(page)).toBe(seen[3]);
  });

  it('walks search results with j, keeping their highlights', async () => {
    await page.goto(`${site.url}?q=${encodeURIComponent('延長')}`);
    await page.getByRole('button', { name: '相關度', pressed: true }).waitFor();
    await page.locator('.post-row-title').first().waitFor();
    const results = await page.locator('.post-row-title').allTextContents();
    expect(results.length).toBeGreaterThan(1);
    await page.locator('.post-row-link').first().click();
    await page.getByText(/本文有 [1-9]\d* 處符合「延長」/).waitFor();
    await page.keyboard.press('j');
    await page.getByRole('heading', { level: 1, name: results[1]! }).waitFor();
    await page.getByText(/本文有 [1-9]\d* 處符合「延長」/).waitFor();
    expect(await page.locator('.article-body mark.search-hit, .article h1 mark.search-hit').count()).toBeGreaterThan(0);
  });

  it('opens the help as a modal dialog that leaves the page where it was', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    // The count draws before the first screen's rows: the page can scroll once they are there.
    await page.getByRole('article').first().waitFor();
    await page.mouse.wheel(0, 900);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(500);
    const scrolled = await page.evaluate(() => window.scrollY);
    await page.keyboard.press('j');
    await expect.poll(() => focusedRowId(page)).not.toBeNull();
    const focusedBefore = await focusedRowId(page);
    const scrollWithRow = await page.evaluate(() => window.scrollY);
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: '鍵盤快捷鍵' });
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => el.matches(':modal'))).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollWithRow);
    // The keyboard stays out of the page behind: Tab reaches nothing there (it is inert), and j does nothing.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement === document.body || !!document.activeElement?.closest('dialog'))).toBe(true);
    await page.keyboard.press('j');
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollWithRow);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focusedRowId(page)).toBe(focusedBefore);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollWithRow);
    expect(scrolled).toBeGreaterThan(0);
  });

  it('adds one history entry for a typed search, however many pauses', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    const before = await page.evaluate(() => history.length);
    const box = page.getByRole('searchbox', { name: '搜尋' });
    await box.click();
    // Each character after the debounce (200 ms): every pause reaches the URL.
    for (const char of ['延', '長', ' ', '賞', '鯨']) {
      await page.keyboard.insertText(char);
      await page.waitForTimeout(350);
    }
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('延長 賞鯨');
    expect(await page.evaluate(() => history.length)).toBe(before + 1);
    await page.goBack();
    await count(23).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBeNull();
  });

  it('counts date shortcuts from the newest post, says so, and reports a bad date in the URL', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    await page.getByText('從典藏最新一篇（2026-11-19）往回算').waitFor();
    await page.getByRole('button', { name: '最新 7 天' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?from=2026-11-13&to=2026-11-19');
    expect(await page.locator('.result-count').textContent()).toMatch(/共 1\d 篇/);
    await page.getByRole('button', { name: '最新一天', exact: true }).click();
    await count(1).waitFor();
    await page.goto(`${site.url}?to=2020-13-45`);
    await page.getByRole('alert').getByText('網址中的日期「2020-13-45」不是有效的日期，已略過。').waitFor();
    await count(23).waitFor();
  });

  it('titles the page and its heading after the view', async () => {
    await page.goto(`${site.url}?tag=rthk&show=unread`);
    await count(4).waitFor();
    expect(await h1().textContent()).toBe('香港電台 · 未讀');
    expect(await page.title()).toBe('香港電台 · 未讀 · 新聞典藏閱讀器');
  });

  it('shows the unread posts, marks the whole view read, and undoes it', async () => {
    await page.goto(`${site.url}?show=unread`);
    await count(23).waitFor();
    await page.locator('.post-row-link').first().click();
    await page.locator('.article h1').waitFor();
    const read = articleId(page);
    await page.getByRole('link', { name: '← 回到列表' }).click();
    // The row just read stays in the unread view while the reader is on it.
    await count(23).waitFor();
    await expect.poll(() => focusedRowId(page)).toBe(read);
    await page.getByRole('button', { name: '✓ 全部標為已讀' }).click();
    await page.getByText('已將 22 篇標為已讀。').waitFor();
    await count(0).waitFor();
    await page.getByRole('button', { name: '復原' }).click();
    await count(22).waitFor();
    // m on a row toggles it: read, it leaves the unread view.
    await page.keyboard.press('j');
    await expect.poll(() => focusedRowId(page)).not.toBeNull();
    await page.keyboard.press('m');
    await count(21).waitFor();
  });

  it('stars with s, lists the starred posts, and carries read and starred marks through export and import', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    await page.locator('.post-row-link').nth(1).click();
    await page.locator('.article h1').waitFor();
    const starred = articleId(page);
    await page.keyboard.press('s');
    await page.getByRole('button', { name: '★ 收藏', pressed: true }).waitFor();
    await page.goto(`${site.url}?show=starred`);
    await count(1).waitFor();
    expect(await h1().textContent()).toBe('已收藏');

    await page.getByText('閱讀設定').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '匯出（JSON）' }).click()]);
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-state-'));
    const file = join(dir, 'state.json');
    await download.saveAs(file);
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { format: string; read: [string, number][]; starred: [string, number][] };
    expect(exported.format).toBe('cna-reader-state');
    expect(exported.starred.map(([id]) => id)).toEqual([starred]);
    expect(exported.read.map(([id]) => id)).toContain(starred);

    // A fresh browser profile: nothing starred until the file is imported.
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await count(0).waitFor();
    await page.getByText('閱讀設定').click();
    await page.getByLabel('匯入（JSON）').setInputFiles(file);
    await page.getByText('已匯入 1 篇已讀、1 篇收藏。').waitFor();
    await count(1).waitFor();
    await page.goto(site.url);
    await count(23).waitFor();
    await expect.poll(() => page.locator('.post-row.is-read').count()).toBe(1);
    expect(await page.locator('.post-row.is-read .post-row-title').textContent()).toContain('★');
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows at least 14 compact rows on a 1366×900 desktop', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto(site.url);
    await count(23).waitFor();
    await page.getByText('閱讀設定').click();
    await page.getByRole('button', { name: /列表密度/ }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.post-list[data-density="compact"]').count()).toBe(1);
    const visible = await page.evaluate(
      () => [...document.querySelectorAll('.post-row')].filter((row) => row.getBoundingClientRect().bottom <= window.innerHeight).length,
    );
    expect(visible).toBeGreaterThanOrEqual(14);
    await screenshot(page, 'reader-desktop-compact');
  });

  for (const step of [-2, 4]) {
    it(`lets no row overflow on a 390×844 phone at text step ${step}, and puts the first row above y = 250 at the default size`, async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(site.url);
      await page.evaluate((textStep) => localStorage.setItem('cna-reader:settings', JSON.stringify({ textStep })), step);
      await page.reload();
      await count(23).waitFor();
      const found: string[] = [];
      // Every row, screen by screen.
      for (let y = 0; y < 12_000; y += 600) {
        await page.evaluate((to) => window.scrollTo(0, to), y);
        await page.waitForTimeout(80);
        found.push(...(await overflowingRows(page)));
        if (await page.evaluate(() => window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1)) break;
      }
      expect([...new Set(found)]).toEqual([]);
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `reader-phone-text-${step}`);
      await page.evaluate(() => localStorage.setItem('cna-reader:settings', JSON.stringify({ textStep: 0 })));
      // A new visit (not a reload, which restores the scroll): the list from its top.
      await page.goto(site.url);
      await count(23).waitFor();
      await page.locator('.post-row-title').first().waitFor();
      await expect.poll(async () => (await page.locator('.post-row').first().boundingBox())?.y ?? Infinity, { timeout: 5000 }).toBeLessThan(250);
    });
  }

  it('orders oldest first, and counts outlets within the search and dates', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    await page.getByRole('button', { name: '最舊' }).click();
    await expect.poll(() => page.locator('.post-row-title').first().textContent()).toBe('基隆港夜間燈光秀延長 市府盼帶動週末觀光');
    await page.goto(`${site.url}?from=2026-11-18&to=2026-11-18`);
    await count(4).waitFor();
    const counts = async () =>
      Object.fromEntries(
        await page
          .locator('.tag-filter label')
          .evaluateAll((labels) =>
            labels.map((label) => [label.querySelector('.tag-label')!.textContent, Number(label.querySelector('.tag-count')!.textContent)]),
          ),
      );
    await expect.poll(async () => Object.values(await counts()).reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('opens a row with o, searches from an article with /, closes the settings on Escape and outside, and serves index.html', async () => {
    await page.goto(site.url);
    await count(23).waitFor();
    // A row opens once it is drawn (its shard has arrived).
    await page.locator('.post-row-title').first().waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('o');
    await page.locator('.article h1').waitFor();
    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('search-input');
    const menu = page.locator('details.settings-menu');
    await page.getByText('閱讀設定').click();
    expect(await menu.getAttribute('open')).not.toBeNull();
    await page.keyboard.press('Escape');
    expect(await menu.getAttribute('open')).toBeNull();
    await page.getByText('閱讀設定').click();
    await page.mouse.click(600, 600);
    expect(await menu.getAttribute('open')).toBeNull();
    await page.goto(`${site.url}index.html`);
    await count(23).waitFor();
  });

  it("keeps an article's scroll when the reader goes back and forward to it", async () => {
    await page.setViewportSize({ width: 390, height: 600 });
    await page.goto(`${site.url}a/${encodeURIComponent('2026-11-19-示範-危險標記')}`);
    await page.locator('.article h1').waitFor();
    await page.evaluate(() => window.scrollTo(0, 500));
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(500);
    await page.waitForTimeout(100);
    const y = await page.evaluate(() => window.scrollY);
    // By key: a click would first scroll its link into view, and that is a position too.
    await page.locator('.prev-next a').first().waitFor();
    await page.keyboard.press('j');
    await expect.poll(() => page.locator('.article').getAttribute('data-post-id')).not.toBe('2026-11-19-示範-危險標記');
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
    await page.goBack();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(y);
    await page.goForward();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  });

  for (const theme of ['light', 'dark']) {
    it(`has no axe violations on the list, an article, search results, the help and the settings (${theme})`, async () => {
      await page.goto(site.url);
      await page.evaluate((t) => localStorage.setItem('cna-reader:settings', JSON.stringify({ theme: t })), theme);
      await page.reload();
      await count(23).waitFor();
      const found: Record<string, string[]> = {};
      found['list'] = await axeViolations(page);
      await page.getByText('閱讀設定').click();
      found['settings'] = await axeViolations(page);
      await page.keyboard.press('Escape');
      await page.keyboard.press('?');
      await page.getByRole('dialog').waitFor();
      found['help'] = await axeViolations(page);
      await page.keyboard.press('Escape');
      await page.goto(`${site.url}?q=${encodeURIComponent('延長')}`);
      await page.locator('mark.search-hit').first().waitFor();
      found['results'] = await axeViolations(page);
      await page.locator('.post-row-link').first().click();
      await page.locator('.article-body mark.search-hit').first().waitFor();
      found['article'] = await axeViolations(page);
      await screenshot(page, `reader-article-${theme}`);
      expect(found).toEqual({ list: [], settings: [], help: [], results: [], article: [] });
    });
  }
});

/** A small archive written by the test: posts from 2019 to 2023, and one whose body is empty. */
function writeYearsArchive(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-years-'));
  const posts: string[] = [];
  let n = 0;
  for (const year of [2019, 2020, 2021, 2022, 2023]) {
    for (const month of [1, 4, 7, 10]) {
      for (const day of [3, 17]) {
        n++;
        const date = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
        posts.push(date);
        writeFileSync(
          join(dir, `${date}-test-${n}.md`),
          `---\nlayout: post\ntitle: "時間軸測試第 ${n} 篇"\ndate: ${date}T04:00:00.000Z\ntags: [ 測試社 ]\nfrom: https://example.org/news/${n}\n---\n<p>這是第 ${n} 篇測試文章的內文，寫給時間軸。</p>\n`,
        );
      }
    }
  }
  writeFileSync(
    join(dir, '2023-10-20-empty.md'),
    `---\nlayout: post\ntitle: "只有標題的空白文章"\ndate: 2023-10-20T04:00:00.000Z\ntags: [ 測試社 ]\nfrom: https://example.org/news/empty\n---\n`,
  );
  return dir;
}

describe.skipIf(!available)('an archive of five years in Chromium', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  let postsDir: string;

  beforeAll(async () => {
    postsDir = writeYearsArchive();
    site = await buildAndServe('reader-years', postsDir, '/');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    rmSync(postsDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  });
  afterEach(() => page.close());

  it('zooms the timeline from years to months to days, labelled for its bars, and jumps to the newest day', async () => {
    await page.goto(site.url);
    await page.getByText('共 41 篇').waitFor();
    await page.getByRole('button', { name: /篩選/ }).click();
    await page.getByText('每年文章數').waitFor();
    expect(await page.locator('.timeline-bar').count()).toBe(5);
    await page.getByRole('button', { name: '2021：8 篇' }).click();
    await page.getByText('每月文章數 · 2021').waitFor();
    expect(await page.locator('.timeline-bar').count()).toBe(12);
    await page.getByText('共 8 篇').waitFor();
    await page.getByRole('button', { name: '2021-04：2 篇' }).click();
    await page.getByText('每日文章數 · 2021-04').waitFor();
    expect(await page.locator('.timeline-bar').count()).toBe(30);
    await page.getByText('共 2 篇').waitFor();
    // Bars a finger can hit: at least 8 px wide.
    const widths = await page.locator('.timeline-bar').evaluateAll((bars) => bars.map((bar) => bar.getBoundingClientRect().width));
    expect(Math.min(...widths)).toBeGreaterThanOrEqual(8);
    await page.getByRole('button', { name: '2021-04-17：1 篇' }).click();
    await page.getByText('共 1 篇').waitFor();
    await page.getByRole('button', { name: /回到上一層/ }).click();
    await page.getByText('每月文章數 · 2021').waitFor();
    await page.getByRole('button', { name: '跳到最新一天' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?from=2023-10-20&to=2023-10-20');
    await page.getByText('每日文章數 · 2023-10').waitFor();
    // Shortcuts count from 2023-10-20, not from today.
    await page.getByRole('button', { name: '最新 30 天' }).click();
    await expect.poll(() => new URL(page.url()).search).toBe('?from=2023-09-21&to=2023-10-20');
    await page.getByText('共 3 篇').waitFor();
  });

  it('says so when an article has no text', async () => {
    await page.goto(`${site.url}?from=2023-10-20&to=2023-10-20`);
    await page.getByRole('article', { name: '只有標題的空白文章' }).getByRole('link').click();
    await page.getByRole('heading', { level: 1, name: '只有標題的空白文章' }).waitFor();
    await page.getByRole('note').getByText('這篇文章沒有內文。').waitFor();
  });
});
