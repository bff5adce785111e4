/**
 * The timeline's bars (binDays), checked against the plain definition: walk the calendar a day at a
 * time, closing a bar at the end of each day, week (from the first day) or calendar month.
 */
import { binDays } from '../../src/features/filters/timeline.tsx';

const next = (day: string) => new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);

function plainBars(perDay: [string, number][], unit: 'day' | 'week' | 'month') {
  const counts = new Map(perDay);
  const last = perDay[perDay.length - 1]![0];
  const bars: { from: string; to: string; count: number }[] = [];
  let bar: { from: string; to: string; count: number } | undefined;
  for (let day = perDay[0]![0], n = 0; day <= last; day = next(day), n++) {
    const starts = !bar || unit === 'day' || (unit === 'week' && n % 7 === 0) || (unit === 'month' && day.endsWith('-01'));
    if (starts) bars.push((bar = { from: day, to: day, count: 0 }));
    bar!.to = day;
    bar!.count += counts.get(day) ?? 0;
  }
  return bars;
}

/** Every `step`-th day from `first`, `count` days, with a varying number of posts. */
function spread(first: string, count: number, step: number): [string, number][] {
  const days: [string, number][] = [];
  let day = first;
  for (let n = 0; n < count; n++) {
    days.push([day, 1 + ((n * 13) % 9)]);
    for (let s = 0; s < step; s++) day = next(day);
  }
  return days;
}

describe('timeline bars', () => {
  it('draws a bar per day for short spans', () => {
    const perDay = spread('2024-02-20', 30, 2);
    expect(binDays(perDay)).toEqual(plainBars(perDay, 'day'));
    expect(binDays([['2025-06-01', 4]])).toEqual([{ from: '2025-06-01', to: '2025-06-01', count: 4 }]);
  });

  it('draws a bar per week, from the first day, for spans up to 630 days', () => {
    const perDay = spread('2023-12-30', 120, 3);
    expect(binDays(perDay)).toEqual(plainBars(perDay, 'week'));
  });

  it('draws a bar per calendar month for longer spans, across leap years', () => {
    const perDay = spread('2019-11-17', 700, 4);
    const bars = binDays(perDay);
    expect(bars).toEqual(plainBars(perDay, 'month'));
    expect(bars.find((bar) => bar.from === '2020-02-01')?.to).toBe('2020-02-29');
    expect(bars.reduce((sum, bar) => sum + bar.count, 0)).toBe(perDay.reduce((sum, [, count]) => sum + count, 0));
  });

  it('draws nothing for no days', () => {
    expect(binDays([])).toEqual([]);
  });
});
