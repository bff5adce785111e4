/**
 * Which articles the reader has read: marked when an article is opened, toggled with `m`, and for a
 * whole view at once (with undo). Kept per archive in localStorage (see mark-store.ts).
 */
import { createMarkStore } from './mark-store.ts';

/** Enough for years of daily reading; the oldest marks are forgotten first. */
const MAX_MARKS = 50_000;

export const readMarks = createMarkStore('read', MAX_MARKS, 'cna-reader:read');

export function markRead(id: string, row: number): void {
  readMarks.set([[id, row]], true);
}

export function toggleRead(id: string, row: number): void {
  readMarks.set([[id, row]], !readMarks.has(id));
}

/** Marks every post given as read; returns what puts the marks back as they were. */
export function markAllRead(posts: Iterable<readonly [string, number]>): () => void {
  const before = readMarks.get();
  readMarks.set(posts, true);
  return () => readMarks.restore(before);
}

export function useReadMarks(): ReadonlyMap<string, number> {
  return readMarks.use();
}

/** For tests: read the marks from storage again on next use. */
export function forgetReadMarksCache(): void {
  readMarks.forget();
}
