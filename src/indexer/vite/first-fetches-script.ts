/**
 * Runs the app's first module (src/first-fetches.ts) as its own small chunk, from an `async` module script in
 * index.html: it asks for the list's first data while the browser still downloads and runs the app's
 * large entry chunk, rather than once that chunk is evaluated (see docs/reading.md, "The first second").
 * The entry imports the same chunk, which a page evaluates once. A script of the site's own: no inline
 * script, so the CSP stays strict.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** The module that starts the first fetches (it must import no React: it is meant to be small). */
export const FIRST_FETCHES_MODULE = fileURLToPath(new URL('../../first-fetches.ts', import.meta.url));

export function firstFetchesScript(): Plugin {
  let base = '/';
  return {
    name: 'cna-reader-first-fetches-script',
    apply: 'build',
    config: (config) => ({
      build: { rollupOptions: { input: { index: resolve(config.root ?? process.cwd(), 'index.html'), 'first-fetches': FIRST_FETCHES_MODULE } } },
    }),
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const chunk = Object.values(bundle ?? {}).find((file) => file.type === 'chunk' && file.isEntry && file.facadeModuleId === FIRST_FETCHES_MODULE);
        if (!chunk) return [];
        // `async`: run as soon as it arrives, not after the entry chunk as document order would have it.
        return [{ tag: 'script', attrs: { type: 'module', async: true, crossorigin: true, src: `${base}${chunk.fileName}` }, injectTo: 'head' }];
      },
    },
  };
}
