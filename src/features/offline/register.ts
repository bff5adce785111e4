/**
 * The service worker (see src/indexer/vite/offline-app.ts), registered once the page has loaded, and
 * what the page learns from it: a new version waiting after a deploy.
 */
import { useSyncExternalStore } from 'react';
import { DATA_CACHE } from '../../shared/offline-caches.ts';

let updateWaiting = false;
let applyUpdate: ((reload?: boolean) => Promise<void>) | undefined;
const listeners = new Set<() => void>();

export async function registerServiceWorker(): Promise<void> {
  // The dev server's virtual:pwa-register registers nothing (vite-plugin-pwa's devOptions are off).
  if (!('serviceWorker' in navigator)) return;
  const firstInstall = !navigator.serviceWorker.controller;
  const { registerSW } = await import('virtual:pwa-register');
  applyUpdate = registerSW({
    immediate: true,
    onNeedRefresh() {
      updateWaiting = true;
      listeners.forEach((listener) => listener());
    },
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

/** The waiting worker takes over, and the page reloads with the new version's shell and chunks. */
export function reloadToUpdate(): void {
  void applyUpdate?.(true);
}
