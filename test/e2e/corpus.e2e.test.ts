/**
 * The reader's journey through the real corpus (CORPUS_DIR), built under a sub-path, in Chromium: the
 * same steps as on the demo posts, plus hostile posts that must run nothing and figures that must not
 * move the page. Skipped, with a message, without the corpus or Chromium.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Manifest, MetaShard, PostBucket } from '../../src/shared/types.ts';
import { postBucketFile, postInBucket, shardFile } from '../../src/shared/types.ts';
import { dayKeyOf } from '../../src/shared/days.ts';
import { slugFromFileName } from '../../src/indexer/parse/ids.ts';
import { buildAndServe, chromiumAvailable, launchChromium, layoutShifts, screenshot, watchPage, type Site } from './support.ts';

const CORPUS_DIR = process.env['CORPUS_DIR'] ? resolve(process.env['CORPUS_DIR']) : undefined;
const available = chromiumAvailable() && CORPUS_DIR !== undefined && existsSync(join(CORPUS_DIR, '_manifest'));
if (!available) console.warn('[e2e corpus] SKIPPED: needs CORPUS_DIR (../shared/corpus) and Chromium at /usr/bin/chromium');

const BASE = '/archive/';

describe.skipIf(!available)('the real corpus in Chromium', () => {
  let site: Site;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let manifest: Manifest;
  const data = <T>(path: string) => JSON.parse(readFileSync(join(site.outDir, 'data', path), 'utf8')) as T;
  /** Every post's metadata, newest first as the list shows them (shards hold them oldest first). */
  const allMetas = () =>
    Array.from({ length: manifest.shardCount }, (_, n) => data<MetaShard>(shardFile(n)).posts)
      .flat()
      .reverse();
  const post = (id: string) => postInBucket(data<PostBucket>(postBucketFile(id, manifest.postBuckets)), id)!;
  const articleUrl = (id: string) => `${site.url}a/${encodeURIComponent(id)}`;

  beforeAll(async () => {
    site = await buildAndServe('corpus', CORPUS_DIR!, BASE);
    manifest = data<Manifest>('manifest.json');
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

  it('lists the whole archive, filters by outlet and day, opens an article, follows a related story and comes back', async () => {
    await page.goto(site.url);
    await page.getByText(`共 ${manifest.postCount.toLocaleString('zh-TW')} 篇`).waitFor();
    await screenshot(page, 'corpus-list-desktop-light');

    const cna = manifest.tags.find((tag) => tag.key === 'cna')!;
    await page.getByRole('checkbox', { name: new RegExp(`^${cna.label}`) }).click();
    await page.getByText(`共 ${cna.count.toLocaleString('zh-TW')} 篇`).waitFor();

    // A CNA story with a figure and a related story that the archive holds, from the built data.
    const metas = allMetas();
    const candidate = metas.find((meta) => meta.tags.includes('cna') && meta.image && post(meta.id).related.some((link) => link.archivedId));
    expect(candidate).toBeDefined();
    const full = post(candidate!.id);
    const day = dayKeyOf(new Date(full.date), manifest.timeZone);
    const dayCount = metas.filter((meta) => meta.tags.includes('cna') && dayKeyOf(new Date(meta.date), manifest.timeZone) === day).length;
    // The timeline zooms from years to months to days (as far as this archive's span needs).
    for (const unit of [day.slice(0, 4), day.slice(0, 7)]) {
      const bar = page.getByRole('button', { name: new RegExp(`^${unit}：`) });
      if ((await bar.count()) > 0) await bar.click();
    }
    await page.getByRole('button', { name: `${day}：${dayCount} 篇` }).click();
    await page.getByText(`共 ${dayCount} 篇`).waitFor();

    const row = page.getByRole('article', { name: full.title });
    await page.mouse.wheel(0, 400);
    for (let i = 0; i < 40 && !(await row.isVisible()); i++) await page.mouse.wheel(0, 600);
    await row.scrollIntoViewIfNeeded();
    const scrollBefore = await page.evaluate(() => window.scrollY);
    await row.getByRole('link').click();

    await page.getByRole('heading', { level: 1, name: full.title }).waitFor();
    const figure = full.figures[0]!;
    if (figure.caption) await page.locator('.article-body figcaption').first().waitFor();
    expect(await page.locator('.article-body figure').count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: /閱讀原文/ }).getAttribute('href')).toBe(full.originalUrl);
    const related = page.getByRole('region', { name: '相關新聞' });
    expect(await related.getByRole('link').count()).toBe(full.related.length);

    const target = full.related.find((link) => link.archivedId)!;
    await related.getByRole('link', { name: target.title, exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: post(target.archivedId!).title }).waitFor();
    await screenshot(page, 'corpus-article-desktop-light');

    await page.goBack();
    await page.getByRole('heading', { level: 1, name: full.title }).waitFor();
    await page.goBack();
    await row.waitFor();
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrollBefore);
  });

  it('reloads a deep link under the sub-path', async () => {
    const [first] = allMetas();
    await page.goto(articleUrl(first!.id));
    await page.getByRole('heading', { level: 1, name: first!.title }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: first!.title }).waitFor();
  });

  it('runs no script from posts whose source carries scripts, handlers or javascript: links', async () => {
    const hostile = hostileSourceIds(CORPUS_DIR!, manifest, site.outDir).slice(0, 25);
    expect(hostile.length).toBeGreaterThanOrEqual(20);
    await page.goto(site.url);
    const baseline = new Set(await page.evaluate(() => Object.keys(window)));
    for (const id of hostile) {
      // Navigate inside the app (no reload), so that anything a post ran would stay in this window.
      await page.evaluate(
        (path) => {
          history.pushState({}, '', path);
          dispatchEvent(new PopStateEvent('popstate'));
        },
        new URL(articleUrl(id)).pathname,
      );
      await page.getByRole('heading', { level: 1, name: post(id).title }).waitFor();
      const added = (await page.evaluate(() => Object.keys(window))).filter((key) => !baseline.has(key));
      expect({ id, added }).toEqual({ id, added: [] });
      // The only style attribute allowed is the one the reader sets on its own broken-picture placeholder.
      expect(
        await page
          .locator('.article-body :is(script, style, iframe, form, object, embed, [style]:not(.image-unavailable), [onclick], [onerror], [onload])')
          .count(),
      ).toBe(0);
    }
  });

  it('does not shift the layout when figures load or fail', async () => {
    const withFigures = allMetas()
      .filter((meta) => meta.image?.width)
      .slice(0, 5);
    for (const meta of withFigures) {
      await page.goto(articleUrl(meta.id));
      await page.getByRole('heading', { level: 1, name: meta.title }).waitFor();
      await page.waitForLoadState('networkidle');
      const { total, moved } = await layoutShifts(page);
      expect({ id: meta.id, shift: total < 0.01 }, `layout shifts: ${moved.join('; ')}`).toEqual({ id: meta.id, shift: true });
    }
  });
});

/** Ids of indexed posts whose source holds <script>, on…= handlers or javascript: URLs. */
function hostileSourceIds(corpusDir: string, manifest: Manifest, outDir: string): string[] {
  const report = JSON.parse(readFileSync(join(outDir, 'ingest-report.json'), 'utf8')) as { problems: { path: string; severity: string }[] };
  const skipped = new Set(report.problems.filter((p) => p.severity === 'error').map((p) => p.path));
  const ids: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(join(dir, entry.name), path);
      else if (/\.(md|html)$/.test(entry.name) && !skipped.has(path)) {
        const source = readFileSync(join(dir, entry.name), 'utf8');
        if (!/<script|\son(error|load|click)\s*=|javascript:/i.test(source)) continue;
        // Posts whose slug collided carry a suffix: those are simply not found here, and skipped.
        const slug = slugFromFileName(entry.name);
        const bucket = join(outDir, 'data', postBucketFile(slug, manifest.postBuckets));
        if (existsSync(bucket) && postInBucket(JSON.parse(readFileSync(bucket, 'utf8')) as PostBucket, slug)) ids.push(slug);
      }
    }
  };
  walk(corpusDir, '');
  return ids;
}
