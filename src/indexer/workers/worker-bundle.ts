/**
 * The build's worker threads run this folder's TypeScript. Loaded through tsx (worker-boot.mjs), a
 * worker spent ~400 ms compiling the sources at its start, and a build starts four (two per phase);
 * bundled once per version of the sources into one plain module, a worker starts in ~90 ms.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleForNode, cachedBundle, toolFingerprint } from '../tool-cache.ts';

const ENTRY = new URL('./ingest-worker.ts', import.meta.url);
/** piscina's ES module, as the project installed it. */
const PISCINA = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('piscina')), 'esm-wrapper.mjs')).href;
/** lmdb's ES module for Node, as installed: its native binding cannot be bundled. */
const LMDB = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('lmdb')), '..', 'node-index.js')).href;

/**
 * The bundled worker for these sources, made now if it is not in `cacheDir` yet; undefined when it
 * cannot be made (the pool then starts workers through tsx, as slow as before but as correct).
 * `sourceDirs`: the folders whose modules the worker imports; `lockFile`: the project's lock file, whose
 * packages (the parsers) are bundled in too.
 */
export async function bundledWorker(cacheDir: string, sourceDirs: string[], lockFile: string): Promise<URL | undefined> {
  try {
    return pathToFileURL(await cachedBundle(cacheDir, 'worker', toolFingerprint(sourceDirs, lockFile, PISCINA, LMDB), makeWorkerBundle));
  } catch {
    return undefined;
  }
}

async function makeWorkerBundle(outfile: string): Promise<void> {
  await bundleForNode(ENTRY, outfile, {
    // Some bundled packages are CommonJS and require Node's own modules.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    // Imported from where it is installed, not bundled: piscina marks the results it moves with a
    // symbol of its own module, which must be the one its worker script loaded.
    plugins: [
      { name: 'piscina-external', setup: (bundle) => bundle.onResolve({ filter: /^piscina$/ }, () => ({ path: PISCINA, external: true })) },
      { name: 'lmdb-external', setup: (bundle) => bundle.onResolve({ filter: /^lmdb$/ }, () => ({ path: LMDB, external: true })) },
    ],
  });
}
