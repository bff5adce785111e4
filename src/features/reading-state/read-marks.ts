/**
 * Which articles the reader has opened, kept in localStorage so the list can mark them as read.
 */
import { useSyncExternalStore } from 'react';

const STORAGE_KEY = 'cna-reader:read';
/** Enough for years of daily reading; the oldest marks are forgotten first. */
const MAX_MARKS = 20_000;

let marks: Set<string> | undefined;
const listeners = new Set<() => void>();

function load(): Set<string> {
  if (!marks) {
    try {
      marks = new Set(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as string[]);
    } catch {
      marks = new Set();
    }
  }
  return marks;
}

export function markRead(id: string): void {
  const set = load();
  if (set.has(id)) return;
  set.add(id);
  if (set.size > MAX_MARKS) set.delete(set.values().next().value!);
  marks = new Set(set);
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify([...marks]));
  } catch {
    /* storage full or disabled: marks last for this visit */
  }
  listeners.forEach((listener) => listener());
}

export function useReadMarks(): ReadonlySet<string> {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    load,
    load,
  );
}

/** For tests: read the marks from storage again on next use. */
export function forgetReadMarksCache(): void {
  marks = undefined;
}
