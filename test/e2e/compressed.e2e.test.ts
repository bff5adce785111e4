/**
 * The demo archive built with compressed data files (CNA_READER_COMPRESS=gzip), in Chromium: served as a
 * static host serves them (no Content-Encoding), the reader inflates them itself, and the service
 * worker's caches and 離線保存 keep them for reading offline.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildAndServe, chromiumAvailable, launchChromium, ROOT, screenshot, watchPage, type Site } from './support.ts';

const available = chromiumAvailable();
if (!available) console.warn('[e2e] SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

/** A day of the demo posts holding several of them. */
const DAY = '2026-11-12';

describe.skipIf(!available)('the demo archive with compressed data files, in Chromium', () => {
  let site: Site;
  let browser: Browser;

  beforeAll(async () => {
    const previous = process.env['CNA_READER_COMPRESS'];
    process.env['CNA_READER_COMPRESS'] = 'gzip';
    try {
      site = await buildAndServe('compressed', resolve(ROOT, 'posts'), '/');
    } finally {
      if (previous === undefined) delete process.env['CNA_READER_COMPRESS'];
      else process.env['CNA_READER_COMPRESS'] = previous;
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  async function freshPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems = await watchPage(page, new URL(site.url).origin);
    return { context, page, problems };
  }

  it('is built with its data files compressed, the manifest saying so, and served still compressed', async () => {
    const data = resolve(site.outDir, 'data');
    expect(JSON.parse(readFileSync(resolve(data, 'manifest.json'), 'utf8'))).toMatchObject({ compression: 'gzip' });
    expect([...readFileSync(resolve(data, 'shards/0.json')).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    // `vite preview` compresses responses again, with a Content-Encoding: that layer the client undoes, the
    // build's own it is left to inflate, as on hosts that send the file as it is.
    const response = await fetch(`${site.url}data/shards/0.json`);
    expect([...new Uint8Array(await response.arrayBuffer()).subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  });

  it('lists the posts, opens an article and searches', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(site.url);
    await page.getByText('共 23 篇').waitFor();
    const title = '示範：含有危險標記的貼文會被安全處理';
    await page.getByRole('article', { name: title }).waitFor();
    await screenshot(page, 'compressed-list');

    await page.getByRole('article', { name: title }).locator('[data-row-link]').click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.locator('.article-body p').first().waitFor();
    await screenshot(page, 'compressed-article');

    await page.goto(site.url);
    await page.getByText('共 23 篇').waitFor();
    await page.getByRole('searchbox', { name: '搜尋' }).fill('普京');
    await page.getByText('共 2 篇').waitFor();
    await page.getByRole('article', { name: '非洲之角干旱持续 联合国呼吁增加援助' }).waitFor();
    await screenshot(page, 'compressed-search');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('saves a day for offline reading and reads it offline, and reloads the list offline', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(`${site.url}?from=${DAY}&to=${DAY}`);
    await page.locator('[data-row-link]').first().waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const links = await page.locator('[data-row-link]').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')!));
    expect(links.length).toBeGreaterThan(1);
    await page.getByRole('button', { name: '離線保存' }).click();
    await page.getByText(`已離線保存 ${links.length} 篇`).waitFor();

    await context.setOffline(true);
    for (const href of links) {
      await page.goto(new URL(href, site.url).href);
      await expect(page.locator('h1').first().textContent()).resolves.not.toBe('');
      await page.locator('.article-body p').first().waitFor();
    }
    await page.goto(`${site.url}?from=${DAY}&to=${DAY}`);
    await page.locator('[data-row-link]').first().waitFor();
    expect(await page.locator('[data-row-link]').count()).toBe(links.length);
    expect(problems).toEqual([]);
    await context.close();
  });
});
