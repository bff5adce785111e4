/**
 * The installable, offline app (issue 25): a web app manifest and a Workbox service worker, made by
 * vite-plugin-pwa. The worker is a file of this site (`sw.js`, served from 'self', which the CSP's
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
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { DATA_CACHE, PICTURE_CACHE } from '../../shared/offline-caches.ts';

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
  const data = new RegExp(`^${escapeRegExp(base)}data/`);
  // Route patterns are written into sw.js as source: a RegExp carries the base, a function could not
  // (its closure is not written with it). Matched against the whole URL; other origins' URLs only
  // from their start, where `[^/]+` is their host.
  const dataUrl = new RegExp(`^https?://[^/]+${escapeRegExp(base)}data/`);
  return [...pwa(base, data, dataUrl), themeColor()];
}

/** The browser's bar takes the app's colour (Lighthouse's themed-omnibox audit): the same as the manifest's. */
function themeColor(): Plugin {
  return {
    name: 'cna-reader-theme-color',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: 'theme-color', content: THEME_COLOR }, injectTo: 'head' }],
  };
}

function pwa(base: string, data: RegExp, dataUrl: RegExp): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    integration: {
      // No worker for a build that stays up (vite build --watch): it rewrites posts within the second,
      // under a worker that would keep serving what it cached; and making the worker (~15 s on a busy
      // machine) held up its first posts' rebuilds.
      configureOptions(viteConfig, options) {
        if (viteConfig.build.watch) options.disable = true;
      },
    },
    injectRegister: false,
    manifestFilename: 'manifest.webmanifest',
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
    workbox: {
      globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
      // The archive's data and pictures are cached as read, not installed with the shell.
      globIgnores: ['data/**', 'archive-assets/**', '404.html', 'ingest-report.json'],
      navigateFallback: `${base}index.html`,
      navigateFallbackDenylist: [data],
      cleanupOutdatedCaches: true,
      // The first worker controls the page that installed it, so what that page reads next is kept;
      // a later worker still waits for the reader (no skipWaiting).
      clientsClaim: true,
      runtimeCaching: [
        {
          urlPattern: dataUrl,
          handler: 'NetworkFirst',
          options: {
            cacheName: DATA_CACHE,
            networkTimeoutSeconds: 4,
            expiration: { maxEntries: DATA_ENTRIES, purgeOnQuotaError: true },
            cacheableResponse: { statuses: [200] },
          },
        },
        {
          urlPattern: ({ request, sameOrigin }) => request.destination === 'image' && !sameOrigin,
          handler: 'CacheFirst',
          options: {
            cacheName: PICTURE_CACHE,
            expiration: { maxEntries: PICTURE_ENTRIES, maxAgeSeconds: PICTURE_DAYS * 24 * 3600, purgeOnQuotaError: true },
            cacheableResponse: { statuses: [0, 200] },
          },
        },
      ],
    },
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
