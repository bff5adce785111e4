/**
 * The reader's journey through the demo posts, in real Chromium, with the site built under a sub-path
 * (as on GitHub Pages) and served by `vite preview`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildAndServe, chromiumAvailable, launchChromium, layoutShifts, ROOT, screenshot, watchPage, type Site } from './support.ts';

const BASE = '/cna-reader/';
const available = chromiumAvailable();
if (!available) console.warn('[e2e] SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

describe.skipIf(!available)('the demo archive in Chromium', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    site = await buildAndServe('demo', resolve(ROOT, 'posts'), BASE);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    problems = await watchPage(page, new URL(site.url).origin);
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  const row = (title: string) => page.getByRole('article', { name: title });

  it('ships a 404.html that is the app, so deep links work on static hosts', () => {
    expect(readFileSync(resolve(site.outDir, '404.html'), 'utf8')).toBe(readFileSync(resolve(site.outDir, 'index.html'), 'utf8'));
    const report = JSON.parse(readFileSync(resolve(site.outDir, 'ingest-report.json'), 'utf8'));
    expect(report).toMatchObject({ filesSeen: 24, postsIndexed: 23, duplicatesMerged: 1 });
  });

  it('lists, filters by outlet and by day, opens an article, follows a related story and comes back', async () => {
    await page.goto(site.url);
    await expect.poll(() => page.getByText('共 23 篇').count()).toBe(1);
    await row('示範：含有危險標記的貼文會被安全處理').waitFor();

    // Filter by an outlet, then by a day on the timeline, then clear.
    await page.getByRole('checkbox', { name: /香港電台/ }).click();
    await page.getByText('共 4 篇').waitFor();
    expect(await page.getByRole('checkbox', { name: /香港電台/ }).isChecked()).toBe(true);
    expect(new URL(page.url()).searchParams.getAll('tag')).toEqual(['rthk']);
    await page.getByRole('button', { name: '2026-11-14：1 篇' }).click();
    await page.getByText('共 1 篇').waitFor();
    await row('天文台：本周後期天氣轉涼 市區最低約16度').waitFor();
    await page.goBack();
    await page.getByText('共 4 篇').waitFor();
    await page.getByRole('button', { name: '清除所有條件' }).click();
    await page.getByText('共 23 篇').waitFor();

    // Scroll to the oldest story and open it.
    await page.mouse.wheel(0, 2400);
    const harbor = row('基隆港夜間燈光秀延長 市府盼帶動週末觀光');
    await harbor.waitFor();
    await harbor.scrollIntoViewIfNeeded();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    expect(scrollBefore).toBeGreaterThan(500);
    await harbor.getByRole('link').click();

    // The article: figure with caption and srcset, loaded; related stories.
    await page.getByRole('heading', { level: 1, name: '基隆港夜間燈光秀延長 市府盼帶動週末觀光' }).waitFor();
    const img = page.locator('.article-body figure img').first();
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    expect(await img.getAttribute('srcset')).toContain(`${BASE}archive-assets/demo/harbor-960.png 960w`);
    expect(await img.getAttribute('referrerpolicy')).toBe('no-referrer');
    await page.getByText('基隆港區夜間燈光秀10日晚間試演新段落，吸引民眾駐足觀賞。（中央社）').waitFor();
    const related = page.getByRole('region', { name: '相關新聞' });
    expect(await related.getByRole('link').count()).toBe(3);
    expect(await related.getByRole('link', { name: /基隆港區交通管制措施一覽/ }).getAttribute('target')).toBe('_blank');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // Follow a related story held by the archive.
    await related.getByRole('link', { name: '南迴鐵路新站啟用 偏鄉學生通勤時間縮短半小時' }).click();
    await page.getByRole('heading', { level: 1, name: '南迴鐵路新站啟用 偏鄉學生通勤時間縮短半小時' }).waitFor();
    expect(decodeURIComponent(new URL(page.url()).pathname)).toBe(`${BASE}a/2026-11-11-南迴鐵路新站啟用-偏鄉學生通勤時間縮短半小時`);

    // Back twice: the list, at the same place, with the opened story marked as read.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: '基隆港夜間燈光秀延長 市府盼帶動週末觀光' }).waitFor();
    await page.goBack();
    await harbor.waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    expect(await harbor.getByText('已讀').count()).toBe(1);
  });

  it("fetches the outlets' rows once their list is on screen: at once beside the list, on a phone when the filters open", async () => {
    const tagFiles = (on: Page) => {
      const urls: string[] = [];
      on.on('request', (request) => {
        if (/\/data\/tags\/\d+\.json$/.test(request.url())) urls.push(request.url());
      });
      return urls;
    };
    const outlets = (JSON.parse(readFileSync(resolve(site.outDir, 'data', 'manifest.json'), 'utf8')) as { tags: unknown[] }).tags.length;
    const wide = tagFiles(page);
    await page.goto(site.url);
    await row('示範：含有危險標記的貼文會被安全處理').waitFor();
    // 23 posts are well within the budget: every outlet, without a pointer near any.
    await expect.poll(() => wide.length, { timeout: 5000 }).toBe(outlets);

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const narrow = tagFiles(phone);
    await phone.goto(site.url);
    await phone.getByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' }).waitFor();
    await phone.waitForTimeout(500);
    expect(narrow).toEqual([]);
    await phone.getByRole('button', { name: /篩選/ }).click();
    // Once the panel is on screen (the task after it is drawn).
    await expect.poll(() => narrow.length, { timeout: 5000 }).toBe(outlets);
    await phone.close();
  });

  it('asks for the manifest, the groups and the newest shard first, each once', async () => {
    // From a small chunk of its own that runs as soon as it arrives, not after the app's entry chunk.
    expect(readFileSync(resolve(site.outDir, 'index.html'), 'utf8')).toMatch(
      new RegExp(`<script type="module" async crossorigin src="${BASE}assets/first-fetches-[^"]+\\.js"></script>`),
    );
    // Without the service worker, whose first install copies what the page read into its caches (more requests).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    const fresh = await context.newPage();
    const data: string[] = [];
    fresh.on('request', (request) => {
      if (request.url().includes('/data/')) data.push(new URL(request.url()).pathname.replace(`${BASE}data/`, ''));
    });
    await fresh.goto(site.url);
    await fresh.getByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' }).waitFor();
    await context.close();
    const manifest = JSON.parse(readFileSync(resolve(site.outDir, 'data', 'manifest.json'), 'utf8')) as { shardCount: number };
    const newest = `shards/${manifest.shardCount - 1}.json`;
    // One request each: the list takes what the app's start asked for.
    expect(data.filter((path) => path === 'manifest.json')).toHaveLength(1);
    expect(data.filter((path) => path === 'groups.json')).toHaveLength(1);
    expect(data.filter((path) => path === newest)).toHaveLength(1);
    expect(data.slice(0, 3).sort()).toEqual(['groups.json', 'manifest.json', newest]);
  });

  it('reloads a deep link under the sub-path', async () => {
    const deep = `${site.url}a/${encodeURIComponent('2026-11-12-合歡山迎今冬首波冷空氣-公路總局提醒備妥雪鏈')}`;
    await page.goto(deep);
    await page.getByRole('heading', { level: 1, name: '合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈' }).waitFor();
    expect(await page.title()).toBe('合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈 · 新聞典藏閱讀器');
    await page.goto(`${site.url}?tag=bbc&from=2026-11-13`);
    await page.getByText('共 3 篇').waitFor();
  });

  it('shifts nothing on a deep link whose article code arrives late (a slow network)', async () => {
    // The page is painted before the article view's chunk arrives: what shows meanwhile must sit where
    // the article will (the header drawn, the message in the page's main area).
    await page.route(/\/assets\/article-page-[^/]*\.js$/, async (route) => {
      await new Promise((done) => setTimeout(done, 500));
      await route.continue();
    });
    await page.goto(`${site.url}a/${encodeURIComponent('2026-11-12-合歡山迎今冬首波冷空氣-公路總局提醒備妥雪鏈')}`);
    await page.getByRole('heading', { level: 1, name: '合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈' }).waitFor();
    // None at all: the message shown meanwhile moved the whole page by 16 px (0.0025 here, 0.0125 on a
    // longer article), under the 0.01 the figures' test allows.
    expect((await layoutShifts(page)).moved).toEqual([]);
  });

  it('runs nothing from a hostile post, and keeps its text', async () => {
    await page.goto(`${site.url}a/${encodeURIComponent('2026-11-19-示範-危險標記')}`);
    await page.getByText('最後一段文字也應保留。（編輯：示範）').waitFor();
    await page.getByRole('img', { name: '圖片無法顯示：不存在的圖片' }).waitFor();
    await page.getByText('這個連結原本會執行腳本').click();
    expect(await page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('.article-body :is(script, style, form, iframe, [onclick], [onerror])').count()).toBe(0);
    expect(new URL(page.url()).pathname).toContain('/a/');
  });

  it('does not shift the layout when figures load', async () => {
    await page.goto(`${site.url}a/${encodeURIComponent('2026-11-15-cna-嘉南平原二期稻作收成-農業部-產量較去年略增')}`);
    await page.locator('.article-body figure img').first().waitFor();
    const { total, moved } = await layoutShifts(page);
    expect(total, `layout shifts: ${moved.join('; ')}`).toBeLessThan(0.01);
  });

  it('moves between articles with j and k, and between rows on the list', async () => {
    await page.goto(`${site.url}a/${encodeURIComponent('2026-11-12-合歡山迎今冬首波冷空氣-公路總局提醒備妥雪鏈')}`);
    await page.getByRole('heading', { level: 1, name: '合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈' }).waitFor();
    await page.keyboard.press('k');
    await expect.poll(() => page.locator('h1').textContent()).not.toBe('合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈');
    await page.keyboard.press('j');
    await page.getByRole('heading', { level: 1, name: '合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈' }).waitFor();
    // The list resumes at the article last read (once its place in the list is known): its row has the focus.
    await page.locator('.prev-next a').first().waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.closest('article')?.getAttribute('aria-labelledby'));
    await page.goto(site.url);
    await row('合歡山迎今冬首波冷空氣 公路總局提醒備妥雪鏈').waitFor();
    await expect.poll(focused, { timeout: 5000 }).toBe('title-2026-11-12-合歡山迎今冬首波冷空氣-公路總局提醒備妥雪鏈');
    // A tab that has read nothing (session storage is the tab's own) starts at the top.
    const fresh = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await fresh.goto(site.url);
    await fresh.getByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' }).waitFor();
    await fresh.keyboard.press('j');
    await fresh.keyboard.press('j');
    await expect.poll(() => fresh.evaluate(() => document.activeElement?.closest('article')?.getAttribute('aria-labelledby'))).toMatch(/^title-2026-11-18/);
    await fresh.close();
  });

  it('saves screenshots of the list and an article, phone and desktop, light and dark', async () => {
    const article = `${site.url}a/${encodeURIComponent('2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光')}`;
    for (const [device, viewport] of [
      ['phone', { width: 390, height: 844 }],
      ['desktop', { width: 1280, height: 900 }],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const shot = await browser.newPage({ viewport, colorScheme: scheme, deviceScaleFactor: 1 });
        await shot.goto(site.url);
        await shot.getByText('共 23 篇').waitFor();
        await shot.locator('.post-row-title').first().waitFor();
        await screenshot(shot, `demo-list-${device}-${scheme}`);
        await shot.goto(article);
        await shot.locator('.article-body figure img').first().waitFor();
        await shot.waitForLoadState('networkidle');
        await screenshot(shot, `demo-article-${device}-${scheme}`);
        await shot.close();
      }
    }
  });
  it('searches as the reader types, in either script, combined with an outlet; a result opens highlighted and reloads from its URL', async () => {
    await page.goto(site.url);
    await page.getByText('共 23 篇').waitFor();
    // "/" focuses the search box; results come while typing, with no Enter.
    await page.keyboard.press('/');
    await page.keyboard.type('普京', { delay: 50 });
    await page.getByText('共 2 篇').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('普京');
    // The Simplified post writes 普京 (in its text), the Traditional one 蒲亭, marked in its excerpt.
    await row('非洲之角干旱持续 联合国呼吁增加援助').waitFor();
    await expect.poll(() => row('歐洲多國討論延長核電廠運轉年限').locator('mark.search-hit').allTextContents()).toEqual(['蒲亭']);
    await screenshot(page, 'demo-search-desktop-light');

    // A new query, typed in Simplified, narrowed by an outlet.
    await page.getByRole('searchbox', { name: '搜尋' }).fill('延长');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('延长');
    await expect.poll(() => page.locator('.post-list mark.search-hit').first().textContent()).toBe('延長');
    await page.locator('.post-list[aria-busy="false"]').waitFor();
    const all = Number((await page.getByText(/^共 \d+ 篇$/).textContent())!.match(/\d+/)![0]);
    expect(all).toBeGreaterThan(3);
    await page.getByRole('checkbox', { name: /中央社/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll('tag')).toEqual(['cna']);
    await expect.poll(async () => Number((await page.getByText(/^共 \d+ 篇$/).textContent())!.match(/\d+/)![0])).toBeLessThan(all);
    expect(new URL(page.url()).searchParams.get('q')).toBe('延长');

    // Open the best result: its title and text carry the marks, and the URL carries the query.
    const first = page.locator('.post-list [data-row-link]').first();
    const title = (await first.locator('.post-row-title').textContent())!;
    await first.click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('延长');
    await page.getByText(/本文有 \d+ 處符合「延长」/).waitFor();
    const bodyMarks = await page.locator('.article-body mark.search-hit').allTextContents();
    expect(bodyMarks.length).toBeGreaterThan(0);
    expect(new Set(bodyMarks)).toEqual(new Set(['延長']));

    // Shared and reloaded, the URL shows the same article with the same marks.
    const shared = page.url();
    const other = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const otherProblems = await watchPage(other, new URL(site.url).origin);
    await other.goto(shared);
    await other.getByRole('heading', { level: 1, name: title }).waitFor();
    await expect.poll(() => other.locator('.article-body mark.search-hit').count()).toBe(bodyMarks.length);
    await screenshot(other, 'demo-search-article-phone-light');
    await other.goBack().catch(() => undefined);
    await other.goto(`${site.url}?q=${encodeURIComponent('普京')}`);
    await other.getByText('共 2 篇').waitFor();
    await screenshot(other, 'demo-search-phone-light');
    await other.close();
    expect(otherProblems).toEqual([]);
  });
});
