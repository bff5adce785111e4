/**
 * Asks the browser for the list's first data files from index.html (`<link rel="preload" as="fetch">`),
 * so that they arrive while the app's script downloads and runs, not after it (the manifest, then the
 * groups, were two round trips after the script on a first visit). The newest shard is asked for by the
 * app as soon as the manifest is read (src/features/list/first-screen.ts): its number follows the post
 * count, which a rebuild of the posts alone changes without writing index.html again.
 */
import type { Plugin } from 'vite';
import { GROUPS_FILE } from '../../shared/types.ts';
import { DATA_DIR } from './dev-server.ts';

/** Files every list view reads first, whatever the filters. */
export const PRELOADED_DATA = ['manifest.json', GROUPS_FILE] as const;

export function dataPreload(): Plugin {
  let base = '/';
  return {
    name: 'cna-reader-data-preload',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    // `crossorigin` makes the preload's request the one fetch() makes (CORS mode, same-origin
    // credentials): without it the browser fetches the file twice.
    transformIndexHtml: () =>
      PRELOADED_DATA.map((file) => ({
        tag: 'link',
        attrs: { rel: 'preload', as: 'fetch', crossorigin: 'anonymous', href: `${base}${DATA_DIR}/${file}` },
        injectTo: 'head' as const,
      })),
  };
}
