/**
 * Writes `sw.js` into a built site: service-worker.ts bundled by esbuild, with the app shell's files to
 * precache. It replaces Workbox's generateSW (workbox-build), which loaded Rollup, Babel and Terser and
 * bundled the worker with them: ~4 CPU s of a 6.5 CPU s build of an empty archive; this takes ~0.1 s.
 */
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';
import { importedCodeFingerprint } from '../incremental/code-version.ts';
import { esbuildVersion, packageLock, toolCacheDir } from '../tool-cache.ts';
import type { ServiceWorkerSettings } from './service-worker.ts';

/** The app shell: files of these kinds anywhere in the site, but those below. */
const SHELL_FILE = /\.(?:js|css|html|svg|png|webmanifest)$/;
/** The archive's data and pictures are cached as read; the worker is not its own shell. */
const NOT_SHELL = [/^data\//, /^archive-assets\//, /^404\.html$/, /^ingest-report\.json$/, /^sw\.js$/];
/** Vite's hashed chunks: their names change with their content, so they need no revision. */
const HASHED = /^assets\//;
/** Larger files are left out of the shell, as Workbox does by default. @default 2 MiB */
const MAX_PRECACHED_BYTES = 2 * 1024 * 1024;
const SOURCE = fileURLToPath(new URL('./service-worker.ts', import.meta.url));
/** Workers kept for other shells go once unused this long. @default a day */
const KEEP_OTHERS_MS = 24 * 3600 * 1000;
export const SERVICE_WORKER_FILE = 'sw.js';

/** Writes `<outDir>/sw.js`; returns the files it precaches and their bytes. */
export async function buildServiceWorker(outDir: string, settings: Omit<ServiceWorkerSettings, 'precache'>): Promise<{ files: number; bytes: number }> {
  const shell = await shellFiles(outDir);
  const precache = await shellManifest(shell);
  const entry = `import { startServiceWorker } from ${JSON.stringify(SOURCE)};\nstartServiceWorker(${JSON.stringify({ ...settings, precache })});\n`;
  const outfile = join(outDir, SERVICE_WORKER_FILE);
  const kept = await keptWorkerPath(entry);
  if (await copyKept(kept, outfile)) return { files: shell.length, bytes: shell.reduce((sum, file) => sum + file.size, 0) };
  const { build } = await import('esbuild');
  await build({
    stdin: { contents: entry, resolveDir: outDir, sourcefile: 'sw-entry.js', loader: 'js' },
    outfile,
    bundle: true,
    format: 'iife',
    minify: true,
    target: 'es2022',
    legalComments: 'none',
    // Workbox's modules leave out their development logging in production.
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  await keep(outfile, kept).catch(() => undefined);
  return { files: shell.length, bytes: shell.reduce((sum, file) => sum + file.size, 0) };
}

/**
 * Where the tool cache keeps the worker of this entry: a build whose app and settings did not change (a
 * deploy of new posts) copies it rather than starting esbuild (~0.1-0.2 s at the very end of a build).
 */
async function keptWorkerPath(entry: string): Promise<string> {
  const key = createHash('sha1')
    .update(entry)
    .update(await importedCodeFingerprint([SOURCE], packageLock()))
    .update(esbuildVersion())
    .digest('hex')
    .slice(0, 16);
  return join(toolCacheDir(dirname(packageLock())), `sw-${key}.js`);
}

/** Whether the kept worker was there to copy; marked as used if so. */
function copyKept(kept: string, outfile: string): Promise<boolean> {
  const now = new Date();
  return utimes(kept, now, now).then(
    () => copyFile(kept, outfile).then(() => true),
    () => false,
  );
}

/** Copies a worker just made to the tool cache, and removes the workers of other shells unused for a day. */
async function keep(outfile: string, kept: string): Promise<void> {
  const folder = dirname(kept);
  await mkdir(folder, { recursive: true });
  await copyFile(outfile, `${kept}.${process.pid}.tmp`);
  await rename(`${kept}.${process.pid}.tmp`, kept);
  const since = Date.now() - KEEP_OTHERS_MS;
  for (const name of await readdir(folder)) {
    if (!/^sw-[0-9a-f]{16}\.js$/.test(name) || join(folder, name) === kept) continue;
    const used = await stat(join(folder, name)).then(
      (found) => found.mtimeMs,
      () => since,
    );
    if (used < since) await rm(join(folder, name), { force: true });
  }
}

/** The worker's precache list: each shell file's URL and revision (its MD5, as Workbox's), null for hashed chunks. */
export async function shellManifest(shell: readonly { path: string; url: string }[]): Promise<ServiceWorkerSettings['precache']> {
  return Promise.all(
    shell.map(async ({ path, url }) => ({
      url,
      revision: HASHED.test(url)
        ? null
        : createHash('md5')
            .update(await readFile(path))
            .digest('hex'),
    })),
  );
}

/** The site's shell files under `folder`, their paths and URLs relative to the worker, in name order. */
export async function shellFiles(outDir: string, folder = outDir): Promise<{ path: string; url: string; size: number }[]> {
  const found: { path: string; url: string; size: number }[] = [];
  const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) => compareCodeUnits(a.name, b.name));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    const url = relative(outDir, path).split(sep).join('/');
    // Folders too: the data folder holds a file per few posts, never to be walked.
    if (NOT_SHELL.some((pattern) => pattern.test(entry.isDirectory() ? `${url}/` : url))) continue;
    if (entry.isDirectory()) found.push(...(await shellFiles(outDir, path)));
    else if (entry.isFile() && SHELL_FILE.test(url)) {
      const { size } = await stat(path);
      if (size <= MAX_PRECACHED_BYTES) found.push({ path, url, size });
    }
  }
  return found;
}
