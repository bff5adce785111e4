/**
 * The reader's read and starred marks as a JSON file, to move them to another browser or keep them.
 * Importing adds to the marks already there (a mark is never removed by an import).
 */
import { ARCHIVE_KEY, type MarkStore } from './mark-store.ts';

export const STATE_FORMAT = 'cna-reader-state';
export const STATE_VERSION = 1;

export interface StateFile {
  format: typeof STATE_FORMAT;
  version: number;
  /** The archive's base path the marks were made in: informative, an import into another is allowed. */
  archive: string;
  exportedAt: string;
  /** [post id, row] pairs (see mark-store.ts). */
  read: [string, number][];
  starred: [string, number][];
}

export function exportState(read: MarkStore, starred: MarkStore, now = new Date()): StateFile {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    archive: ARCHIVE_KEY,
    exportedAt: now.toISOString(),
    read: [...read.get()],
    starred: [...starred.get()],
  };
}

/** A file's marks, or the reason it is not one of ours. */
export function parseState(text: string): { read: [string, number][]; starred: [string, number][] } | { problem: 'not-json' | 'not-a-state-file' } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return { problem: 'not-json' };
  }
  const file = data as Partial<StateFile> | null;
  if (!file || file.format !== STATE_FORMAT || !Array.isArray(file.read) || !Array.isArray(file.starred)) return { problem: 'not-a-state-file' };
  const pairs = (list: unknown[]) => list.filter((e): e is [string, number] => Array.isArray(e) && typeof e[0] === 'string' && Number.isInteger(e[1]));
  return { read: pairs(file.read), starred: pairs(file.starred) };
}

/** Adds a parsed file's marks; returns how many of each it held. */
export function importState(text: string, read: MarkStore, starred: MarkStore): { read: number; starred: number } | { problem: string } {
  const parsed = parseState(text);
  if ('problem' in parsed) return parsed;
  read.set(parsed.read, true);
  starred.set(parsed.starred, true);
  return { read: parsed.read.length, starred: parsed.starred.length };
}
