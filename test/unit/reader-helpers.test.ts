/** The pure helpers of the reader's navigation and triage (issue 24). */
import { isDayKey, readFilters, viewSearch } from '../../src/features/list/filter-state.ts';
import { applyView, placeOfRow, rowAt } from '../../src/features/list/view-rows.ts';
import { countCommon, countInRange } from '../../src/features/filters/facet-counts.ts';
import { barsOf, zoomOf } from '../../src/features/filters/timeline.tsx';
import { pickThumbnailSource } from '../../src/ui/thumbnail-source.ts';
import { parseState } from '../../src/features/reading-state/state-file.ts';
import { formatTime } from '../../src/ui/format-date.ts';

describe('filters in the URL', () => {
  it('tells real days from impossible ones', () => {
    expect(isDayKey('2024-02-29')).toBe(true);
    expect(isDayKey('2023-02-29')).toBe(false);
    expect(isDayKey('2020-13-45')).toBe(false);
  });

  it('keeps an impossible date out of the filters and lists it as invalid', () => {
    expect(readFilters(new URLSearchParams('to=2020-13-45&from=2020-01-01'))).toEqual({ tags: [], q: '', from: '2020-01-01', invalid: ['2020-13-45'] });
  });

  it('writes one URL per view: newest first without a query is the default', () => {
    expect(viewSearch(readFilters(new URLSearchParams('sort=date&tag=bbc&show=unread')))).toBe('?tag=bbc&show=unread');
    expect(viewSearch(readFilters(new URLSearchParams('sort=oldest')))).toBe('?sort=oldest');
  });
});

describe("a view's rows", () => {
  it('keeps the unread rows, and the row being read', () => {
    const view = applyView({ kind: 'range', start: 0, end: 5 }, { show: 'unread', q: '' }, new Set([1, 2, 3]), 2);
    expect(view).toEqual({ kind: 'list', rows: [0, 2, 4] });
  });

  it('turns the rows oldest first', () => {
    expect(applyView({ kind: 'list', rows: [3, 5, 9] }, { sort: 'oldest', q: '' }, new Set())).toEqual({ kind: 'list', rows: [9, 5, 3] });
  });

  it("finds a row's place and the rows beside it", () => {
    const set = { kind: 'list' as const, rows: [7, 2, 5] };
    expect(placeOfRow(set, 2)).toBe(1);
    expect([rowAt(set, 0), rowAt(set, 2), rowAt(set, 3)]).toEqual([7, 5, undefined]);
  });
});

describe('outlet counts', () => {
  it("counts an outlet's rows within a range", () => {
    expect(countInRange([1, 4, 6, 9], 4, 9)).toBe(2);
  });

  it('counts the rows an outlet shares with the search results, within a range', () => {
    expect(countCommon([1, 4, 6, 9, 12], [0, 4, 5, 9, 12], 2, 12)).toBe(2);
  });
});

describe("the timeline's zoom", () => {
  const years: [string, number][] = [
    ['2019-01-03', 1],
    ['2021-04-17', 2],
    ['2023-10-20', 1],
  ];

  it("draws years for an archive of more than two years, and a year's months once it is picked", () => {
    expect(zoomOf(years).unit).toBe('year');
    expect(barsOf(years, 'year', '2019-01-03', '2023-10-20').map((bar) => bar.count)).toEqual([1, 0, 2, 0, 1]);
    const zoom = zoomOf(years, '2021-01-01', '2021-12-31');
    expect(zoom).toMatchObject({ unit: 'month', first: '2021-01-01', last: '2021-12-31' });
    expect(barsOf(years, zoom.unit, zoom.first, zoom.last)).toHaveLength(12);
  });

  it("draws a month's days once a day or a month is picked", () => {
    const zoom = zoomOf(years, '2021-04-17', '2021-04-17');
    expect(zoom).toMatchObject({ unit: 'day', first: '2021-04-01', last: '2021-04-30', parent: { from: '2021-01-01', to: '2021-12-31' } });
    expect(barsOf(years, zoom.unit, zoom.first, zoom.last)).toHaveLength(30);
  });
});

describe('thumbnails', () => {
  it('take the smallest srcset candidate at least twice their slot', () => {
    expect(pickThumbnailSource({ src: 'a-800.jpg', srcset: 'a-1280.jpg 1280w, a-200.jpg 200w, a-480.jpg 480w, a-150.jpg 150w' }, 96)).toBe('a-200.jpg');
  });

  it('take the largest candidate when none is large enough, and src without a srcset', () => {
    expect(pickThumbnailSource({ src: 'a.jpg', srcset: 'a-100.jpg 100w, a-150.jpg 150w' }, 96)).toBe('a-150.jpg');
    expect(pickThumbnailSource({ src: 'a.jpg' }, 96)).toBe('a.jpg');
  });
});

describe('the state file', () => {
  it('reads its read and starred marks, and refuses another file', () => {
    expect(parseState(JSON.stringify({ format: 'cna-reader-state', version: 1, read: [['a', 3]], starred: [['b', 4], ['bad']] }))).toEqual({
      read: [['a', 3]],
      starred: [['b', 4]],
    });
    expect(parseState('{"hello":1}')).toEqual({ problem: 'not-a-state-file' });
    expect(parseState('not json')).toEqual({ problem: 'not-json' });
  });
});

describe("a row's time", () => {
  it("is the hour and minute in the archive's time zone, on a 24-hour clock", () => {
    expect(formatTime('2023-02-22T18:04:00Z', 'Asia/Taipei')).toBe('02:04');
    expect(formatTime('2023-02-23T00:30:00+08:00', 'Asia/Taipei')).toBe('00:30');
    expect(formatTime('2023-07-01T12:00:00Z', 'Europe/London')).toBe('13:00');
  });
});
