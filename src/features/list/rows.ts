/**
 * Which rows a filter selects, computed from the manifest without fetching shards.
 *
 * The archive is one newest-first sequence of rows, and calendar days partition it: the rows of a day are
 * contiguous, and the manifest counts them. So a date range is a slice of rows, the day of any row is a
 * binary search, and day headings can be placed for any set of rows before any shard arrives.
 */
import type { DayKey, Manifest } from '../../index-format/types.ts';

/** Days newest first, with the first row of each. */
export interface DayIndex {
  days: DayKey[];
  /** firstRow[i] is the first (newest) row of days[i]; firstRow[days.length] is the post count. */
  firstRow: number[];
}

export function buildDayIndex(manifest: Manifest): DayIndex {
  const days: DayKey[] = [];
  const firstRow: number[] = [];
  let row = 0;
  for (let i = manifest.days.length - 1; i >= 0; i--) {
    const [day, count] = manifest.days[i]!;
    days.push(day);
    firstRow.push(row);
    row += count;
  }
  firstRow.push(row);
  return { days, firstRow };
}

export function dayOfRow(index: DayIndex, row: number): DayKey {
  let lo = 0;
  let hi = index.days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.firstRow[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return index.days[lo]!;
}

/** Rows [start, end) of the posts dated from `from` to `to` (inclusive days; open ends allowed). */
export function rowRangeOfDays(index: DayIndex, from?: DayKey, to?: DayKey): { start: number; end: number } {
  let start = index.firstRow[index.days.length]!;
  let end = 0;
  index.days.forEach((day, i) => {
    if ((from === undefined || day >= from) && (to === undefined || day <= to)) {
      start = Math.min(start, index.firstRow[i]!);
      end = Math.max(end, index.firstRow[i + 1]!);
    }
  });
  return start < end ? { start, end } : { start: 0, end: 0 };
}

/** Ascending rows in [start, end) that carry any of the tags (each list ascending). */
export function rowsWithAnyTag(tagRows: readonly (readonly number[])[], start: number, end: number): number[] {
  const set = new Set<number>();
  for (const rows of tagRows) {
    for (let i = lowerBound(rows, start); i < rows.length && rows[i]! < end; i++) set.add(rows[i]!);
  }
  return [...set].sort((a, b) => a - b);
}

function lowerBound(rows: readonly number[], value: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A selection of rows: a contiguous range (no tag filter) or an explicit ascending list. */
export type RowSet = { kind: 'range'; start: number; end: number } | { kind: 'list'; rows: number[] };

export function rowSetSize(set: RowSet): number {
  return set.kind === 'range' ? set.end - set.start : set.rows.length;
}

export function rowAt(set: RowSet, i: number): number {
  return set.kind === 'range' ? set.start + i : set.rows[i]!;
}

/**
 * List items: a day heading before the first row of each day, for rows in archive order. Rows ranked by
 * relevance have no day runs to head, so they come bare (`grouped` false) and show their date each.
 */
export type ListItem = { kind: 'day'; day: DayKey; count: number } | { kind: 'row'; row: number };

export function listItems(set: RowSet, index: DayIndex, grouped = true): ListItem[] {
  const items: ListItem[] = [];
  const size = rowSetSize(set);
  if (!grouped) {
    for (let i = 0; i < size; i++) items.push({ kind: 'row', row: rowAt(set, i) });
    return items;
  }
  let heading: { kind: 'day'; day: DayKey; count: number } | undefined;
  for (let i = 0; i < size; i++) {
    const row = rowAt(set, i);
    const day = dayOfRow(index, row);
    if (day !== heading?.day) {
      heading = { kind: 'day', day, count: 0 };
      items.push(heading);
    }
    heading.count++;
    items.push({ kind: 'row', row });
  }
  return items;
}

/** Posts per day for a row set, oldest day first: what the timeline draws. */
export function countPerDay(set: RowSet, index: DayIndex): [DayKey, number][] {
  const counts = new Map<DayKey, number>();
  if (set.kind === 'range') {
    index.days.forEach((day, i) => {
      const overlap = Math.min(set.end, index.firstRow[i + 1]!) - Math.max(set.start, index.firstRow[i]!);
      if (overlap > 0) counts.set(day, overlap);
    });
  } else {
    for (const row of set.rows) {
      const day = dayOfRow(index, row);
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
  }
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
