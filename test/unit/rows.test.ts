/**
 * The list's row arithmetic (src/features/list/rows.ts), checked against plain definitions on a written
 * archive of days and outlets.
 */
import type { Manifest } from '../../src/shared/types.ts';
import {
  buildDayIndex,
  countPerDay,
  dayOfRow,
  listItems,
  rowRangeOfDays,
  rowsWithAnyTag,
  type ListItem,
  type ListItems,
} from '../../src/features/list/rows.ts';
import { ListLayout } from '../../src/features/list/list-layout.ts';

/** A deterministic spread: 60 days of 1 to 40 posts, oldest first as the manifest lists them. */
const dayCounts: [string, number][] = Array.from({ length: 60 }, (_, n) => [
  `2026-0${1 + Math.floor(n / 28)}-${String((n % 28) + 1).padStart(2, '0')}`,
  1 + ((n * 37) % 40),
]);
const manifest = { days: dayCounts } as Manifest;
const index = buildDayIndex(manifest);
const total = dayCounts.reduce((sum, [, count]) => sum + count, 0);
/** The day of each row, by walking the days newest first. */
const dayByRow = [...dayCounts].reverse().flatMap(([day, count]) => Array<string>(count).fill(day));
/** Three outlets' rows: every 3rd, every 7th, and a sparse set. */
const tags = [
  Array.from({ length: total }, (_, row) => row).filter((row) => row % 3 === 0),
  Array.from({ length: total }, (_, row) => row).filter((row) => row % 7 === 0),
  Array.from({ length: total }, (_, row) => row).filter((row) => (row * row) % 31 === 1),
];

function plainItems(rows: number[]): ListItem[] {
  const items: ListItem[] = [];
  for (const row of rows) {
    const last = items.findLast((item) => item.kind === 'day');
    if (!last || last.kind !== 'day' || last.day !== dayByRow[row]) items.push({ kind: 'day', day: dayByRow[row]!, count: 0 });
    (items.findLast((item) => item.kind === 'day') as { count: number }).count++;
    items.push({ kind: 'row', row });
  }
  return items;
}

const asArray = (items: ListItems) => Array.from({ length: items.length }, (_, i) => items.at(i));

/** Ranges of rows the set operations are checked over: all, a middle, one row, none. */
const RANGES = [
  [0, total],
  [17, 300],
  [5, 6],
  [total, total],
] as const;

describe('row arithmetic', () => {
  it('knows the day of every row', () => {
    expect(total).toBe(dayByRow.length);
    for (let row = 0; row < total; row++) expect(dayOfRow(index, row)).toBe(dayByRow[row]);
  });

  it('merges outlets into ascending rows without repeats, within a range', () => {
    const plain = (lists: number[][], start: number, end: number) =>
      [...new Set(lists.flat())].filter((row) => row >= start && row < end).sort((a, b) => a - b);
    for (const [start, end] of RANGES) {
      expect(rowsWithAnyTag(tags, start, end)).toEqual(plain(tags, start, end));
      expect(rowsWithAnyTag([tags[1]!], start, end)).toEqual(plain([tags[1]!], start, end));
      expect(rowsWithAnyTag([tags[0]!, tags[2]!], start, end)).toEqual(plain([tags[0]!, tags[2]!], start, end));
    }
    expect(rowsWithAnyTag([], 0, total)).toEqual([]);
  });

  it('heads each day of a filtered list once, with its count', () => {
    for (const rows of [tags[0]!, tags[2]!, rowsWithAnyTag(tags, 0, total), [0], []]) {
      expect(asArray(listItems({ kind: 'list', rows }, index))).toEqual(plainItems(rows));
    }
    const range = rowRangeOfDays(index, '2026-01-10', '2026-02-03');
    const rows = Array.from({ length: range.end - range.start }, (_, i) => range.start + i);
    expect(asArray(listItems({ kind: 'range', ...range }, index))).toEqual(plainItems(rows));
    const ranked = listItems({ kind: 'list', rows: [9, 3, 40] }, index, false);
    expect(asArray(ranked)).toEqual([
      { kind: 'row', row: 9 },
      { kind: 'row', row: 3 },
      { kind: 'row', row: 40 },
    ]);
    expect([ranked.isRow(0), ranked.at(3)]).toEqual([true, undefined]);
  });

  it('lists a range or an ascending list less its hidden rows as the same rows listed one by one', () => {
    const whole = Array.from({ length: total }, (_, row) => row);
    const hiddenSets = [[], tags[0]!, tags[2]!, whole.filter((row) => dayByRow[row] === dayByRow[40]), [0, 1, total - 1]];
    for (const [start, end] of RANGES) {
      for (const hiddenSet of hiddenSets) {
        const hidden = Int32Array.from(hiddenSet.filter((row) => row >= start && row < end));
        const isHidden = new Set(hidden);
        const shown = whole.filter((row) => row >= start && row < end && !isHidden.has(row));
        for (const grouped of [true, false]) {
          // An expanded row (here one the list does not hold) makes listItems list the rows one by one.
          const oneByOne = new Map([[-1, []]]);
          const plain = listItems({ kind: 'list', rows: shown }, index, grouped, oneByOne);
          const rows = whole.filter((row) => row >= start && row < end);
          const sparse = rows.filter((row) => row % 5 !== 0 || isHidden.has(row));
          const sparsePlain = listItems({ kind: 'list', rows: sparse.filter((row) => !isHidden.has(row)) }, index, grouped, oneByOne);
          for (const [items, expected] of [
            [listItems({ kind: 'range', start, end }, index, grouped, undefined, hidden), plain],
            [listItems({ kind: 'list', rows }, index, grouped, undefined, hidden), plain],
            [listItems({ kind: 'list', rows: sparse }, index, grouped, undefined, hidden), sparsePlain],
          ] as const) {
            expect(asArray(items)).toEqual(asArray(expected));
            expect(items.headingCount).toBe(expected.headingCount);
            for (let i = 0; i <= items.length; i++) expect(items.headingsBefore(i)).toBe(expected.headingsBefore(i));
            for (const row of [Math.max(0, start - 1), ...hidden, ...rows, end]) expect(items.indexOfRow(row)).toBe(expected.indexOfRow(row));
          }
        }
      }
    }
  });

  it('counts posts per day, oldest day first, for lists and ranges', () => {
    const plainCounts = (rows: number[]) => {
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(dayByRow[row]!, (counts.get(dayByRow[row]!) ?? 0) + 1);
      return [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    };
    expect(countPerDay({ kind: 'list', rows: tags[2]! }, index)).toEqual(plainCounts(tags[2]!));
    expect(countPerDay({ kind: 'list', rows: tags[0]! }, index)).toEqual(plainCounts(tags[0]!));
    expect(countPerDay({ kind: 'range', start: 40, end: 400 }, index)).toEqual(plainCounts(Array.from({ length: 360 }, (_, i) => 40 + i)));
  });
});

describe('the list layout', () => {
  it('places every item where the heights before it add up to, and finds the item at any pixel', () => {
    const lists = [
      listItems({ kind: 'list', rows: rowsWithAnyTag(tags, 0, total) }, index),
      listItems({ kind: 'range', start: 0, end: total }, index),
      listItems({ kind: 'list', rows: [9, 3, 40] }, index, false),
      listItems({ kind: 'list', rows: [] }, index),
    ];
    for (const items of lists) {
      const layout = new ListLayout(items, 112, 48);
      let offset = 0;
      for (let i = 0; i < items.length; i++) {
        const size = items.isRow(i) ? 112 : 48;
        expect([layout.start(i), layout.size(i)]).toEqual([offset, size]);
        expect([layout.indexAt(offset), layout.indexAt(offset + size - 1)]).toEqual([i, i]);
        offset += size;
      }
      expect(layout.totalSize).toBe(offset);
    }
  });

  it('gives the items a window shows, with the overscan, clamped to the list', () => {
    const items = listItems({ kind: 'range', start: 0, end: total }, index);
    const layout = new ListLayout(items, 100, 40);
    // The first heading (0-40) and rows of 100 px: 40-140 is item 1, 140-240 item 2 (if no heading between).
    expect(layout.range(0, 1, 0)).toEqual({ start: 0, end: 1 });
    const middle = layout.range(5000, 5900, 2);
    expect(middle.start).toBe(layout.indexAt(5000) - 2);
    expect(middle.end).toBe(layout.indexAt(5899) + 3);
    // A window above the list (it starts lower on the page) or past its end.
    expect(layout.range(-900, -100, 3)).toEqual({ start: 0, end: 4 });
    expect(layout.range(layout.totalSize + 10, layout.totalSize + 900, 3)).toEqual({ start: items.length - 4, end: items.length });
    expect(new ListLayout(listItems({ kind: 'list', rows: [] }, index), 100, 40).range(0, 900, 3)).toEqual({ start: 0, end: 0 });
  });
});
