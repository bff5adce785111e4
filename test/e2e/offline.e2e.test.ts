/**
 * The offline app in Chromium (issue 25): the service worker keeps what was read; a saved day reads
 * offline; a deploy's new version is offered, and until it is taken the old one keeps its own chunks.
 */
import { resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchChromium, ROOT, screenshot, watchPage } from './support.ts';

const OUT_DIR = resolve(ROOT, 'dist-e2e-offline');
/** A day of the demo posts holding several of them. */
const DAY = '2026-11-12';

/** Builds the demo posts; `version` names the chunks apart, as a deploy of changed code would. */
async function buildSite(version: string): Promise<void> {
  const previous = process.env['POSTS_DIR'];
  process.env['POSTS_DIR'] = resolve(ROOT, 'posts');
  try {
    await build({
      root: ROOT,
      logLevel: 'warn',
      build: {
        outDir: OUT_DIR,
        emptyOutDir: true,
        rollupOptions: { output: { entryFileNames: `assets/[name]-${version}-[hash].js`, chunkFileNames: `assets/[name]-${version}-[hash].js` } },
      },
    });
  } finally {
    if (previous === undefined) delete process.env['POSTS_DIR'];
    else process.env['POSTS_DIR'] = previous;
  }
}

/** Served on the same port each time: the worker is registered for that origin. */
async function serve(port: number): Promise<PreviewServer> {
  return preview({ root: ROOT, logLevel: 'warn', build: { outDir: OUT_DIR }, preview: { port, strictPort: port !== 0, host: '127.0.0.1' } });
}

function portOf(server: PreviewServer): number {
  const address = server.httpServer.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Waits until the service worker controls the page. */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
}

describe.runIf(chromiumAvailable())('the offline app in Chromium', () => {
  let browser: Browser;
  let server: PreviewServer;
  let url: string;
  beforeAll(async () => {
    await buildSite('v1');
    server = await serve(0);
    url = `http://127.0.0.1:${portOf(server)}/`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function freshPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = await watchPage(page, url.slice(0, -1));
    return { context, page, problems };
  }

  it('is installable: Chromium finds no installability error in the manifest, icons and worker', async () => {
    const { context, page } = await freshPage();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);
    const session = await context.newCDPSession(page);
    const { installabilityErrors } = (await session.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    // A test's browser context is incognito, from which Chrome never installs: every other check must pass.
    expect(installabilityErrors.map((error) => error.errorId).filter((id) => id !== 'in-incognito')).toEqual([]);
    const manifest = (await (await page.request.get(`${url}manifest.webmanifest`)).json()) as {
      start_url: string;
      display: string;
      icons: { sizes: string }[];
    };
    expect(manifest).toMatchObject({ start_url: '/', display: 'standalone' });
    expect(manifest.icons.map((icon) => icon.sizes)).toContain('512x512');
    await context.close();
  });

  it('shows the list and an article read before, offline, after a reload', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);
    await page.locator('[data-row-link]').first().click();
    await page.waitForURL(/\/a\//);
    await page.locator('article h1').first().waitFor();
    const title = await page.locator('h1').first().textContent();
    // The worker keeps a response once it has answered with it: wait until the list's and the article's are kept.
    await page.waitForFunction(async () => {
      const kept = (await (await caches.open('cna-reader-data')).keys()).map((request) => new URL(request.url).pathname);
      return ['/data/manifest.json', '/data/shards/', '/data/posts/'].every((path) => kept.some((url) => url.startsWith(path)));
    });

    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('h1').first().textContent()).resolves.toBe(title);
    await page.getByText('離線中').first().waitFor();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await screenshot(page, 'offline-list');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('saves a day for offline reading, with progress and size, then reads all of it offline', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(`${url}?from=${DAY}&to=${DAY}`);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);
    const links = await page.locator('[data-row-link]').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')!));
    expect(links.length).toBeGreaterThan(1);
    // Every text the status line shows while saving, as it shows it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { savingSeen: string[] }).savingSeen = seen;
      new MutationObserver(() => {
        const status = document.querySelector('.save-offline-status')?.textContent;
        if (status && seen.at(-1) !== status) seen.push(status);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: '離線保存' }).click();
    const done = page.getByText(new RegExp(`^已離線保存 ${links.length} 篇（\\d+(\\.\\d)? (KB|MB)）$`));
    await done.waitFor();
    const seen = await page.evaluate(() => (window as unknown as { savingSeen: string[] }).savingSeen);
    // It counts up while saving (articles saved in the same tick may show as one step: 0, 2, then done).
    const counts = seen.map((status) => /^離線保存中：(\d+)／(\d+) 篇$/.exec(status)).filter((match) => match !== null);
    expect(counts.every((match) => Number(match[2]) === links.length)).toBe(true);
    const saved = counts.map((match) => Number(match[1]));
    expect(saved).toEqual([...saved].sort((a, b) => a - b));
    expect(saved.some((count) => count > 0 && count < links.length)).toBe(true);
    expect(Number((await done.textContent())!.match(/（(\d+)/)![1])).toBeGreaterThan(0);
    await screenshot(page, 'offline-saved-day');

    await context.setOffline(true);
    let pictures = 0;
    for (const href of links) {
      await page.goto(new URL(href, url).href);
      await expect(page.locator('h1').first().textContent()).resolves.not.toBe('');
      await page.locator('.article-body, article p').first().waitFor();
      // The site's own pictures (the demo's are) come from the worker's cache too.
      for (const picture of await page.locator('article figure img').all()) {
        await expect.poll(() => picture.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
        pictures++;
      }
    }
    expect(pictures).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the new version after a deploy, and serves the old one its own chunks until the reader takes it', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);

    // The deploy: new chunks under new names, the old ones gone from the server.
    const port = portOf(server);
    await server.close();
    await buildSite('v2');
    server = await serve(port);

    await page.reload();
    await page.getByRole('button', { name: '有新版本，重新載入' }).waitFor({ timeout: 60_000 });
    // Still the old version: its article chunk (named v1) comes from its own cache. The article's own
    // heading, not the list's, which stays up while the article's chunk loads.
    await page.locator('[data-row-link]').first().click();
    await page.locator('article h1').waitFor();
    const chunks = () => performance.getEntriesByType('resource').map((entry) => entry.name);
    expect((await page.evaluate(chunks)).filter((name) => name.includes('/assets/article-page-'))).toEqual([expect.stringContaining('-v1-')]);
    await screenshot(page, 'offline-update-offered');

    // Taken: the app stands aside, the new worker takes over, and the page reloads onto the new version.
    const reloaded = page.waitForEvent('load', { timeout: 60_000 });
    await page.getByRole('button', { name: '有新版本，重新載入' }).click();
    await reloaded;
    expect(await page.evaluate(() => [...document.scripts].map((script) => script.src).join(' '))).toContain('-v2-');
    await page.locator('article h1').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it("keeps the replaced version's chunks after the new one takes over, for its pages still loading", async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);
    const oldEntry = await page.evaluate(() => document.querySelector<HTMLScriptElement>('script[type="module"][src]')!.src);

    const port = portOf(server);
    await server.close();
    await buildSite('v3');
    server = await serve(port);
    await page.reload();
    await page.getByRole('button', { name: '有新版本，重新載入' }).click();
    await page.waitForFunction(() => [...document.scripts].some((script) => script.src.includes('-v3-')), undefined, { timeout: 60_000 });

    // The server has only the new build (its SPA fallback answers with HTML); the worker still has the old entry chunk.
    expect((await page.request.get(oldEntry)).headers()['content-type']).not.toMatch(/javascript/);
    const viaWorker = await page.evaluate(async (chunk) => {
      const response = await fetch(chunk);
      return `${response.status} ${response.headers.get('content-type')}`;
    }, oldEntry);
    expect(viaWorker).toMatch(/^200 .*javascript/);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('moves every open tab of the site to the new version when the reader takes it in one', async () => {
    const { context, page, problems } = await freshPage();
    await page.goto(url);
    await page.locator('[data-row-link]').first().waitFor();
    await controlled(page);
    const other = await context.newPage();
    const otherProblems = await watchPage(other, url.slice(0, -1));
    await other.goto(`${url}?from=${DAY}&to=${DAY}`);
    await other.locator('[data-row-link]').first().waitFor();

    const port = portOf(server);
    await server.close();
    await buildSite('v4');
    server = await serve(port);
    await page.reload();
    await page.getByRole('button', { name: '有新版本，重新載入' }).click();

    for (const tab of [page, other]) {
      await tab.waitForFunction(() => [...document.scripts].some((script) => script.src.includes('-v4-')), undefined, { timeout: 60_000 });
      await tab.locator('[data-row-link]').first().waitFor();
    }
    // The other tab kept its view through the reload.
    expect(new URL(other.url()).search).toBe(`?from=${DAY}&to=${DAY}`);
    expect([...problems, ...otherProblems]).toEqual([]);
    await context.close();
  });
});
