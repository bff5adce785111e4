/**
 * Loads build-jobs.ts for the Vite plugin. Vite bundles its config file and everything it imports at
 * every start (see docs/build-speed.md, stop 35), so the config imports only the plugin's hooks, and the
 * hooks load the indexer here: from its sources where the runtime reads TypeScript (Vitest,
 * tsx), else from one module bundled once per version of the sources into the tool cache.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cachedBundle, esbuildVersion, sourcesFingerprint, toolCacheDir } from '../tool-cache.ts';

export type BuildJobs = typeof import('./build-jobs.ts');

/** A URL, not a literal path: Vite's config bundler would otherwise follow the import and bundle the indexer. */
const ENTRY = new URL('./build-jobs.ts', import.meta.url);
const LOCK_FILE = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));
/** The folders whose modules the jobs import: the indexer and the contract it shares with the app. */
const SOURCE_DIRS = ['../', '../../shared/'].map((folder) => fileURLToPath(new URL(folder, import.meta.url)));

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
  if (fromSources) return fromSources;
  const bundle = await bundledJobs().catch(() => undefined);
  if (bundle) return import(pathToFileURL(bundle).href) as Promise<BuildJobs>;
  // No bundle (a read-only node_modules, say): the sources through tsx, slower to load but as correct.
  const { tsImport } = await import('tsx/esm/api');
  return tsImport(ENTRY.href, import.meta.url) as Promise<BuildJobs>;
}

/** The bundled jobs for the current sources, made now if the tool cache does not hold them yet. */
function bundledJobs(): Promise<string> {
  const hash = createHash('sha1').update(esbuildVersion()).update(sourcesFingerprint(SOURCE_DIRS));
  if (existsSync(LOCK_FILE)) hash.update(readFileSync(LOCK_FILE));
  return cachedBundle(toolCacheDir(dirname(LOCK_FILE)), 'build-jobs', hash.digest('hex').slice(0, 16), makeJobsBundle);
}

async function makeJobsBundle(outfile: string): Promise<void> {
  const { build, transform } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(ENTRY)],
    outfile,
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
}
