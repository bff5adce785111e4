/**
 * A built folder served by `vite preview` and a headless Debian Chromium, for the benchmarks.
 */
import type { Browser } from 'playwright-core';

export interface ServedSite {
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The flags this machine needs: no sandbox as root, and no background traffic to a network it lacks (the e2e tests use them too). */
export const HEADLESS_CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The benchmarks also read the heap's size, unrounded. */
export const CHROMIUM_FLAGS = [...HEADLESS_CHROMIUM_FLAGS, '--enable-precise-memory-info'];

/** `vite preview` of a built folder on a free port. */
export async function servePreview(root: string, outDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const { preview } = await import('vite');
  const server = await preview({ root, logLevel: 'silent', build: { outDir }, preview: { port: 0, host: '127.0.0.1' } });
  const address = server.httpServer.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 4173}/`, close: () => server.close() };
}

export async function serveWithChromium(root: string, outDir: string): Promise<ServedSite> {
  const { chromium } = await import('playwright-core');
  const server = await servePreview(root, outDir);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  return {
    url: server.url,
    browser,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
