/**
 * Which rows a filter selects, computed from the manifest without fetching shards.
 *
 * The archive is one newest-first sequence of rows, and calendar days partition it: the rows of a day are
 * contiguous, and the manifest counts them. So a date range is a slice of rows, the day of any row is a
 * binary search, and day headings can be placed for any set of rows before any shard arrives.
 */
import type { DayKey, Manifest } from '../../shared/types.ts';
import { firstIndexWhere, lastIndexBefore } from '../../shared/binary-search.ts';
import { SortedItems } from './items/sorted-items.ts';

const NO_POSITIONS = new Int32Array(0);

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

/** The first position in rows[0, hi) holding a value >= `value`. */
function lowerBound(rows: ArrayLike<number>, value: number, hi = rows.length): number {
  return firstIndexWhere(hi, (n) => rows[n]! >= value);
}

/** A selection of rows: a contiguous range (no tag filter) or an explicit ascending list. */
export type RowSet = { kind: 'range'; start: number; end: number } | { kind: 'list'; rows: number[] };

/** One object per outlet's row list (see rowsOfOneTag). */
const oneTagSets = new WeakMap<readonly number[], RowSet>();

/**
 * All the rows of one outlet, as one set per row list for the page's life: its collapsed rows are
 * memoized on the set, so that the largest outlet's, worked out as the list first shows
 * (groups/use-collapsed-rows.ts), are the ones its click draws.
 */
export function rowsOfOneTag(tagRows: readonly number[]): RowSet {
  let set = oneTagSets.get(tagRows);
  if (!set) oneTagSets.set(tagRows, (set = { kind: 'list', rows: [...tagRows] }));
  return set;
}

export function rowSetSize(set: RowSet): number {
  return set.kind === 'range' ? set.end - set.start : set.rows.length;
}

/**
 * List items: a day heading before the first row of each day, for rows in archive order. Rows ranked by
 * relevance have no day runs to head, so they come bare (`grouped` false) and show their date each.
 */
export type ListItem = { kind: 'day'; day: DayKey; count: number } | { kind: 'row'; row: number; attached?: true };

/** The items of a list, read one at a time as the list draws them (see ListLayout for their places). */
export interface ListItems {
  readonly length: number;
  readonly headingCount: number;
  isRow(i: number): boolean;
  /** How many of the items before item i are headings. */
  headingsBefore(i: number): number;
  /** The row (list position) of item i, which must be a row. */
  rowAt(i: number): number;
  /** The item showing a row, or -1. */
  indexOfRow(row: number): number;
  at(i: number): ListItem | undefined;
}

/**
 * The items of a list, held in two typed arrays instead of one object per item: at 200k posts an
 * outlet's list has ~77k items, and making (then collecting) as many objects on every filter change was
 * a large part of applying it. Items become objects one at a time, as the list draws them.
 */
class ItemArrays implements ListItems {
  constructor(
    /** Item i is a row (code >= 0) or the heading of day number -1 - code of the day index. */
    private readonly codes: Int32Array,
    /** For a heading: how many rows it heads. */
    private readonly counts: Int32Array,
    readonly length: number,
    private readonly days: readonly DayKey[],
    /** The items that are headings, ascending (the first headingCount entries): what the list's layout needs. */
    private readonly headings: Int32Array,
    readonly headingCount: number,
    /** 1 for a row shown under the row before it: another report of its story, expanded (see collapseRows). */
    private readonly attached?: Uint8Array,
  ) {}

  isRow(i: number): boolean {
    return this.codes[i]! >= 0;
  }

  /** A binary search over the headings. */
  headingsBefore(i: number): number {
    return lowerBound(this.headings, i, this.headingCount);
  }

  rowAt(i: number): number {
    return this.codes[i]!;
  }

  /** A scan, done once when the reader returns to a list. */
  indexOfRow(row: number): number {
    for (let i = 0; i < this.length; i++) if (this.codes[i] === row) return i;
    return -1;
  }

  at(i: number): ListItem | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const code = this.codes[i]!;
    if (code < 0) return { kind: 'day', day: this.days[-1 - code]!, count: this.counts[i]! };
    return this.attached?.[i] ? { kind: 'row', row: code, attached: true } : { kind: 'row', row: code };
  }
}

export const NO_ITEMS: ListItems = new ItemArrays(new Int32Array(0), new Int32Array(0), 0, [], new Int32Array(0), 0);

/**
 * `expanded`: rows shown right after a row of the set, under its day and outside the day's count (the
 * other reports of a story whose group the reader opened, see collapse-rows.ts). `hidden`: rows of the
 * set left out of it (ascending), the rows collapsed into others.
 *
 * Rows in archive order with day headings and nothing expanded are laid out by day (SortedItems), in
 * steps proportional to the days and the hidden rows: the whole archive, the list's first screen, and
 * an outlet's rows are not walked row by row. Rows in another order (ranked, oldest first) come bare.
 */
export function listItems(
  set: RowSet,
  index: DayIndex,
  grouped = true,
  expanded?: ReadonlyMap<number, readonly number[]>,
  hidden: Int32Array = NO_POSITIONS,
): ListItems {
  const hasExpanded = expanded !== undefined && expanded.size > 0;
  if (set.kind === 'range' && !hasExpanded) return new SortedItems(set, hidden, index, grouped);
  if (set.kind === 'list' && grouped && !hasExpanded) return new SortedItems(set.rows, hidden, index, grouped);
  // The rows as one typed array, so that the loop below reads them one way (a call per row that
  // handled both kinds of set was most of this function's time at 75k rows).
  const setRows = set.kind === 'list' ? withoutHidden(set.rows, hidden) : rangeRows(set.start, set.end, hidden);
  const size = setRows.length;
  const { rows, attached } = hasExpanded ? withAttached(setRows, expanded) : { rows: setRows, attached: undefined };
  const total = rows.length;
  const capacity = grouped ? total + Math.min(size, index.days.length) : total;
  const codes = new Int32Array(capacity);
  const counts = new Int32Array(capacity);
  if (!grouped) {
    codes.set(rows);
    return new ItemArrays(codes, counts, total, index.days, new Int32Array(0), 0, attached);
  }
  // Rows ascend, and so do the days' first rows: one pass with a cursor over the days, no search per row.
  const headings = new Int32Array(Math.min(size, index.days.length));
  const itemAttached = attached ? new Uint8Array(capacity) : undefined;
  let headingCount = 0;
  let length = 0;
  let heading = -1;
  let d = -1;
  for (let i = 0; i < total; i++) {
    const row = rows[i]!;
    if (attached?.[i]) {
      itemAttached![length] = 1;
      codes[length++] = row;
      continue;
    }
    if (d < 0 || row >= index.firstRow[d + 1]!) {
      d = d < 0 ? dayNumberOfRow(index, row) : advanceDay(index, d, row);
      heading = length;
      headings[headingCount++] = length;
      codes[length++] = -1 - d;
    }
    counts[heading]!++;
    codes[length++] = row;
  }
  return new ItemArrays(codes, counts, length, index.days, headings, headingCount, itemAttached);
}

/** The rows with each expanded row's attached rows after it, and which are attached. */
function withAttached(rows: ArrayLike<number>, expanded: ReadonlyMap<number, readonly number[]>): { rows: Int32Array; attached: Uint8Array } {
  let extra = 0;
  for (const list of expanded.values()) extra += list.length;
  const out = new Int32Array(rows.length + extra);
  const attached = new Uint8Array(out.length);
  let length = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    out[length++] = row;
    for (const other of expanded.get(row) ?? []) {
      attached[length] = 1;
      out[length++] = other;
    }
  }
  return { rows: out.subarray(0, length), attached: attached.subarray(0, length) };
}

function withoutHidden(rows: number[], hidden: Int32Array): ArrayLike<number> {
  if (hidden.length === 0) return rows;
  const hiddenRows = new Set(hidden);
  return rows.filter((row) => !hiddenRows.has(row));
}

/** Rows start to end less the hidden ones (ascending). */
function rangeRows(start: number, end: number, hidden: Int32Array): Int32Array {
  const rows = new Int32Array(end - start);
  let length = 0;
  let h = 0;
  for (let row = start; row < end; row++) {
    while (h < hidden.length && hidden[h]! < row) h++;
    if (hidden[h] !== row) rows[length++] = row;
  }
  return rows.subarray(0, length);
}

/** Posts per day for a row set, oldest day first (days without any left out): what the timeline draws. */
export function countPerDay(set: RowSet, index: DayIndex): [DayKey, number][] {
  const counts: [DayKey, number][] = [];
  if (set.kind === 'range') {
    for (let i = index.days.length - 1; i >= 0; i--) {
      const overlap = Math.min(set.end, index.firstRow[i + 1]!) - Math.max(set.start, index.firstRow[i]!);
      if (overlap > 0) counts.push([index.days[i]!, overlap]);
    }
    return counts;
  }
  // Days oldest first are the rows from the end: each day's share of the list is one binary search,
  // which at 200k posts (~2k days, an outlet's ~75k rows) is far less than a step per row.
  let end = set.rows.length;
  for (let i = index.days.length - 1; i >= 0 && end > 0; i--) {
    const start = lowerBound(set.rows, index.firstRow[i]!, end);
    if (end > start) counts.push([index.days[i]!, end - start]);
    end = start;
  }
  return counts;
}

/** The day of the row, as its number in the index: a binary search. */
function dayNumberOfRow(index: DayIndex, row: number): number {
  return lastIndexBefore(index.days.length, (n) => index.firstRow[n]! > row);
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
