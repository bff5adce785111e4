/**
 * End-to-end support: build the site with Vite's API into its own folder, serve it with `vite preview`,
 * and drive Debian's Chromium with playwright-core.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HEADLESS_CHROMIUM_FLAGS } from '../../src/tools/served-site.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = resolve(ROOT, 'test-artifacts');
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = HEADLESS_CHROMIUM_FLAGS;

export interface Site {
  url: string;
  outDir: string;
  close: () => Promise<void>;
}

/** Builds `postsDir` into `dist-e2e-<name>/` under `base`, with these settings besides, and serves it on a free port. */
export async function buildAndServe(name: string, postsDir: string, base: string, settings: Record<string, string> = {}): Promise<Site> {
  const outDir = resolve(ROOT, `dist-e2e-${name}`);
  const env = { ...settings, POSTS_DIR: postsDir };
  const previous = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  Object.assign(process.env, env);
  try {
    await build({ root: ROOT, base, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const server: PreviewServer = await preview({ root: ROOT, base, logLevel: 'warn', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const address = server.httpServer.address();
  const port = typeof address === 'object' && address ? address.port : 4173;
  return { url: `http://127.0.0.1:${port}${base}`, outDir, close: () => server.close() };
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Collects what a page should never do: errors, dialogs, third-party scripts, navigations away. */
export async function watchPage(page: Page, origin: string): Promise<string[]> {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // Pictures of real posts point at news CDNs this offline machine cannot reach: expected, not a fault.
    if (message.type() === 'error' && !/ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(message.text())) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.on('request', (request) => {
    const url = request.url();
    if (['script', 'stylesheet', 'document', 'xhr', 'fetch'].includes(request.resourceType()) && !url.startsWith(origin)) {
      problems.push(`third-party ${request.resourceType()}: ${url}`);
    }
  });
  // Anything the Content-Security-Policy had to block is something that tried to run or load.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on('framenavigated', (frame) => {
    if (!frame.url().startsWith(origin) && frame.url() !== 'about:blank') problems.push(`navigated away: ${frame.url()}`);
  });
  return problems;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resolve(ARTIFACTS, 'screenshots'), { recursive: true });
  const path = resolve(ARTIFACTS, 'screenshots', `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Layout shifts since the page started (PerformanceObserver, buffered): their total score, and each
 * shift with what moved, for a failing test to say which element it was.
 */
export async function layoutShifts(page: Page): Promise<{ total: number; moved: string[] }> {
  return page.evaluate(
    () =>
      new Promise<{ total: number; moved: string[] }>((done) => {
        type Source = { node?: Node | null; previousRect: DOMRectReadOnly; currentRect: DOMRectReadOnly };
        const found = { total: 0, moved: [] as string[] };
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: Source[] })[]) {
            if (entry.hadRecentInput) continue;
            found.total += entry.value;
            const what = (entry.sources ?? []).map(({ node, previousRect: was, currentRect: now }) => {
              const name =
                node instanceof Element
                  ? `${node.tagName.toLowerCase()}${node.className ? `.${String(node.className).split(' ').join('.')}` : ''}`
                  : (node?.nodeName ?? '?');
              return `${name} y ${Math.round(was.y)}→${Math.round(now.y)} h ${Math.round(was.height)}→${Math.round(now.height)}`;
            });
            found.moved.push(`${entry.value.toFixed(4)} at ${Math.round(entry.startTime)} ms: ${what.join(', ')}`);
          }
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => done(found), 300);
      }),
  );
}

/**
 * axe-core's violations on the page as it stands, one line each (rule, impact, first target), for a
 * failing test to say what and where. axe's own script is injected (as its README advises for a
 * page it does not load itself).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const source = readFileSync(resolve(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  // Evaluated by the browser's debugging protocol, which the page's Content-Security-Policy (no inline
  // script) does not govern: a <script> tag would be blocked, rightly.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(source);
  return page.evaluate(async () => {
    type Result = { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<Result> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}`);
  });
}

/**
 * Rows of the list whose content leaves their box (a title, meta line, excerpt or picture reaching below
 * or beside the row, or a meta line wrapped onto a second line), described for a failing test.
 */
export async function overflowingRows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    for (const row of document.querySelectorAll<HTMLElement>('.post-row:not(.post-row-placeholder)')) {
      const box = row.getBoundingClientRect();
      const title = row.querySelector('.post-row-title')?.textContent ?? '?';
      for (const part of row.querySelectorAll<HTMLElement>('.post-row-title, .post-row-meta, .post-row-excerpt, .post-row-thumb')) {
        const inner = part.getBoundingClientRect();
        if (inner.height === 0) continue;
        if (inner.bottom > box.bottom + 0.5 || inner.right > box.right + 0.5 || inner.top < box.top - 0.5) {
          problems.push(
            `${title}: .${part.className.split(' ')[0]} ${Math.round(inner.top)}–${Math.round(inner.bottom)} outside ${Math.round(box.top)}–${Math.round(box.bottom)}`,
          );
        }
        // Cut, not wrapped: the meta line and the excerpt hold one line each.
        const lineHeight = parseFloat(getComputedStyle(part).lineHeight);
        if (part.matches('.post-row-meta, .post-row-excerpt') && inner.height > lineHeight * 1.5)
          problems.push(`${title}: .${part.className} wraps (${Math.round(inner.height)} px)`);
      }
    }
    return problems;
  });
}
