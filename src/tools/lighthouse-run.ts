/**
 * Lighthouse (performance category, its default mobile profile with simulated slow 4G and a slowed CPU)
 * on pages of a served site, in Debian's Chromium. For the benchmark; nothing here ships.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS } from './served-site.ts';

export interface LighthouseResult {
  page: string;
  /** 0–100. */
  performance: number;
  lcpMs: number;
  cls: number;
  tbtMs: number;
  fcpMs: number;
  /** Bytes over the network, as Lighthouse counts them. */
  transferKB: number;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForDevTools(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/json/version`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`Chromium's DevTools port ${port} did not open`);
}

/** Runs Lighthouse on each page (URLs of a running server), one after another in one Chromium. */
export async function runLighthouse(pages: { name: string; url: string }[]): Promise<LighthouseResult[]> {
  const { default: lighthouse } = await import('lighthouse');
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'cna-reader-lighthouse-'));
  const chromium = spawn('/usr/bin/chromium', [...CHROMIUM_FLAGS, `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: 'ignore',
  });
  try {
    await waitForDevTools(port);
    const results: LighthouseResult[] = [];
    for (const page of pages) {
      const run = await lighthouse(page.url, { port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] });
      if (!run) throw new Error(`Lighthouse returned nothing for ${page.url}`);
      const { lhr } = run;
      if (lhr.runtimeError) throw new Error(`Lighthouse on ${page.url}: ${lhr.runtimeError.message}`);
      const value = (audit: string) => lhr.audits[audit]?.numericValue ?? Number.NaN;
      results.push({
        page: page.name,
        performance: Math.round((lhr.categories['performance']?.score ?? 0) * 100),
        lcpMs: value('largest-contentful-paint'),
        cls: value('cumulative-layout-shift'),
        tbtMs: value('total-blocking-time'),
        fcpMs: value('first-contentful-paint'),
        transferKB: value('total-byte-weight') / 1024,
      });
    }
    return results;
  } finally {
    // Chromium writes to its profile until it has exited.
    const exited = new Promise((done) => chromium.once('exit', done));
    chromium.kill();
    await exited;
    // Its helper processes may still write there a moment: a profile left in /tmp must not lose the results.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch (error) {
      console.warn(`could not remove Chromium's profile ${profile}: ${String(error)}`);
    }
  }
}
