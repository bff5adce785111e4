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
  return index.days[dayNumberOfRow(index, row)]!;
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

/**
 * Ascending rows in [start, end) that carry any of the tags (each list ascending). The lists are merged
 * as they stand (no set, no sort): at 200k posts one outlet alone has tens of thousands of rows.
 */
export function rowsWithAnyTag(tagRows: readonly (readonly number[])[], start: number, end: number): number[] {
  const cursors = tagRows.map((rows) => lowerBound(rows, start));
  if (tagRows.length === 1) return tagRows[0]!.slice(cursors[0], lowerBound(tagRows[0]!, end));
  const out: number[] = [];
  for (;;) {
    let next = end;
    for (let t = 0; t < tagRows.length; t++) {
      const row = tagRows[t]![cursors[t]!];
      if (row !== undefined && row < next) next = row;
    }
    if (next >= end) return out;
    out.push(next);
    for (let t = 0; t < tagRows.length; t++) if (tagRows[t]![cursors[t]!] === next) cursors[t]!++;
  }
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
  // Rows ascend, and so do the days' first rows: one pass with a cursor over the days, no search per row.
  let heading: { kind: 'day'; day: DayKey; count: number } | undefined;
  let d = -1;
  for (let i = 0; i < size; i++) {
    const row = rowAt(set, i);
    if (d < 0 || row >= index.firstRow[d + 1]!) {
      d = d < 0 ? dayNumberOfRow(index, row) : advanceDay(index, d, row);
      heading = { kind: 'day', day: index.days[d]!, count: 0 };
      items.push(heading);
    }
    heading!.count++;
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
    // As in listItems: rows ascend, a cursor follows them over the days.
    let d = -1;
    let run = 0;
    for (const row of set.rows) {
      if (d < 0 || row >= index.firstRow[d + 1]!) {
        if (d >= 0) counts.set(index.days[d]!, run);
        d = d < 0 ? dayNumberOfRow(index, row) : advanceDay(index, d, row);
        run = 0;
      }
      run++;
    }
    if (d >= 0) counts.set(index.days[d]!, run);
  }
  return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

/** The day of the row, as its number in the index: a binary search. */
function dayNumberOfRow(index: DayIndex, row: number): number {
  let lo = 0;
  let hi = index.days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.firstRow[mid]! <= row) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** From day d, the day of a later row: steps ahead, since the next row is usually a day or two on. */
function advanceDay(index: DayIndex, d: number, row: number): number {
  let next = d;
  for (let steps = 0; steps < 8; steps++) {
    if (row < index.firstRow[next + 1]!) return next;
    next++;
  }
  return dayNumberOfRow(index, row);
}
