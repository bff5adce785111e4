/**
 * What a reader's first visit to a built site fetches, gzip-compressed as a host sends it: every response
 * the page asks for until the list shows its rows and the network is quiet (opened in Debian's Chromium),
 * then what the service worker precaches in the background (its list, read from the built sw.js).
 *
 *   npx tsx src/tools/first-load.ts dist
 *
 * For measuring; nothing here ships. Sizes are gzip level 6 (what common hosts use) of each file's bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT } from './bench-builds.ts';
import { serveWithChromium } from './served-site.ts';

interface Fetched {
  path: string;
  type: string;
  bytes: number;
  gzipBytes: number;
}

const gzipSize = (bytes: Uint8Array) => gzipSync(bytes, { level: 6 }).length;

/** The page's own fetches, in the order they answered, until its first rows show and the network rests. */
export async function firstLoad(outDir: string): Promise<Fetched[]> {
  const site = await serveWithChromium(ROOT, outDir);
  try {
    const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const fetched: Promise<Fetched | undefined>[] = [];
    // The page's requests the worker answers are reported twice, the worker's own fetch without a body: the page's counts.
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (!response.url().startsWith(site.url) || response.status() !== 200) return;
      fetched.push(
        response
          .body()
          .then((body) => ({ path: url.pathname, type: response.request().resourceType(), bytes: body.length, gzipBytes: gzipSize(body) }))
          .catch(() => undefined),
      );
    });
    await page.goto(site.url, { waitUntil: 'networkidle' });
    await page.locator('.post-row-title').first().waitFor();
    await page.waitForLoadState('networkidle');
    const byPath = new Map<string, Fetched>();
    for (const entry of await Promise.all(fetched)) if (entry && entry.bytes > (byPath.get(entry.path)?.bytes ?? -1)) byPath.set(entry.path, entry);
    return [...byPath.values()];
  } finally {
    await site.close();
  }
}

/** The files the built service worker precaches (its Workbox manifest), with their gzip sizes. */
export function precached(outDir: string): Fetched[] {
  const worker = join(outDir, 'sw.js');
  if (!existsSync(worker)) return [];
  const urls = [...readFileSync(worker, 'utf8').matchAll(/"?url"?: *"([^"]+)", *"?revision"?:/g)].map((match) => match[1]!);
  return urls.map((url) => {
    const body = readFileSync(join(outDir, url));
    return { path: url, type: 'precache', bytes: body.length, gzipBytes: gzipSize(body) };
  });
}

const kb = (bytes: number) => (bytes / 1024).toFixed(1);

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? 'dist');
  const page = await firstLoad(outDir);
  console.log(`first load of ${outDir}: what the page fetched until its rows showed and the network rested`);
  for (const entry of [...page].sort((a, b) => b.gzipBytes - a.gzipBytes)) {
    console.log(`  ${kb(entry.gzipBytes).padStart(7)} KB gz  ${kb(entry.bytes).padStart(7)} KB  ${entry.type.padEnd(10)} ${entry.path}`);
  }
  const total = page.reduce((sum, entry) => sum + entry.gzipBytes, 0);
  console.log(`  total ${kb(total)} KB gz (${page.length} responses)`);
  const shell = precached(outDir);
  const shellTotal = shell.reduce((sum, entry) => sum + entry.gzipBytes, 0);
  console.log(`precached by the service worker afterwards: ${kb(shellTotal)} KB gz (${shell.length} files)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
