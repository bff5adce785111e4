/**
 * `vite build --watch`: a build that stays up writes the posts' changes as its watch hears of them,
 * without bundling the app again and without listing or statting the posts folder, and writes what a
 * fresh build of the same posts writes.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { postBucketFile, postInBucket, type Manifest, type PostBucket } from '../../src/shared/types.ts';
import { agoraPost } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('vite build --watch', () => {
  const posts = mkdtempSync(join(tmpdir(), 'cna-reader-watch-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-watch-cache-'));
  const outDir = mkdtempSync(join(tmpdir(), 'cna-reader-watch-out-'));
  const saved = { POSTS_DIR: process.env['POSTS_DIR'], CNA_READER_CACHE_DIR: process.env['CNA_READER_CACHE_DIR'] };
  beforeAll(() => {
    process.env['POSTS_DIR'] = posts;
    process.env['CNA_READER_CACHE_DIR'] = cacheDir;
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const read = <T>(out: string, path: string) => JSON.parse(readFileSync(join(out, path), 'utf8')) as T;
  const manifest = () => read<Manifest>(outDir, 'data/manifest.json');
  const postIn = (out: string, id: string) => {
    const path = join(out, 'data', postBucketFile(id, read<Manifest>(out, 'data/manifest.json').postBuckets));
    return existsSync(path) ? postInBucket(read<PostBucket>(out, path.slice(out.length + 1)), id) : undefined;
  };
  const report = () => read<{ phases: [string, number][]; plan: { patched: boolean } }>(outDir, 'ingest-report.json');
  /** Every data file but the build id, as text. */
  const dataFiles = (out: string) =>
    readdirSync(join(out, 'data'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name !== '.build-id')
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [
          path.slice(out.length),
          path.endsWith('manifest.json') ? readFileSync(path, 'utf8').replace(/"builtAt":"[^"]*"/, '') : readFileSync(path).toString('base64'),
        ];
      })
      .sort();

  it('writes a post edited, added in a new folder, or removed, as a fresh build would, without bundling again', async () => {
    for (const [name, title, day] of [
      ['a', '甲', '01'],
      ['b', '乙', '02'],
      ['c', '丙', '03'],
      ['d', '丁', '04'],
    ] as const) {
      writeFileSync(join(posts, `2026-11-${day}-${name}.html`), agoraPost(title, day));
    }
    const watcher = (await build({ root: ROOT, logLevel: 'silent', build: { outDir, emptyOutDir: true, watch: {} } })) as unknown as { close(): Promise<void> };
    try {
      await expect.poll(() => existsSync(join(outDir, 'ingest-report.json')), { timeout: 30_000, interval: 100 }).toBe(true);
      expect(manifest().postCount).toBe(4);
      const bundled = statSync(join(outDir, 'index.html')).mtimeMs;

      writeFileSync(join(posts, '2026-11-01-a.html'), agoraPost('甲（更正）', '01'));
      await expect.poll(() => postIn(outDir, '2026-11-01-a')?.title, { timeout: 10_000, interval: 100 }).toBe('甲（更正）');
      // The build knew which file changed: it neither listed the folder nor statted the others.
      await expect.poll(() => report().phases[0]?.[0]).toBe('files known');
      expect(report().plan.patched).toBe(true);

      mkdirSync(join(posts, 'archived', '2026-11-05'), { recursive: true });
      writeFileSync(join(posts, 'archived', '2026-11-05', '2026-11-05-e.html'), agoraPost('戊', '05'));
      await expect.poll(() => postIn(outDir, '2026-11-05-e')?.title, { timeout: 10_000, interval: 100 }).toBe('戊');
      expect(postIn(outDir, '2026-11-04-d')?.nextId).toBe('2026-11-05-e');

      unlinkSync(join(posts, '2026-11-02-b.html'));
      await expect.poll(() => manifest().postCount, { timeout: 10_000, interval: 100 }).toBe(4);
      // The manifest may land before the bucket that held the post is written again: wait for both.
      await expect.poll(() => postIn(outDir, '2026-11-02-b'), { timeout: 10_000, interval: 100 }).toBeUndefined();
      await expect.poll(() => postIn(outDir, '2026-11-01-a')?.nextId, { timeout: 10_000, interval: 100 }).toBe('2026-11-03-c');
      expect(statSync(join(outDir, 'index.html')).mtimeMs).toBe(bundled);
    } finally {
      await watcher.close();
    }

    // A fresh build of the same posts, into another folder with another build cache, writes the same.
    const fresh = mkdtempSync(join(tmpdir(), 'cna-reader-watch-fresh-'));
    process.env['CNA_READER_CACHE_DIR'] = mkdtempSync(join(tmpdir(), 'cna-reader-watch-fresh-cache-'));
    await build({ root: ROOT, logLevel: 'silent', build: { outDir: fresh, emptyOutDir: true } });
    expect(dataFiles(outDir)).toEqual(dataFiles(fresh));
  });

  it('writes every edit of a burst of 40, made 150 ms apart or all at once, while it rebuilds', async () => {
    const burst = mkdtempSync(join(tmpdir(), 'cna-reader-burst-'));
    const burstOut = mkdtempSync(join(tmpdir(), 'cna-reader-burst-out-'));
    process.env['POSTS_DIR'] = burst;
    process.env['CNA_READER_CACHE_DIR'] = mkdtempSync(join(tmpdir(), 'cna-reader-burst-cache-'));
    const names = Array.from({ length: 40 }, (_, n) => `2026-11-${String(1 + (n % 28)).padStart(2, '0')}-burst${n}`);
    // Each its own original link: posts sharing one are merged as one story.
    const write = (n: number, title: string) => writeFileSync(join(burst, `${names[n]}.html`), agoraPost(title, names[n]!.slice(8, 10), `burst${n}`));
    names.forEach((_, n) => write(n, `第${n}篇`));
    const titles = () => names.map((name) => postIn(burstOut, name)?.title);
    const watcher = (await build({ root: ROOT, logLevel: 'silent', build: { outDir: burstOut, emptyOutDir: true, watch: {} } })) as unknown as {
      close(): Promise<void>;
    };
    try {
      await expect.poll(() => existsSync(join(burstOut, 'ingest-report.json')), { timeout: 30_000, interval: 100 }).toBe(true);
      for (let n = 0; n < names.length; n++) {
        write(n, `第${n}篇（一改）`);
        await new Promise((done) => setTimeout(done, 150));
      }
      await expect.poll(titles, { timeout: 60_000, interval: 200 }).toEqual(names.map((_, n) => `第${n}篇（一改）`));
      names.forEach((_, n) => write(n, `第${n}篇（二改）`));
      await expect.poll(titles, { timeout: 60_000, interval: 200 }).toEqual(names.map((_, n) => `第${n}篇（二改）`));
    } finally {
      await watcher.close();
    }
  });
});
