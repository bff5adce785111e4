/**
 * A set of marked posts (read, starred) kept in localStorage per archive, and shared by every component
 * through useSyncExternalStore. A mark is a post's id with its row (counted from the oldest post, as
 * the index files number posts): the id is what stays true across rebuilds; the row lets the list
 * filter on marks without fetching the metadata of every row. New posts land after the newest, so a
 * rebuild keeps every row (see shared/types.ts); a row found stale only misplaces the mark in a filter.
 */
import { useSyncExternalStore } from 'react';

/** Row of a mark whose row is not known (marks kept by versions that stored ids only). */
export const UNKNOWN_ROW = -1;

/**
 * Marks are kept per archive: two archives served from one origin (GitHub Pages' /<repo>/ paths) share
 * localStorage, and their ids could meet. `?.`: tests under plain Node have no import.meta.env.
 */
export const ARCHIVE_KEY = import.meta.env?.BASE_URL ?? '/';

export interface MarkStore {
  /** The marks, as a new Map after every change (so React sees one). */
  get(): ReadonlyMap<string, number>;
  has(id: string): boolean;
  set(entries: Iterable<readonly [string, number]>, marked: boolean): void;
  /** Puts back marks as `get()` returned them (undo). */
  restore(marks: ReadonlyMap<string, number>): void;
  use(): ReadonlyMap<string, number>;
  /** For tests: read the marks from storage again on next use. */
  forget(): void;
}

/**
 * `name`: the storage key's last part; `max`: marks kept, the oldest forgotten first; `legacyKey`: a
 * key holding a JSON array of ids, read once when this store has nothing yet.
 */
export function createMarkStore(name: string, max: number, legacyKey?: string): MarkStore {
  const key = `cna-reader:${ARCHIVE_KEY}:${name}`;
  let marks: Map<string, number> | undefined;
  const listeners = new Set<() => void>();

  const load = (): Map<string, number> => {
    if (marks) return marks;
    try {
      const stored = localStorage.getItem(key);
      if (stored !== null) marks = new Map(JSON.parse(stored) as [string, number][]);
      else if (legacyKey) marks = new Map((JSON.parse(localStorage.getItem(legacyKey) ?? '[]') as string[]).map((id) => [id, UNKNOWN_ROW]));
      else marks = new Map();
    } catch {
      marks = new Map();
    }
    return marks;
  };
  const save = (next: Map<string, number>) => {
    while (next.size > max) next.delete(next.keys().next().value!);
    marks = next;
    try {
      localStorage.setItem(key, JSON.stringify([...next]));
    } catch {
      /* storage full or disabled: marks last for this visit */
    }
    listeners.forEach((listener) => listener());
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };

  return {
    get: load,
    has: (id) => load().has(id),
    set(entries, marked) {
      const next = new Map(load());
      let changed = false;
      for (const [id, row] of entries) {
        if (marked ? next.get(id) === row : !next.has(id)) continue;
        changed = true;
        if (marked) next.set(id, row);
        else next.delete(id);
      }
      if (changed) save(next);
    },
    restore: (previous) => save(new Map(previous)),
    use: () => useSyncExternalStore(subscribe, load, load),
    forget: () => {
      marks = undefined;
    },
  };
}
