/**
 * Where each item of the list sits, by arithmetic: every row is `rowHeight` tall and every day heading
 * `dayHeight`, so an item's offset is its index times the row height plus, per heading before it, the
 * difference. Nothing is measured or stored per item: a filter that leaves 77k items lays them out in
 * a binary search over the ~2,000 headings (a virtualizer that measures items, the first design, spent
 * 5-14 ms per filter change at 200k posts on an offset for each).
 */
import type { ListItems } from './rows.ts';
import { lastIndexBefore } from '../../shared/binary-search.ts';

export class ListLayout {
  constructor(
    private readonly items: ListItems,
    readonly rowHeight: number,
    readonly dayHeight: number,
  ) {}

  get totalSize(): number {
    return this.items.length * this.rowHeight + this.items.headingCount * (this.dayHeight - this.rowHeight);
  }

  /** Offset of item i from the list's top. */
  start(i: number): number {
    return i * this.rowHeight + this.items.headingsBefore(i) * (this.dayHeight - this.rowHeight);
  }

  size(i: number): number {
    return this.items.isRow(i) ? this.rowHeight : this.dayHeight;
  }

  /** The item at `y` pixels from the list's top (the first or the last when `y` is outside the list). */
  indexAt(y: number): number {
    return lastIndexBefore(this.items.length, (n) => this.start(n) > y);
  }

  /** Items [start, end) that meet the span [top, bottom) of the list, with `overscan` more on each side. */
  range(top: number, bottom: number, overscan: number): { start: number; end: number } {
    if (this.items.length === 0) return { start: 0, end: 0 };
    const first = this.indexAt(Math.max(0, top));
    const last = this.indexAt(Math.max(0, bottom - 1));
    return { start: Math.max(0, first - overscan), end: Math.min(this.items.length, last + 1 + overscan) };
  }
}
