import { mkdirSync, mkdtempSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedBundle, sourcesFingerprint, toolFingerprint } from '../../src/indexer/tool-cache.ts';

const FINGERPRINT_A = 'a'.repeat(16);
const FINGERPRINT_B = 'b'.repeat(16);

describe('sourcesFingerprint', () => {
  it('changes with a module of the folders it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;');
    const before = sourcesFingerprint([dir]);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;');
    expect(sourcesFingerprint([dir])).not.toBe(before);
  });

  it('covers modules in subfolders, and a module moved between folders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    mkdirSync(join(dir, 'html'));
    writeFileSync(join(dir, 'html', 'sanitize.ts'), 'export const s = 1;');
    const before = sourcesFingerprint([dir]);
    writeFileSync(join(dir, 'html', 'sanitize.ts'), 'export const s = 2;');
    const edited = sourcesFingerprint([dir]);
    expect(edited).not.toBe(before);
    renameSync(join(dir, 'html', 'sanitize.ts'), join(dir, 'sanitize.ts'));
    expect(sourcesFingerprint([dir])).not.toBe(edited);
  });

  it('skips a folder that is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;');
    expect(sourcesFingerprint([dir, join(dir, 'gone')])).toBe(sourcesFingerprint([dir]));
  });
});

describe('toolFingerprint', () => {
  it("differs for the same sources in another folder: a bundle keeps its sources' paths", () => {
    const [one, other] = [mkdtempSync(join(tmpdir(), 'cna-reader-src-')), mkdtempSync(join(tmpdir(), 'cna-reader-src-'))];
    for (const dir of [one, other]) writeFileSync(join(dir, 'a.ts'), 'export const a = new URL(import.meta.url);');
    const lockFile = join(one, 'package-lock.json');
    expect(sourcesFingerprint([one])).toBe(sourcesFingerprint([other]));
    expect(toolFingerprint([one], lockFile)).toBe(toolFingerprint([one], lockFile));
    expect(toolFingerprint([other], lockFile)).not.toBe(toolFingerprint([one], lockFile));
  });

  it('differs for another lock file, and for another installed tree under the same lock file', () => {
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    writeFileSync(join(root, 'a.ts'), 'export const a = 1;');
    const lockFile = join(root, 'package-lock.json');
    const fingerprint = () => toolFingerprint([root], lockFile);
    writeFileSync(lockFile, '{"packages":{"node_modules/he":{"version":"1.2.0"}}}');
    const locked = fingerprint();
    writeFileSync(lockFile, '{"packages":{"node_modules/he":{"version":"1.3.0"}}}');
    const pulled = fingerprint();
    expect(pulled).not.toBe(locked);
    // The new lock file pulled, the old packages still installed; then `npm install`.
    mkdirSync(join(root, 'node_modules'));
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/he":{"version":"1.2.0"}}}');
    const notInstalled = fingerprint();
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"packages":{"node_modules/he":{"version":"1.3.0"}}}');
    expect(new Set([locked, pulled, notInstalled, fingerprint()]).size).toBe(4);
  });
});

describe('cachedBundle', () => {
  const make = (made: string[]) => async (outfile: string) => {
    made.push(outfile);
    await writeFile(outfile, `export default ${made.length};`);
  };

  it('makes a bundle once per fingerprint and loads it again after', async () => {
    const cacheDir = join(mkdtempSync(join(tmpdir(), 'cna-reader-tools-')), 'cache');
    const made: string[] = [];
    const first = await cachedBundle(cacheDir, 'worker', FINGERPRINT_A, make(made));
    expect(await cachedBundle(cacheDir, 'worker', FINGERPRINT_A, make(made))).toBe(first);
    expect(made).toHaveLength(1);
    expect(await readFile(first, 'utf8')).toBe('export default 1;');
    // Never left half-written: made aside, then renamed.
    expect(readdirSync(cacheDir)).toEqual([`worker-${FINGERPRINT_A}.mjs`]);
  });

  it('removes the same name’s bundles unused for a day, and leaves recent ones and other names alone', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-tools-'));
    const made: string[] = [];
    const old = await cachedBundle(cacheDir, 'worker', FINGERPRINT_A, make(made));
    const otherName = await cachedBundle(cacheDir, 'build-jobs', FINGERPRINT_A, make(made));
    const twoDaysAgo = new Date(Date.now() - 48 * 3600 * 1000);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    utimesSync(otherName, twoDaysAgo, twoDaysAgo);
    await cachedBundle(cacheDir, 'worker', FINGERPRINT_B, make(made));
    expect(readdirSync(cacheDir).sort()).toEqual([`build-jobs-${FINGERPRINT_A}.mjs`, `worker-${FINGERPRINT_B}.mjs`]);

    // Used an hour ago (a build that stays up, say): kept.
    const recent = join(cacheDir, `worker-${FINGERPRINT_A}.mjs`);
    writeFileSync(recent, 'export default 0;');
    const anHourAgo = new Date(Date.now() - 3600 * 1000);
    utimesSync(recent, anHourAgo, anHourAgo);
    await cachedBundle(cacheDir, 'worker', 'c'.repeat(16), make(made));
    expect(readdirSync(cacheDir)).toContain(`worker-${FINGERPRINT_A}.mjs`);
  });

  it('fails as its maker fails, leaving nothing half-made behind', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-tools-'));
    await expect(
      cachedBundle(cacheDir, 'worker', FINGERPRINT_A, async (outfile) => {
        await writeFile(outfile, 'export default');
        throw new Error('the bundler stopped half-way');
      }),
    ).rejects.toThrow('half-way');
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('lets two makers of one bundle at once both finish with the whole bundle', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-tools-'));
    const made: string[] = [];
    const [first, second] = await Promise.all([
      cachedBundle(cacheDir, 'worker', FINGERPRINT_A, make(made)),
      cachedBundle(cacheDir, 'worker', FINGERPRINT_A, make(made)),
    ]);
    expect(first).toBe(second);
    expect(await readFile(first, 'utf8')).toMatch(/^export default [12];$/);
    expect(readdirSync(cacheDir)).toEqual([`worker-${FINGERPRINT_A}.mjs`]);
  });
});
