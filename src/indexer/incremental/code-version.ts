/** The code version of the post store's entries (see importedCodeFingerprint). */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * A fingerprint of the code that turns files into stored posts: every module the `entries` import, as
 * esbuild follows the imports (so code the parser uses from another folder is covered), and the lock
 * file (the parsing packages' versions). Any change to them invalidates the disk cache.
 */
export async function importedCodeFingerprint(entries: string[], lockFile: string): Promise<string> {
  // Paths in the metafile are relative to this folder: the same wherever the build is started from.
  const root = dirname(lockFile);
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
  const hash = createHash('sha1').update(await readFile(lockFile).catch(() => ''));
  for (const module of Object.keys(metafile.inputs).sort()) hash.update(module).update(await readFile(join(root, module)));
  return hash.digest('hex').slice(0, 16);
}
