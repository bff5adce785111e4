/**
 * Loads build-jobs.ts for the Vite plugin. Vite bundles its config file and everything it imports at
 * every start (see docs/build-speed.md, stop 35), so the config imports only the plugin's hooks, and the
 * hooks load the indexer here: from its sources where the runtime reads TypeScript (Vitest,
 * tsx), else from one module bundled once per version of the sources into the tool cache.
 */
import { readFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleForNode, cachedBundle, packageLock, toolCacheDir, toolFingerprint } from '../tool-cache.ts';

export type BuildJobs = typeof import('./build-jobs.ts');

/** A URL, not a literal path: Vite's config bundler would otherwise follow the import and bundle the indexer. */
const ENTRY = new URL('./build-jobs.ts', import.meta.url);
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
  try {
    return (await import(ENTRY.href)) as BuildJobs;
  } catch (error) {
    if (!cannotLoadTypeScript(error)) throw error;
  }
  let bundle: string | undefined;
  try {
    bundle = await cachedBundle(toolCacheDir(dirname(packageLock())), 'build-jobs', toolFingerprint(SOURCE_DIRS, packageLock()), makeJobsBundle);
  } catch (error) {
    process.emitWarning(`the indexer could not be bundled (${String(error)}): loaded through tsx, more slowly`);
  }
  if (bundle) return (await import(pathToFileURL(bundle).href)) as BuildJobs;
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(ENTRY.href, import.meta.url)) as BuildJobs;
}

/**
 * Node 20 refuses a .ts module at once; a Node that strips types refuses the sources' parameter
 * properties. Either way before running any of them.
 */
function cannotLoadTypeScript(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'ERR_UNKNOWN_FILE_EXTENSION' || code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX';
}

/**
 * Packages the bundle leaves to node_modules: loaded only when needed (esbuild, the feeds' packages),
 * found by their own files (piscina's worker script, lmdb's native binding), or types only (vite).
 */
export const EXTERNAL_PACKAGES = ['esbuild', 'feed', 'xml-js', 'piscina', 'lmdb', 'vite'];

export async function makeJobsBundle(outfile: string): Promise<void> {
  const { transform } = await import('esbuild');
  await bundleForNode(ENTRY, outfile, {
    // The other packages bundled in: one file to load, not the hundreds Node would resolve and read one by
    // one at each start (see docs/build-speed.md). Some are CommonJS and require Node's own modules.
    external: EXTERNAL_PACKAGES,
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    plugins: [
      {
        // Each module keeps its own import.meta.url: the indexer finds its sources and the lock file by it.
        name: 'own-module-urls',
        setup: (bundle) =>
          bundle.onLoad({ filter: /\.(?:ts|mts|js|mjs)$/ }, async ({ path }) => {
            const source = await readFile(path, 'utf8');
            // Most package files never ask: esbuild loads them itself.
            if (!source.includes('import.meta')) return undefined;
            const define = { 'import.meta.url': JSON.stringify(pathToFileURL(path).href) };
            const { code } = await transform(source, { loader: /^\.m?ts$/.test(extname(path)) ? 'ts' : 'js', define, sourcefile: path });
            return { contents: code, loader: 'js' };
          }),
      },
    ],
  });
}
