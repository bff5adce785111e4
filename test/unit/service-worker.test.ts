/**
 * The service worker's build (src/indexer/vite/build-service-worker.ts): what it precaches of a built site,
 * and that it writes one self-contained sw.js. Its behaviour in Chromium is test/e2e/offline.e2e.test.ts's.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServiceWorker, shellFiles, shellManifest } from '../../src/indexer/vite/build-service-worker.ts';

const SITE: Record<string, string> = {
  'index.html': '<!doctype html><title>站</title>',
  '404.html': '<!doctype html><title>站</title>',
  'assets/index-a1b2c3d4.js': 'console.log(1)',
  'assets/index-a1b2c3d4.css': 'body{}',
  'icon-192.png': 'png',
  'manifest.webmanifest': '{}',
  'nested/extra.svg': '<svg/>',
  'notes.txt': 'not a shell file',
  'ingest-report.json': '{}',
  'sw.js': 'old worker',
  'data/manifest.json': '{}',
  'data/posts/00/1.json': '{}',
  'archive-assets/picture.png': 'png',
};

describe('the service worker build', () => {
  let site: string | undefined;
  const makeSite = () => {
    site = mkdtempSync(join(tmpdir(), 'sw-site-'));
    for (const [path, body] of Object.entries(SITE)) {
      mkdirSync(dirname(join(site, path)), { recursive: true });
      writeFileSync(join(site, path), body);
    }
    return site;
  };
  afterEach(() => {
    if (site) rmSync(site, { recursive: true, force: true });
  });

  it('precaches the app shell, not the data, the pictures, the report, the 404 page or itself', async () => {
    const shell = await shellFiles(makeSite());
    expect(shell.map((file) => file.url)).toEqual([
      'assets/index-a1b2c3d4.css',
      'assets/index-a1b2c3d4.js',
      'icon-192.png',
      'index.html',
      'manifest.webmanifest',
      'nested/extra.svg',
    ]);
  });

  it('gives hashed chunks no revision and other files the MD5 of their bytes', async () => {
    const manifest = await shellManifest(await shellFiles(makeSite()));
    expect(manifest.find((entry) => entry.url === 'assets/index-a1b2c3d4.js')?.revision).toBeNull();
    // md5('{}')
    expect(manifest.find((entry) => entry.url === 'manifest.webmanifest')?.revision).toBe('99914b932bd37a50b983c5e7c90ae93b');
  });

  it('writes one sw.js holding Workbox and the precache list, importing nothing', async () => {
    const dir = makeSite();
    const { files } = await buildServiceWorker(dir, {
      base: '/archive/',
      dataCache: 'data',
      dataEntries: 10,
      pictureCache: 'pictures',
      pictureEntries: 5,
      pictureDays: 1,
    });
    const worker = readFileSync(join(dir, 'sw.js'), 'utf8');
    expect(files).toBe(6);
    expect(worker).toContain('"index.html"');
    expect(worker).toContain('SKIP_WAITING');
    expect(worker).not.toMatch(/\bimportScripts\(|^import /m);
  });

  it('writes the same sw.js again for the same shell and settings, and another for another shell', async () => {
    const settings = { base: '/', dataCache: 'data', dataEntries: 10, pictureCache: 'pictures', pictureEntries: 5, pictureDays: 1 };
    const dir = makeSite();
    await buildServiceWorker(dir, settings);
    const first = readFileSync(join(dir, 'sw.js'), 'utf8');
    writeFileSync(join(dir, 'sw.js'), 'old worker');
    await buildServiceWorker(dir, settings);
    expect(readFileSync(join(dir, 'sw.js'), 'utf8')).toBe(first);
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>新站</title>');
    await buildServiceWorker(dir, settings);
    expect(readFileSync(join(dir, 'sw.js'), 'utf8')).not.toBe(first);
  });
});
