/**
 * Where the indexer keeps what depends on its own sources only, never on the posts: the bundled worker
 * and the imports of its parser. Beside Vite's own compiled dependencies, so a cold build (its build
 * cache deleted) finds them made, once per version of the sources.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

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
