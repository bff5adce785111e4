/**
 * The installable, offline app (issue 25): a web app manifest and its link and the worker's registration,
 * made by vite-plugin-pwa, and a Workbox service worker built by build-service-worker.ts in place of the
 * plugin's (see there why). The worker is a file of this site (`sw.js`, served from 'self', which the CSP's
 * default-src allows), registered by the app's own bundle (src/features/offline/register.ts): no inline
 * script.
 *
 * What it keeps (caps are entry counts: Workbox's expiration counts entries, not bytes):
 * - the app shell (index.html, every JS and CSS chunk of this build, icons, manifest), precached: a
 *   deploy's new worker waits until the reader accepts 「有新版本，重新載入」, and until then the old
 *   worker serves the old shell with its own chunks, so a stale index.html never asks for a chunk
 *   the deploy removed;
 * - the data the reader fetched (manifest, metadata shards, tag lists, post buckets, extras, search
 *   shards), network first so that a new build's data wins online: at most DATA_ENTRIES files;
 * - the pictures of the articles read or saved (other sites' https images): at most PICTURE_ENTRIES,
 *   for PICTURE_DAYS days.
 */
import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { DATA_CACHE, PICTURE_CACHE } from '../../shared/offline-caches.ts';
import { buildServiceWorker, SERVICE_WORKER_FILE } from './build-service-worker.ts';

/** Data files kept: ~4 posts a bucket file, so ~10k articles with their shards; ~100 MB at most. @default 3000 */
export const DATA_ENTRIES = 3000;
/**
 * Pictures kept. Images of other sites come back opaque (no CORS), and Chrome counts each opaque
 * response as ~7 MB of the site's storage quota whatever its size: 300 is ~2 GB of quota, within what
 * Chrome grants a site on a disk with ~10 GB free. @default 300
 */
export const PICTURE_ENTRIES = 300;
/** @default 30 */
export const PICTURE_DAYS = 30;

/** The address bar's and the splash screen's colour: the manifest's, and the page's theme-color meta. */
const THEME_COLOR = '#1d4f91';

export function offlineApp(base: string): Plugin[] {
  let outDir: string | undefined;
  let disabled = false;
  const plugins = VitePWA({
    registerType: 'prompt',
    integration: {
      // No worker for a build that stays up (vite build --watch): it rewrites posts within the second,
      // under a worker that would keep serving what it cached.
      configureOptions(viteConfig, options) {
        if (viteConfig.build.watch) options.disable = disabled = true;
      },
    },
    injectRegister: false,
    manifestFilename: 'manifest.webmanifest',
    filename: SERVICE_WORKER_FILE,
    includeAssets: ['favicon.svg'],
    manifest: {
      name: '新聞典藏閱讀器',
      short_name: '新聞典藏',
      description: '新聞典藏的離線閱讀器',
      lang: 'zh-Hant-TW',
      start_url: base,
      scope: base,
      display: 'standalone',
      background_color: '#fbfaf7',
      theme_color: THEME_COLOR,
      icons: [
        { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
  });
  // The plugin's own worker build (its closeBundle) is replaced; the rest (manifest, its link, the
  // registration module) is the plugin's.
  const withOwnWorker = plugins.map((plugin): Plugin =>
    plugin.name !== 'vite-plugin-pwa:build'
      ? plugin
      : {
          ...plugin,
          configResolved(config) {
            outDir = resolve(config.root, config.build.outDir);
          },
          closeBundle: {
            sequential: true,
            async handler() {
              if (disabled || !outDir) return;
              const { files, bytes } = await buildServiceWorker(outDir, {
                base,
                dataCache: DATA_CACHE,
                dataEntries: DATA_ENTRIES,
                pictureCache: PICTURE_CACHE,
                pictureEntries: PICTURE_ENTRIES,
                pictureDays: PICTURE_DAYS,
              });
              this.environment.logger.info(`${SERVICE_WORKER_FILE}: ${files} files precached (${(bytes / 1024).toFixed(2)} KiB)`);
            },
          },
        },
  );
  return [...withOwnWorker, themeColor()];
}

/** The browser's bar takes the app's colour (Lighthouse's themed-omnibox audit): the same as the manifest's. */
function themeColor(): Plugin {
  return {
    name: 'cna-reader-theme-color',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: 'theme-color', content: THEME_COLOR }, injectTo: 'head' }],
  };
}
