/**
 * The site's service worker (browser code, bundled by build-service-worker.ts into `sw.js`): what
 * Workbox's generateSW used to write from offline-app.ts's settings, as one module of Workbox's own
 * parts. The build passes it the files to precache and the settings (see ServiceWorkerSettings).
 */
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';

/** The worker's scope, as far as this module uses it. */
declare const self: { skipWaiting(): Promise<void>; addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void };

export interface ServiceWorkerSettings {
  /** The app shell: each file with its revision (null for a file whose name holds its hash). */
  precache: PrecacheEntry[];
  /** The site's base path (`/` or `/my-archive/`). */
  base: string;
  dataCache: string;
  dataEntries: number;
  pictureCache: string;
  pictureEntries: number;
  pictureDays: number;
}

export function startServiceWorker(settings: ServiceWorkerSettings): void {
  const { base } = settings;
  // registerType 'prompt': a new worker waits until the page asks it to take over (register.ts).
  self.addEventListener('message', (event) => {
    const data = event.data as { type?: unknown } | null;
    if (data && data.type === 'SKIP_WAITING') void self.skipWaiting();
  });
  clientsClaim();
  precacheAndRoute(settings.precache, {});
  cleanupOutdatedCaches();
  registerRoute(new NavigationRoute(createHandlerBoundToURL(`${base}index.html`), { denylist: [new RegExp(`^${escapeRegExp(base)}data/`)] }));
  // Matched against the whole URL; other origins' URLs only from their start, where `[^/]+` is their host.
  registerRoute(
    new RegExp(`^https?://[^/]+${escapeRegExp(base)}data/`),
    new NetworkFirst({
      cacheName: settings.dataCache,
      networkTimeoutSeconds: 4,
      plugins: [new ExpirationPlugin({ maxEntries: settings.dataEntries, purgeOnQuotaError: true }), new CacheableResponsePlugin({ statuses: [200] })],
    }),
    'GET',
  );
  registerRoute(
    ({ request, sameOrigin }) => request.destination === 'image' && !sameOrigin,
    new CacheFirst({
      cacheName: settings.pictureCache,
      plugins: [
        new ExpirationPlugin({ maxEntries: settings.pictureEntries, maxAgeSeconds: settings.pictureDays * 24 * 3600, purgeOnQuotaError: true }),
        new CacheableResponsePlugin({ statuses: [0, 200] }),
      ],
    }),
    'GET',
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
