/**
 * One story reported by three outlets, in real Chromium: the list shows it as one row whose button
 * lists the other reports in place, keyboard and screen reader alike. The posts are our own sentences,
 * written to a temporary folder in the agora format.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, buildAndServe, chromiumAvailable, launchChromium, overflowingRows, screenshot, watchPage, type Site } from './support.ts';

const available = chromiumAvailable();
if (!available) console.warn('[e2e] SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

const WIRE = [
  '交通部今天宣布，連接北部兩座港口的新輪渡航線將於下個月正式啟航，每日往返四班，票價比照既有航線。',
  '交通部官員表示，新航線啟用後，兩港之間的旅行時間可望縮短一小時，並帶動沿線觀光與貨運。',
  '港務公司指出，碼頭候船室已完成整修，新增無障礙通道與電子票證閘門，旅客可預先在網路購票。',
  '地方政府也規劃接駁公車，配合船班時刻發車，讓旅客下船後能直接前往市區與主要景點。',
].join('');
const POSTS = [
  { name: 'ferry-cna', outlet: 'cna', time: '2026-11-20 02:00', title: '北部港口新輪渡航線下月啟航 每日往返四班', body: WIRE },
  { name: 'ferry-rti', outlet: 'rti', time: '2026-11-20 04:00', title: '新輪渡航線下月啟航 每日往返四班', body: `${WIRE}記者現場直擊報導。` },
  { name: 'ferry-rthk', outlet: 'rthk', time: '2026-11-20 06:00', title: '北部港口新輪渡航線下月啟航', body: `據報導，${WIRE}` },
  {
    name: 'weather',
    outlet: 'cna',
    time: '2026-11-20 08:00',
    title: '鋒面週末接近 北部轉雨',
    body: '氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降。山區可能出現局部大雨，民眾從事戶外活動應留意天氣變化，攜帶雨具並注意保暖。氣象署預估下週初鋒面通過後天氣回穩。',
  },
  {
    name: 'library',
    outlet: 'rthk',
    time: '2026-11-19 08:00',
    title: '市立圖書館延長夜間開放 試辦三個月',
    body: '市立圖書館今天宣布，總館將試辦延長夜間開放至晚間十一時，為期三個月，期間增加自助借還書機與夜間保全人力，館方將視使用情形決定是否常態實施。',
  },
];

function writePosts(): string {
  const folder = mkdtempSync(join(tmpdir(), 'cna-reader-story-posts-'));
  for (const post of POSTS) {
    const front = ['---', 'layout: post', `title: ${post.title}`, `date: ${post.time}:00.000000000 +00:00`, `link: https://news.example.tw/${post.name}`];
    writeFileSync(
      join(folder, `${post.time.slice(0, 10)}-${post.name}.html`),
      [...front, `categories: ${post.outlet}`, '---', '', `<p>${post.body}</p>`, ''].join('\n'),
    );
  }
  return folder;
}

describe.skipIf(!available)('one story across outlets in the list, in Chromium', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    site = await buildAndServe('stories', writePosts(), '/');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  afterEach(async () => {
    await page.close();
    expect(problems).toEqual([]);
  });

  const open = async (viewport: { width: number; height: number }) => {
    page = await browser.newPage({ viewport });
    problems = await watchPage(page, new URL(site.url).origin);
    await page.goto(site.url);
    await page.getByText('共 5 篇').waitFor();
  };

  it('collapses the three reports under the newest, and lists them in place when its button is pressed', async () => {
    await open({ width: 1280, height: 900 });
    const leader = page.getByRole('article', { name: '北部港口新輪渡航線下月啟航', exact: true });
    const toggle = leader.getByRole('button', { name: '另有 2 家媒體報導' });
    await toggle.waitFor();
    expect(await page.getByRole('article').count()).toBe(3);
    await screenshot(page, 'story-collapsed-desktop');
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.getByRole('article', { name: '新輪渡航線下月啟航 每日往返四班', exact: true }).waitFor();
    const titles = await page.locator('.post-row-title').allTextContents();
    expect(titles.slice(0, 4)).toEqual([
      '鋒面週末接近 北部轉雨',
      '北部港口新輪渡航線下月啟航',
      '新輪渡航線下月啟航 每日往返四班',
      '北部港口新輪渡航線下月啟航 每日往返四班',
    ]);
    expect(await overflowingRows(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'story-expanded-desktop');
  });

  it('opens the group from the keyboard, and j walks into the reports it shows', async () => {
    await open({ width: 390, height: 844 });
    const toggle = page.getByRole('button', { name: '另有 2 家媒體報導' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    // From the group's button, the next row down is its first other report.
    await page.keyboard.press('j');
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('article')?.querySelector('.post-row-title')?.textContent))
      .toBe('新輪渡航線下月啟航 每日往返四班');
    await screenshot(page, 'story-expanded-phone');
  });
});
