/**
 * The row of each view the reader was last on (opened, or moved to with j/k in an article), kept for
 * the tab's life in sessionStorage: returning to the view, by Back, by 回到列表 or after a reload,
 * puts focus on that row.
 */
const STORAGE_KEY = 'cna-reader:view-cursor';
/** Views remembered; the oldest forgotten first. */
const MAX_VIEWS = 50;

function readAll(): Record<string, number> {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/** `view`: the view's URL query (viewSearch); `position`: the row's list position. */
export function saveViewCursor(view: string, position: number): void {
  const all = readAll();
  delete all[view];
  all[view] = position;
  const keys = Object.keys(all);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_VIEWS))) delete all[key];
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    /* no session storage: focus starts at the list's top */
  }
}

export function readViewCursor(view: string): number | undefined {
  return readAll()[view];
}
