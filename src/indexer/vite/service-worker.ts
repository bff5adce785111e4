/**
 * The site's service worker (browser code, bundled by build-service-worker.ts into `sw.js`): what
 * Workbox's generateSW used to write from offline-app.ts's settings, as one module of Workbox's own
 * parts. The build passes it the files to precache and the settings (see ServiceWorkerSettings).
 */
import { CacheableResponsePlugin } from 'workbox-cacheable-response';
import { cacheNames, clientsClaim } from 'workbox-core';
import { ExpirationPlugin } from 'workbox-expiration';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';

/** The worker's scope, as far as this module uses it. */
declare const self: {
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: 'install', listener: (event: Event & { waitUntil(promise: Promise<unknown>): void }) => void): void;
};

/**
 * The chunks of the version this worker replaces. Workbox drops them from the precache when this
 * worker activates, while a page of that version may still be loading (its index.html served by the
 * old worker a moment before the swap): its chunks, gone from the server too, come from here.
 */
const PREVIOUS_CHUNKS_CACHE = 'cna-reader-previous-chunks';

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
  self.addEventListener('install', (event) => event.waitUntil(keepPreviousChunks(settings)));
  precacheAndRoute(settings.precache, {});
  cleanupOutdatedCaches();
  // After the precache's own route: only chunks this version does not hold get here.
  registerRoute(
    ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith(`${base}assets/`),
    async ({ request }) => {
      const kept = await (await caches.open(PREVIOUS_CHUNKS_CACHE)).match(request);
      return kept ?? fetch(request);
    },
  );
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
  // Other sites' pictures, and this site's own (archive-assets/, which the precache leaves out).
  registerRoute(
    ({ request, sameOrigin, url }) => request.destination === 'image' && (!sameOrigin || url.pathname.startsWith(`${base}archive-assets/`)),
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

/** Copies the precached chunks that this version no longer lists (the active version's) aside, in place of older ones. */
async function keepPreviousChunks({ base, precache }: ServiceWorkerSettings): Promise<void> {
  const chunks = new RegExp(`^https?://[^/]+${escapeRegExp(base)}assets/[^?]+$`);
  const current = new Set(precache.map((entry) => new URL(typeof entry === 'string' ? entry : entry.url, location.href).href));
  const precached = await caches.open(cacheNames.precache);
  const previous = (await precached.keys()).filter((request) => chunks.test(request.url) && !current.has(request.url));
  // Nothing of an older version to keep: the first install, or a worker update that kept every chunk.
  if (previous.length === 0) return;
  await caches.delete(PREVIOUS_CHUNKS_CACHE);
  const kept = await caches.open(PREVIOUS_CHUNKS_CACHE);
  await Promise.all(
    previous.map(async (request) => {
      const response = await precached.match(request);
      if (response) await kept.put(request, response);
    }),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
