/**
 * The data of the list's first screen, asked for as the app starts rather than as the list renders: the
 * manifest, then the groups and, for a list without filters, the shards of its newest rows, the moment
 * the manifest is read. The list then draws its first rows in its first render, instead of placeholders
 * a shard later. (Preloading the manifest and groups from index.html broke the offline app's reload.)
 */
import { loadManifest, loadRow } from '../data/data-client.ts';
import { readFilters, hasFilters } from './filter-state.ts';
import { loadRowGroups } from './groups/collapse-rows.ts';

/**
 * Rows fetched ahead: a tall first screen's (~900 px of 112 px rows) with the list's overscan, and the
 * rows a collapsed story takes out of it. Shards hold 50 rows, so this is the newest shard and, when
 * that one is short, the one before it.
 */
export const FIRST_SCREEN_ROWS = 24;

/** Starts the first screen's fetches for a list at `search` (the URL's query); failures are left to the list. */
export function prefetchFirstScreen(search: string): void {
  const plain = !hasFilters(readFilters(new URLSearchParams(search)));
  loadManifest().then(
    (manifest) => {
      void loadRowGroups(manifest);
      if (!plain) return;
      for (let position = 0; position < Math.min(FIRST_SCREEN_ROWS, manifest.postCount); position++) void loadRow(manifest, position).catch(() => undefined);
    },
    () => undefined,
  );
}
