/**
 * The rows of a view in the order it shows them, after the filters: only the unread or the starred
 * ones, oldest first. What the list draws, and what an article's j/k and 上一篇/下一篇 walk through.
 */
import type { Filters } from './filter-state.ts';
import { orderOf } from './filter-state.ts';
import type { RowSet } from './rows.ts';

/**
 * `marked`: list positions of the read posts (for `show=unread`) or of the starred ones (`show=starred`).
 * `keep`: a position left in whatever its marks (the article being read, marked read as it opened).
 */
export function applyView(set: RowSet, filters: Pick<Filters, 'show' | 'sort' | 'q'>, marked: ReadonlySet<number>, keep?: number): RowSet {
  let result = set;
  if (filters.show) {
    const wanted = filters.show === 'starred';
    const rows = set.kind === 'list' ? set.rows : rangeArray(set.start, set.end);
    result = { kind: 'list', rows: rows.filter((row) => row === keep || marked.has(row) === wanted) };
  }
  if (orderOf(filters) === 'oldest') {
    const rows = result.kind === 'list' ? [...result.rows] : rangeArray(result.start, result.end);
    result = { kind: 'list', rows: rows.reverse() };
  }
  return result;
}

function rangeArray(start: number, end: number): number[] {
  return Array.from({ length: end - start }, (_, i) => start + i);
}

/** The row shown at place i of a set, or undefined past its ends. */
export function rowAt(set: RowSet, i: number): number | undefined {
  if (i < 0) return undefined;
  if (set.kind === 'range') return set.start + i < set.end ? set.start + i : undefined;
  return set.rows[i];
}

/** The place of a row in a set, or -1. */
export function placeOfRow(set: RowSet, row: number): number {
  if (set.kind === 'range') return row >= set.start && row < set.end ? row - set.start : -1;
  return set.rows.indexOf(row);
}
