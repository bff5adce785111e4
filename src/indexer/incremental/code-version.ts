/** The code version of the post store's entries (see importedCodeFingerprint). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { installedPackagesFingerprint, toolCacheDir } from '../tool-cache.ts';

/** What the last look at some entries found: the modules they import and the fingerprint of those. */
interface ImportedModules {
  modules: string[];
  fingerprint: string;
}

/**
 * A fingerprint of the code that turns files into stored posts: every module the `entries` import, as
 * esbuild follows the imports (so code the parser uses from another folder is covered), and the
 * packages locked and installed (the parsing packages' versions, see installedPackagesFingerprint). Any
 * change to them invalidates the disk cache.
 *
 * The modules found are remembered in the project's tool cache: while none of them changed, none
 * imports another, so the next build hashes them again without asking esbuild (~0.1 s a call).
 */
export async function importedCodeFingerprint(entries: string[], lockFile: string): Promise<string> {
  // Paths are relative to this folder: the same wherever the build is started from.
  const root = dirname(lockFile);
  const memo = join(toolCacheDir(root), `imports-${createHash('sha1').update(entries.join('\n')).digest('hex').slice(0, 16)}.json`);
  const remembered = await readFile(memo, 'utf8').then(
    (text) => JSON.parse(text) as ImportedModules,
    () => undefined,
  );
  if (remembered && fingerprintIfAll(root, remembered.modules, lockFile) === remembered.fingerprint) return remembered.fingerprint;
  const modules = await importedModules(root, entries);
  const found: ImportedModules = { modules, fingerprint: fingerprintOf(root, modules, lockFile) };
  await mkdir(dirname(memo), { recursive: true })
    .then(() => writeFile(`${memo}.${process.pid}.tmp`, JSON.stringify(found)))
    .then(() => rename(`${memo}.${process.pid}.tmp`, memo))
    .catch(() => undefined);
  return found.fingerprint;
}

/** Every module the entries import, relative to `root`, sorted. */
async function importedModules(root: string, entries: string[]): Promise<string[]> {
  // Loaded when used: esbuild refuses to load in a DOM-like test environment that imports the store.
  const { build } = await import('esbuild');
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: entries,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: 'unwritten',
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs).sort();
}

/**
 * Read synchronously: a few dozen small files, each a round trip through the thread pool otherwise, with
 * this thread idle (a build waits for the fingerprint before it reads a post).
 */
function fingerprintOf(root: string, modules: string[], lockFile: string): string {
  const hash = createHash('sha1').update(installedPackagesFingerprint(lockFile));
  for (const module of modules) hash.update(module).update(readFileSync(join(root, module)));
  return hash.digest('hex').slice(0, 16);
}

/** The fingerprint, or undefined when a module is gone (moved or deleted since it was remembered). */
function fingerprintIfAll(root: string, modules: string[], lockFile: string): string | undefined {
  try {
    return fingerprintOf(root, modules, lockFile);
  } catch {
    return undefined;
  }
}
