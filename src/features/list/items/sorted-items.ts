/**
 * The items of rows in archive order (a range, or an ascending list: an outlet's rows) less some hidden
 * ones (the rows collapsed into others), worked out by day instead of row by row. The list without
 * filters is the whole archive, and listing its 63k rows one by one, in code not yet optimized, was
 * most of the list's first render; an outlet's 50k rows were the same on its first click. Here the work
 * is a binary search per day and per hidden row, and each item is found when the list draws it.
 */
import type { DayIndex, ListItem, ListItems } from '../rows.ts';
import { firstIndexWhere, lastIndexBefore } from '../../../shared/binary-search.ts';

/** Rows in archive order: [start, end), or an ascending list. */
export type SortedRows = { start: number; end: number } | ArrayLike<number>;

/**
 * Runs of rows: with `grouped`, one a day (its heading, then its rows shown); without, one run of all
 * the rows shown. A day whose rows are all hidden has no run and no heading. Rows are counted by their
 * place in `rows` (its index), which is the row itself less `start` for a range.
 */
export class SortedItems implements ListItems {
  readonly length: number;
  readonly headingCount: number;
  /** The places of the hidden rows, ascending. */
  private readonly hiddenPlaces: Int32Array;
  /** The item where each run begins (its heading, when grouped), ascending. */
  private readonly runItem: Int32Array;
  /** The place of each run's first row (hidden or not). */
  private readonly runPlace: Int32Array;
  /** How many hidden rows come before each run's first row. */
  private readonly runHiddenBefore: Int32Array;
  /** Rows shown in each run. */
  private readonly runCount: Int32Array;
  /** The day number (in the day index) of each run. */
  private readonly runDay: Int32Array;
  private readonly runs: number;
  private readonly size: number;

  constructor(
    private readonly rows: SortedRows,
    /** Rows of `rows` not shown, ascending. */
    hidden: Int32Array,
    private readonly index: DayIndex,
    private readonly grouped: boolean,
  ) {
    this.size = 'start' in rows ? Math.max(0, rows.end - rows.start) : rows.length;
    this.hiddenPlaces = new Int32Array(hidden.length);
    let hiddenCount = 0;
    for (const row of hidden) {
      const place = this.placeOf(row);
      if (place >= 0) this.hiddenPlaces[hiddenCount++] = place;
    }
    this.hiddenPlaces = this.hiddenPlaces.subarray(0, hiddenCount);
    const dayOf = (row: number) => lastIndexBefore(index.days.length, (n) => index.firstRow[n]! > row);
    const first = this.size > 0 ? dayOf(this.rowOfPlace(0)) : 0;
    const capacity = grouped && this.size > 0 ? dayOf(this.rowOfPlace(this.size - 1)) - first + 1 : 1;
    this.runItem = new Int32Array(capacity);
    this.runPlace = new Int32Array(capacity);
    this.runHiddenBefore = new Int32Array(capacity);
    this.runCount = new Int32Array(capacity);
    this.runDay = new Int32Array(capacity);
    let runs = 0;
    let items = 0;
    let h = 0;
    for (let d = first; this.size > 0 && d < first + capacity; d++) {
      const runStart = grouped ? this.placesBefore(index.firstRow[d]!) : 0;
      const runEnd = grouped ? this.placesBefore(index.firstRow[d + 1]!) : this.size;
      const hiddenBefore = h;
      while (h < hiddenCount && this.hiddenPlaces[h]! < runEnd) h++;
      const shown = runEnd - runStart - (h - hiddenBefore);
      if (shown <= 0) continue;
      this.runItem[runs] = items;
      this.runPlace[runs] = runStart;
      this.runHiddenBefore[runs] = hiddenBefore;
      this.runCount[runs] = shown;
      this.runDay[runs] = d;
      runs++;
      items += shown + (grouped ? 1 : 0);
    }
    this.runs = runs;
    this.length = items;
    this.headingCount = grouped ? runs : 0;
  }

  /** How many of the rows are below `row`. */
  private placesBefore(row: number): number {
    const rows = this.rows;
    if ('start' in rows) return Math.min(this.size, Math.max(0, row - rows.start));
    return firstIndexWhere(rows.length, (n) => rows[n]! >= row);
  }

  /** The place of a row in `rows`, or -1. */
  private placeOf(row: number): number {
    const place = this.placesBefore(row);
    return place < this.size && this.rowOfPlace(place) === row ? place : -1;
  }

  private rowOfPlace(place: number): number {
    return 'start' in this.rows ? this.rows.start + place : this.rows[place]!;
  }

  /** The run holding item i. */
  private runOfItem(i: number): number {
    return lastIndexBefore(this.runs, (n) => this.runItem[n]! > i);
  }

  isRow(i: number): boolean {
    return !this.grouped || this.runItem[this.runOfItem(i)] !== i;
  }

  headingsBefore(i: number): number {
    return this.grouped ? firstIndexWhere(this.runs, (n) => this.runItem[n]! >= i) : 0;
  }

  /**
   * The k-th row shown of its run: past every hidden row before it. Before the run's j-th hidden row,
   * `its place - runPlace - j` rows are shown: the first j where that exceeds k.
   */
  rowAt(i: number): number {
    const run = this.runOfItem(i);
    const k = i - this.runItem[run]! - (this.grouped ? 1 : 0);
    const from = this.runHiddenBefore[run]!;
    const runPlace = this.runPlace[run]!;
    const hidden = this.hiddenPlaces;
    const skipped = firstIndexWhere(hidden.length - from, (j) => hidden[from + j]! - runPlace - j > k);
    return this.rowOfPlace(runPlace + k + skipped);
  }

  indexOfRow(row: number): number {
    const place = this.placeOf(row);
    if (place < 0) return -1;
    const hiddenBelow = firstIndexWhere(this.hiddenPlaces.length, (j) => this.hiddenPlaces[j]! >= place);
    if (this.hiddenPlaces[hiddenBelow] === place) return -1;
    const run = lastIndexBefore(this.runs, (n) => this.runPlace[n]! > place);
    return this.runItem[run]! + (this.grouped ? 1 : 0) + place - this.runPlace[run]! - (hiddenBelow - this.runHiddenBefore[run]!);
  }

  at(i: number): ListItem | undefined {
    if (i < 0 || i >= this.length) return undefined;
    if (this.isRow(i)) return { kind: 'row', row: this.rowAt(i) };
    const run = this.runOfItem(i);
    return { kind: 'day', day: this.index.days[this.runDay[run]!]!, count: this.runCount[run]! };
  }
}
