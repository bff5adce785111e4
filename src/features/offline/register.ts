/**
 * The service worker (see src/indexer/vite/offline-app.ts), registered once the list's first data has
 * arrived and the page is idle (main.tsx), and what the page learns from it: a new version waiting
 * after a deploy, taken when the reader asks.
 */
import { createElement, useSyncExternalStore } from 'react';
import type { Root } from 'react-dom/client';
import { DATA_CACHE } from '../../shared/offline-caches.ts';

/**
 * The tabs of this site tell each other that the reader took the new version. Named by the base path:
 * archives at /a/ and /b/ of one GitHub Pages origin have workers of their own.
 */
const UPDATE_CHANNEL = `cna-reader-update:${import.meta.env.BASE_URL}`;

let appRoot: Root | undefined;
let channel: BroadcastChannel | undefined;
let updateWaiting = false;
let reloading = false;
const listeners = new Set<() => void>();

/** Registers the worker; `root` is the app's, replaced by a notice while a new version takes over. */
export async function registerServiceWorker(root: Root): Promise<void> {
  // The dev server's virtual:pwa-register registers nothing (vite-plugin-pwa's devOptions are off).
  if (!('serviceWorker' in navigator)) return;
  appRoot = root;
  const firstInstall = !navigator.serviceWorker.controller;
  if ('BroadcastChannel' in window) {
    channel = new BroadcastChannel(UPDATE_CHANNEL);
    channel.addEventListener('message', (event: MessageEvent<unknown>) => standAside(typeof event.data === 'string' ? event.data : ''));
  }
  const { registerSW } = await import('virtual:pwa-register');
  registerSW({
    immediate: true,
    onNeedRefresh() {
      updateWaiting = true;
      listeners.forEach((listener) => listener());
    },
    // A new worker controls the page (this tab's reader or another's took it): this page's chunks
    // are no longer in its cache.
    onNeedReload: reloadOnce,
  });
  if (firstInstall) void navigator.serviceWorker.ready.then(keepWhatWasRead);
}

/**
 * On a first visit the page reads the manifest, a shard and maybe an article before the new worker
 * controls it: those are put in the worker's caches too, so that this very page works offline.
 */
async function keepWhatWasRead(): Promise<void> {
  const dataPrefix = new URL(`${import.meta.env.BASE_URL}data/`, window.location.href).href;
  const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
  const data = await caches.open(DATA_CACHE);
  // Pictures of other sites are not among them: the CSP lets the page fetch only this site.
  await Promise.all(entries.filter(({ name }) => name.startsWith(dataPrefix)).map(({ name }) => data.add(name).catch(() => undefined)));
}

/** Whether a deploy's new version is installed and waits for the reader. */
export function useUpdateWaiting(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => updateWaiting,
    () => false,
  );
}

/**
 * The reader takes the new version: every tab of the site stands aside, the waiting worker takes
 * over, and each page reloads with the new version's shell and chunks. `notice` is shown meanwhile.
 */
export async function reloadToUpdate(notice: string): Promise<void> {
  channel?.postMessage(notice);
  standAside(notice);
  const waiting = (await navigator.serviceWorker.getRegistration())?.waiting;
  // No worker waits any more: another tab's reader took it, and it controls this page already.
  if (!waiting) reloadOnce();
  else waiting.postMessage({ type: 'SKIP_WAITING' });
}

/**
 * The page stops asking the old worker for anything: its app is replaced by `notice` until the new
 * worker controls it. Chrome swaps the workers only once the old one has no request to serve: a
 * request landing as it stops starts it again, and the new worker then waits until the old one has
 * been idle for its full timeout (30 s, never while DevTools is attached), 5 minutes at most.
 */
function standAside(notice: string): void {
  navigator.serviceWorker.addEventListener('controllerchange', reloadOnce);
  appRoot?.render(
    createElement('div', { className: 'offline-status' }, createElement('p', { className: 'update-banner update-notice', role: 'status' }, notice)),
  );
  // What the page was still loading (an article's chunk and data, a prefetch) is cancelled: otherwise it
  // reaches the old worker after the swap began, and each answer can start a next request (a chunk's imports).
  window.stop();
}

function reloadOnce(): void {
  if (reloading) return;
  reloading = true;
  window.location.reload();
}
