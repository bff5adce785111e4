/**
 * Where the indexer keeps what depends on its own sources only, never on the posts: the bundled worker,
 * the bundled build jobs and the imports of its parser. Beside Vite's own compiled dependencies, so a
 * cold build (its build cache deleted) finds them made, once per version of the sources.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { access, mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/**
 * The project's lock file: which versions of the packages the indexer imports (a part of every code key).
 * A function: modules importing this one also load under jsdom, whose `import.meta.url` is no file URL.
 */
export function packageLock(): string {
  return fileURLToPath(new URL('../../package-lock.json', import.meta.url));
}

/**
 * What the packages beside `lockFile` are, for a code key: the lock file (what `npm install` will put
 * there) and the installed tree's `node_modules/.package-lock.json` (what is there: npm rewrites it at
 * every install). A pulled lock file not yet installed must not key bundles made of the old packages.
 * Read synchronously, as the keys' other files; a file that is not there adds nothing.
 */
export function installedPackagesFingerprint(lockFile: string): string {
  const hash = createHash('sha1');
  for (const file of [lockFile, join(dirname(lockFile), 'node_modules', '.package-lock.json')]) {
    // Not the paths: a moved project keeps its post store.
    hash.update(existsSync(file) ? readFileSync(file) : 'none').update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The tool cache of the project whose folder is `root`. */
export function toolCacheDir(root: string): string {
  return join(root, 'node_modules', '.cache', 'cna-reader');
}

/**
 * esbuild's version, for the keys of what it made, read without loading esbuild: a build that finds its
 * bundles made never needs it, and loading it is a noticeable part of a small build.
 */
export function esbuildVersion(): string {
  return (createRequire(import.meta.url)('esbuild/package.json') as { version: string }).version;
}

/**
 * A fingerprint of every module under `folders`, recursively (any change to one makes new bundles), of
 * the folders' paths (a bundle keeps its sources' `import.meta.url`: a moved or copied project bundles
 * again), of the packages installed and locked (see installedPackagesFingerprint), of esbuild's version and of `extra`. Read
 * synchronously: many small files, each a round trip through the thread pool otherwise.
 */
export function toolFingerprint(folders: string[], lockFile: string, ...extra: string[]): string {
  const hash = createHash('sha1').update(sourcesFingerprint(folders)).update(esbuildVersion()).update(folders.join('\n'));
  hash.update(installedPackagesFingerprint(lockFile));
  for (const part of extra) hash.update(part);
  return hash.digest('hex').slice(0, 16);
}

/** A fingerprint of every module under `folders`, recursively; a folder that is not there is skipped. */
export function sourcesFingerprint(folders: string[]): string {
  const hash = createHash('sha1');
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    const modules = names.filter((name) => /\.(?:ts|tsx|mts|mjs)$/.test(name)).sort();
    for (const name of modules) hash.update(name).update(readFileSync(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Bundles of other sources are removed once unused this long: a build that stays up, in this checkout
 * or another, may still load the bundle it began with.
 */
const KEEP_OTHERS_MS = 24 * 3600 * 1000;

/**
 * The module `<name>-<fingerprint>.mjs` in `cacheDir`, made by `make(outfile)` if it is not there yet,
 * and marked as used; the same name's bundles of other fingerprints (and what a killed maker left) go
 * once unused for a day.
 */
export async function cachedBundle(cacheDir: string, name: string, fingerprint: string, make: (outfile: string) => Promise<void>): Promise<string> {
  const file = join(cacheDir, `${name}-${fingerprint}.mjs`);
  const now = new Date();
  // A bundle there but not to be marked (a read-only cache) is used as it is.
  if (await utimes(file, now, now).then(succeeded, () => access(file).then(succeeded, failed))) return file;
  await mkdir(cacheDir, { recursive: true });
  // Written aside and renamed: a build that runs meanwhile never loads half a bundle. Named apart from
  // other makers of the same bundle, in this process or another.
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await make(temporary);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
  const others = (await readdir(cacheDir)).filter(
    (other) =>
      other.startsWith(`${name}-`) && /^[0-9a-f]{16}\.mjs(?:\.[0-9a-f-]{36}\.tmp)?$/.test(other.slice(name.length + 1)) && join(cacheDir, other) !== file,
  );
  await Promise.all(others.map((other) => removeIfUnusedSince(join(cacheDir, other), now.getTime() - KEEP_OTHERS_MS)));
  return file;
}

const succeeded = () => true;
const failed = () => false;

async function removeIfUnusedSince(file: string, since: number): Promise<void> {
  const used = await stat(file).then(
    (found) => found.mtimeMs,
    () => since,
  );
  if (used < since) await rm(file, { force: true });
}

/** Bundles the module `entry` into `outfile`, one ES module for Node 20, with esbuild loaded only now. */
export async function bundleForNode(entry: URL, outfile: string, options: BuildOptions): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    ...options,
  });
}
