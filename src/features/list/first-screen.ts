/**
 * The data of the list's first screen, asked for as the app starts rather than as the list renders: the
 * manifest and the groups and, for a list without filters, the shards of its newest rows, the moment
 * the manifest is read. The list then draws its first rows in its first render, instead of placeholders
 * a shard later. (Preloading the manifest and groups from index.html broke the offline app's reload.)
 */
import { loadManifest, loadRow, prefetchTagRows } from '../data/data-client.ts';
import { readerSavesData } from '../../ui/save-data.ts';
import { readFilters, hasFilters } from './filter-state.ts';
import { fetchRowGroupsFile, loadRowGroups } from './groups/collapse-rows.ts';

/**
 * Rows fetched ahead: a tall first screen's (~900 px of 112 px rows) with the list's overscan, and the
 * rows a collapsed story takes out of it. Shards hold 50 rows, so this is the newest shard and, when
 * that one is short, the one before it.
 */
export const FIRST_SCREEN_ROWS = 24;

/** Where the outlet list shows beside the list (app/styles.css); narrower, it waits behind 篩選. */
const OUTLETS_BESIDE_LIST = '(min-width: 900px)';

/**
 * Whether a page at `pathname` shows the list (the router's index and `index.html` routes, see
 * app/routes.tsx), told before the router is loaded.
 */
export function isListPath(pathname: string, base: string = import.meta.env.BASE_URL): boolean {
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : `${pathname}/` === base ? '' : undefined;
  return rest === '' || rest === 'index.html';
}

/** The fetches of the page's first screen, while they run (see listManifest). */
let running: Promise<void> | undefined;

/**
 * Starts the first screen's fetches for a list at `search` (the URL's query). Settles once they have
 * (failures are left to the list).
 */
export function prefetchFirstScreen(search: string): Promise<void> {
  const started = firstScreen(search);
  running = started;
  void started.finally(() => {
    if (running === started) running = undefined;
  });
  return started;
}

/**
 * Settles once the first screen's data has arrived, when it is being fetched: the list then draws its
 * rows once, with their data, rather than a screen of placeholders that is laid out and painted, then
 * drawn again a shard later. The rest of the page need not wait (the outlets' rows are fetched ahead
 * once their list is on screen).
 */
export async function firstScreenArrived(): Promise<true> {
  await running;
  return true;
}

/** True when the list's rows can be drawn at once (see firstScreenArrived). */
export function isFirstScreenHere(): true | undefined {
  return running ? undefined : true;
}

async function firstScreen(search: string): Promise<void> {
  const plain = !hasFilters(readFilters(new URLSearchParams(search)));
  const manifestRead = loadManifest().catch(() => undefined);
  const groupsFile = fetchRowGroupsFile().catch(() => undefined);
  const manifest = await manifestRead;
  if (!manifest) return;
  const rows = plain ? Array.from({ length: Math.min(FIRST_SCREEN_ROWS, manifest.postCount) }, (_, position) => loadRow(manifest, position)) : [];
  // The largest outlet's rows (~3 KB gz at 64k posts), the likeliest first click, not waited for: a click
  // as the rows show would wait for them (the outlet list shows with the rows, not before them).
  const largest = manifest.tags[0];
  if (largest && areOutletsBesideList() && !readerSavesData()) void prefetchTagRows(manifest, largest.key);
  await Promise.allSettled([groupsFile, loadRowGroups(manifest), ...rows]);
}

function areOutletsBesideList(): boolean {
  return typeof matchMedia === 'function' && matchMedia(OUTLETS_BESIDE_LIST).matches;
}
