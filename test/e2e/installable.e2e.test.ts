/**
 * The installable app, checked as Lighthouse's PWA category checked it before Lighthouse 12 dropped it
 * (installable manifest, a service worker controlling the page, the start URL answering offline), asked
 * of Chromium itself through its debugging protocol. The browser runs with a profile of its own on disk:
 * Chromium never installs from an incognito context, which every other test's context is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildAndServe, chromiumAvailable, CHROMIUM, CHROMIUM_ARGS, ROOT, screenshot, watchPage, type Site } from './support.ts';

const available = chromiumAvailable();
if (!available) console.warn('[e2e] SKIPPED: no Chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');

const PUBLISHED_AT = 'https://reader.example.org/archive/';

interface AppManifest {
  url: string;
  errors: { message: string; critical: number }[];
  data?: string;
}

describe.skipIf(!available)('the installable app in Chromium', () => {
  let site: Site;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    // Published at an address of its own: the feeds are written and announced.
    site = await buildAndServe('installable', resolve(ROOT, 'posts'), '/', { SITE_URL: PUBLISHED_AT });
    profile = mkdtempSync(join(tmpdir(), 'cna-reader-profile-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
    problems = await watchPage(page, new URL(site.url).origin);
    await page.goto(site.url);
    await page.locator('[data-row-link]').first().waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await site?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("announces the archive's Atom feed, which a feed reader finds at the address given", async () => {
    const link = page.locator('head link[rel="alternate"][type="application/atom+xml"]');
    await expect(link.count()).resolves.toBe(1);
    const href = new URL((await link.getAttribute('href'))!, site.url).href;
    const answer = await page.request.get(href);
    expect(answer.status()).toBe(200);
    // Read as a feed reader would: well-formed Atom, every entry linking to its article at the published address.
    const ids = await page.evaluate(
      (xml) => {
        const feed = new DOMParser().parseFromString(xml, 'application/xml');
        if (feed.getElementsByTagName('parsererror').length > 0 || feed.documentElement.namespaceURI !== 'http://www.w3.org/2005/Atom') return [];
        return [...feed.documentElement.children]
          .filter((child) => child.localName === 'entry')
          .map((entry) => entry.querySelector(':scope > id')?.textContent ?? '');
      },
      await answer.text(),
    );
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.every((id) => id.startsWith(`${PUBLISHED_AT}a/`))).toBe(true);
  });

  it('has a service worker controlling the page', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    const worker = await page.evaluate(() => navigator.serviceWorker.controller!.scriptURL);
    expect(worker).toBe(`${site.url}sw.js`);
  });

  it('is installable: Chromium reads the manifest without error and finds no installability error', async () => {
    const session = await context.newCDPSession(page);
    const manifest = (await session.send('Page.getAppManifest')) as AppManifest;
    expect(manifest.url).toBe(`${site.url}manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const { installabilityErrors } = (await session.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    expect(installabilityErrors).toEqual([]);
    await session.detach();
  });

  it('gives the splash screen and the address bar their colours and a maskable icon, as the PWA audits asked', async () => {
    const session = await context.newCDPSession(page);
    const manifest = JSON.parse(((await session.send('Page.getAppManifest')) as AppManifest).data!) as {
      name: string;
      short_name: string;
      theme_color: string;
      background_color: string;
      icons: { sizes: string; purpose?: string }[];
    };
    await session.detach();
    expect(manifest.name).not.toBe('');
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    expect(manifest.background_color).toMatch(/^#/);
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe(manifest.theme_color);
    expect(manifest.icons.some((icon) => icon.purpose === 'maskable')).toBe(true);
    expect(await page.locator('meta[name="viewport"]').getAttribute('content')).toContain('width=device-width');
  });

  it('loads its start URL offline', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    // What the list read is kept as it answers: wait until the worker holds the manifest and a shard.
    await page.waitForFunction(async () => {
      const kept = (await (await caches.open('cna-reader-data')).keys()).map((request) => new URL(request.url).pathname);
      return kept.includes('/data/manifest.json') && kept.some((path) => path.startsWith('/data/shards/'));
    });
    await context.setOffline(true);
    try {
      const response = await page.goto(site.url);
      expect(response?.status()).toBe(200);
      expect(response?.fromServiceWorker()).toBe(true);
      await page.locator('[data-row-link]').first().waitFor();
      await page.getByText('離線中').first().waitFor();
      await screenshot(page, 'installable-start-url-offline');
    } finally {
      await context.setOffline(false);
    }
    expect(problems).toEqual([]);
  });
});
