/**
 * Loads build-jobs.ts for the Vite plugin. Vite bundles its config file and everything it imports at
 * every start (see docs/build-speed.md, stop 35), so the config imports only the plugin's hooks, and the
 * hooks load the indexer here: from its sources where the runtime reads TypeScript (Vitest,
 * tsx), else from one module bundled once per version of the sources into the tool cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { esbuildVersion, toolCacheDir } from '../tool-cache.ts';

export type BuildJobs = typeof import('./build-jobs.ts');

/** A URL, not a literal path: Vite's config bundler would otherwise follow the import and bundle the indexer. */
const ENTRY = new URL('./build-jobs.ts', import.meta.url);
const LOCK_FILE = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));
/** The folders whose modules the jobs import: the indexer and the contract it shares with the app. */
const SOURCE_DIRS = ['../', '../../shared/'].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));
/** Bundles of other sources go once unused this long: another checkout's build may still be using one. */
const KEEP_OTHERS_MS = 24 * 3600 * 1000;

let loading: Promise<BuildJobs> | undefined;

/** The build jobs, loaded once per process (tried again by the next build if loading them failed). */
export function loadBuildJobs(): Promise<BuildJobs> {
  if (!loading) {
    loading = importJobs();
    loading.catch(() => (loading = undefined));
  }
  return loading;
}

async function importJobs(): Promise<BuildJobs> {
  // Node 20 refuses a .ts module at once (ERR_UNKNOWN_FILE_EXTENSION), before reading any other.
  const fromSources = await (import(ENTRY.href) as Promise<BuildJobs>).catch(() => undefined);
  return fromSources ?? (import(pathToFileURL(await bundledJobs()).href) as Promise<BuildJobs>);
}

/** The bundled jobs for the current sources, made now if the tool cache does not hold them yet. */
async function bundledJobs(): Promise<string> {
  const cacheDir = toolCacheDir(dirname(LOCK_FILE));
  const file = join(cacheDir, `build-jobs-${sourcesFingerprint()}.mjs`);
  const now = new Date();
  // Marked as used: other checkouts' builds leave it alone for a day.
  if (
    await utimes(file, now, now).then(
      () => true,
      () => false,
    )
  )
    return file;
  await mkdir(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  const { build, transform } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(ENTRY)],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Imported from the project's node_modules, as the sources import them (the bundle lives below it).
    packages: 'external',
    logLevel: 'silent',
    plugins: [
      {
        // Each module keeps its own import.meta.url: the indexer finds its sources and the lock file by it.
        name: 'own-module-urls',
        setup: (bundle) =>
          bundle.onLoad({ filter: /\.(?:ts|mts|js|mjs)$/ }, async ({ path }) => {
            const define = { 'import.meta.url': JSON.stringify(pathToFileURL(path).href) };
            const { code } = await transform(await readFile(path, 'utf8'), { loader: /^\.m?ts$/.test(extname(path)) ? 'ts' : 'js', define, sourcefile: path });
            return { contents: code, loader: 'js' };
          }),
      },
    ],
  });
  await rename(temporary, file);
  await removeUnusedOthers(cacheDir, file, now.getTime() - KEEP_OTHERS_MS);
  return file;
}

/**
 * The sources' modules, the lock file (the packages they import) and esbuild's version, hashed. Read
 * synchronously: ~100 small files, each a round trip through the thread pool otherwise.
 */
function sourcesFingerprint(): string {
  const hash = createHash('sha1').update(esbuildVersion());
  if (existsSync(LOCK_FILE)) hash.update(readFileSync(LOCK_FILE));
  for (const folder of SOURCE_DIRS) {
    const modules = readdirSync(folder, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(?:ts|tsx|mts|mjs)$/.test(name))
      .sort();
    for (const name of modules) hash.update(name).update(readFileSync(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}

async function removeUnusedOthers(cacheDir: string, kept: string, since: number): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const path = join(cacheDir, name);
    if (!/^build-jobs-[0-9a-f]{16}\.mjs$/.test(name) || path === kept) continue;
    const used = await stat(path).then(
      (found) => found.mtimeMs,
      () => since,
    );
    if (used < since) await rm(path, { force: true });
  }
}
