import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXTERNAL_PACKAGES, makeJobsBundle, type BuildJobs } from '../../src/indexer/vite/load-build-jobs.ts';

/** Every module specifier the bundle imports, statically or not. */
function importsOf(code: string): string[] {
  return [...code.matchAll(/^import\s[^;]*?from\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)/gm)].map((match) => (match[1] ?? match[2])!);
}

const packageOf = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the bundled build jobs', () => {
  it('import only Node’s modules and the packages left out on purpose, and run', async () => {
    const outfile = join(mkdtempSync(join(tmpdir(), 'cna-reader-jobs-')), 'build-jobs.mjs');
    await makeJobsBundle(outfile);
    const imported = importsOf(readFileSync(outfile, 'utf8'));
    expect(imported).toContain('lmdb');
    const packages = new Set(imported.filter((specifier) => !specifier.startsWith('node:')).map(packageOf));
    expect([...packages].filter((name) => !EXTERNAL_PACKAGES.includes(name))).toEqual([]);
    const jobs = (await import(pathToFileURL(outfile).href)) as BuildJobs;
    expect(jobs.dataCompressionOf('gzip')).toBe('gzip');
  });
});
