/**
 * The service worker's caches (see src/indexer/vite/offline-app.ts), by name: the page writes into the
 * same ones when it saves a view for offline reading (src/features/offline/save-offline.ts).
 */
export const DATA_CACHE = 'cna-reader-data';
export const PICTURE_CACHE = 'cna-reader-pictures';
