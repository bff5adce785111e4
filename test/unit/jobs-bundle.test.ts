import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSite } from '../../src/indexer/build-site.ts';
import { packageLock, toolCacheDir } from '../../src/indexer/tool-cache.ts';
import { EXTERNAL_PACKAGES, makeJobsBundle } from '../../src/indexer/vite/load-build-jobs.ts';

/** Every module specifier the bundle imports: statically, for its side effects, dynamically, or through esbuild's require. */
function importsOf(code: string): string[] {
  return [...code.matchAll(/^import\s*(?:[^;]*?from\s*)?"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\b__require\(\s*"([^"]+)"\s*\)/gm)].map(
    (match) => (match[1] ?? match[2] ?? match[3])!,
  );
}

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Every file under `dir` by its path in it, with its text; what differs from one build to the next left out. */
function filesOf(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name !== '.build-id');
  return new Map(
    files.map((entry) => [
      join(entry.parentPath, entry.name).slice(dir.length),
      readFileSync(join(entry.parentPath, entry.name), 'latin1').replace(/"builtAt":"[^"]*"/, '"builtAt":""'),
    ]),
  );
}

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'posts');
const TWO_POSTS = ['agora-top-news-title.html', 'agora-rthk-crlf.md'];

describe('the bundled build jobs', () => {
  it('import only Node’s modules and the packages left out on purpose, and build the site as the sources do', { timeout: 120_000 }, async () => {
    // In the project's tool cache, as a build keeps it: the packages left out resolve from there.
    const toolCache = toolCacheDir(dirname(packageLock()));
    mkdirSync(toolCache, { recursive: true });
    const bundleDir = mkdtempSync(join(toolCache, 'jobs-test-'));
    const work = mkdtempSync(join(tmpdir(), 'cna-reader-jobs-'));
    try {
      const outfile = join(bundleDir, 'build-jobs.mjs');
      await makeJobsBundle(outfile);
      const imported = importsOf(readFileSync(outfile, 'utf8'));
      expect(imported).toContain('lmdb');
      const packages = new Set(imported.filter((specifier) => !isBuiltin(specifier)).map(packageOf));
      expect([...packages].filter((name) => !EXTERNAL_PACKAGES.includes(name))).toEqual([]);

      const postsDir = join(work, 'posts');
      mkdirSync(postsDir);
      for (const name of TWO_POSTS) copyFileSync(join(FIXTURES, name), join(postsDir, name));
      const options = (name: string) => ({ postsDir, outDir: join(work, name, 'dist'), cacheDir: join(work, name, 'cache'), workers: 0 });
      // In a process of its own, as Vite loads it: CommonJS packages, import.meta.url and lmdb all run.
      const script = 'const [bundle, options] = process.argv.slice(1); await (await import(bundle)).buildSite(JSON.parse(options));';
      execFileSync(process.execPath, ['--input-type=module', '-e', script, pathToFileURL(outfile).href, JSON.stringify(options('bundled'))], {
        stdio: 'pipe',
      });
      await buildSite(options('sources'));
      const bundled = filesOf(join(work, 'bundled', 'dist', 'data'));
      expect(bundled.size).toBeGreaterThan(0);
      expect(bundled).toEqual(filesOf(join(work, 'sources', 'dist', 'data')));
    } finally {
      rmSync(bundleDir, { recursive: true, force: true });
      rmSync(work, { recursive: true, force: true });
    }
  });
});
