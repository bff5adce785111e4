/**
 * Posts of the current filter as a bar chart of buttons that zooms year → month → day: a long archive
 * shows a bar a year (or a month, when it spans two years at most); clicking a year picks it and shows
 * its months, clicking a month its days; a day is picked by a click, a range by Shift-click. Arrow keys
 * move between bars, Enter or Space picks, Shift+arrow extends. The zoom follows the dates picked (the
 * URL's from/to), so Back and shared links zoom alike.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { addDays } from '../../ui/format-date.ts';
import type { DayKey } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';

/** More bars than this are merged into weeks, then months. */
const MAX_BARS = 90;

interface Bar {
  from: DayKey;
  to: DayKey;
  count: number;
}

/**
 * Days with posts (oldest first) → bars: one per day, per week from the first day, or per calendar month.
 * Days are numbered, not stepped through as dates: an archive of years has thousands of days, and the
 * bars are made again on every filter change.
 */
export function binDays(perDay: [DayKey, number][]): Bar[] {
  if (perDay.length === 0) return [];
  const first = dayNumber(perDay[0]![0]);
  const last = dayNumber(perDay[perDay.length - 1]![0]);
  const span = last - first + 1;
  const unit = span <= MAX_BARS ? 'day' : span <= MAX_BARS * 7 ? 'week' : 'month';
  const firstMonth = monthOfKey(perDay[0]![0]);
  // Every day with posts is binned on every filter change: by its key's digits, not through a Date.
  const binOf = (day: DayKey) =>
    unit === 'month' ? monthOfKey(day) - firstMonth : unit === 'week' ? Math.floor((dayNumber(day) - first) / 7) : dayNumber(day) - first;
  const bars: Bar[] = [];
  const binCount = binOf(perDay[perDay.length - 1]![0]) + 1;
  for (let bin = 0; bin < binCount; bin++) {
    const from = unit === 'day' ? first + bin : unit === 'week' ? first + bin * 7 : Math.max(first, firstDayOfMonth(firstMonth + bin));
    const to = unit === 'day' ? from : unit === 'week' ? from + 6 : firstDayOfMonth(firstMonth + bin + 1) - 1;
    bars.push({ from: dayKey(from), to: dayKey(Math.min(to, last)), count: 0 });
  }
  for (const [day, count] of perDay) bars[binOf(day)]!.count += count;
  return bars;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` key. */
function dayNumber(day: DayKey): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

function dayKey(day: number): DayKey {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Months since January 1970 of a `YYYY-MM-DD` key. */
function monthOfKey(day: DayKey): number {
  return (Number(day.slice(0, 4)) - 1970) * 12 + Number(day.slice(5, 7)) - 1;
}

function firstDayOfMonth(month: number): number {
  return Math.round(Date.UTC(1970, month, 1) / DAY_MS);
}

function minDay(a: DayKey, b: DayKey): DayKey {
  return a < b ? a : b;
}

export type Unit = 'day' | 'month' | 'year';

/** An archive of at most this many days is drawn a bar a day; of at most 24 months, a bar a month. */
const MAX_DAY_BARS = 90;
const MAX_MONTH_BARS = 24;

/** The unit of the bars, and the days they cover, for the dates picked (see the module's comment). */
export function zoomOf(
  perDay: [DayKey, number][],
  from?: DayKey,
  to?: DayKey,
): { unit: Unit; first: DayKey; last: DayKey; parent?: { from?: DayKey; to?: DayKey } } {
  const first = perDay[0]![0];
  const last = perDay[perDay.length - 1]![0];
  const short = dayNumber(last) - dayNumber(first) < MAX_DAY_BARS;
  const months = monthOfKey(last) - monthOfKey(first) + 1;
  if (from && to && from.slice(0, 7) === to.slice(0, 7) && !short) {
    const month = from.slice(0, 7);
    const parent = months <= MAX_MONTH_BARS ? {} : { from: `${month.slice(0, 4)}-01-01`, to: `${month.slice(0, 4)}-12-31` };
    return { unit: 'day', first: `${month}-01`, last: addDays(`${nextMonth(month)}-01`, -1), parent };
  }
  if (from && to && from.slice(0, 4) === to.slice(0, 4) && months > MAX_MONTH_BARS) {
    const year = from.slice(0, 4);
    return { unit: 'month', first: `${year}-01-01`, last: `${year}-12-31`, parent: {} };
  }
  return { unit: short ? 'day' : months <= MAX_MONTH_BARS ? 'month' : 'year', first, last };
}

/** Bars of `unit` over the days [first, last] (clipped to the days that have posts), empty ones included. */
export function barsOf(perDay: [DayKey, number][], unit: Unit, first: DayKey, last: DayKey): Bar[] {
  const keyOf = (day: DayKey) => (unit === 'day' ? day : unit === 'month' ? day.slice(0, 7) : day.slice(0, 4));
  const dataFirst = perDay[0]![0];
  const dataLast = perDay[perDay.length - 1]![0];
  // Clipped to the posts' span when it meets the window (a month's days after the newest post are not drawn).
  const start = dataFirst > first && dataFirst <= last ? dataFirst : first;
  const end = dataLast < last && dataLast >= first ? dataLast : last;
  const bars: Bar[] = [];
  const index = new Map<string, number>();
  for (let key = keyOf(start); key <= keyOf(end); key = nextKey(key, unit)) {
    index.set(key, bars.length);
    const from = unit === 'day' ? key : unit === 'month' ? `${key}-01` : `${key}-01-01`;
    const to = unit === 'day' ? key : unit === 'month' ? addDays(`${nextMonth(key)}-01`, -1) : `${key}-12-31`;
    bars.push({ from: from < start ? start : from, to: to > end ? end : to, count: 0 });
  }
  for (const [day, count] of perDay) {
    const bar = day >= start && day <= end ? index.get(keyOf(day)) : undefined;
    if (bar !== undefined) bars[bar]!.count += count;
  }
  return bars;
}

function nextKey(key: string, unit: Unit): string {
  if (unit === 'day') return addDays(key, 1);
  if (unit === 'month') return nextMonth(key);
  return String(Number(key) + 1);
}

/** `YYYY-MM` → the next `YYYY-MM`. */
function nextMonth(month: string): string {
  const m = Number(month.slice(5, 7));
  const y = Number(month.slice(0, 4));
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

interface TimelineProps {
  perDay: [DayKey, number][];
  from?: DayKey;
  to?: DayKey;
  onSelect: (range: { from?: DayKey; to?: DayKey }) => void;
}

export function Timeline({ perDay, from, to, onSelect }: TimelineProps) {
  const t = useMessages();
  const zoom = useMemo(() => (perDay.length > 0 ? zoomOf(perDay, from, to) : undefined), [perDay, from, to]);
  const bars = useMemo(() => (zoom ? barsOf(perDay, zoom.unit, zoom.first, zoom.last) : []), [perDay, zoom]);
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const [focus, setFocus] = useState(() => Math.max(0, bars.length - 1));
  const anchor = useRef<number | undefined>(undefined);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  if (!zoom || bars.length === 0) return null;
  const unit = zoom.unit;

  const pick = (index: number, extend: boolean) => {
    const bar = bars[index]!;
    if (extend && anchor.current !== undefined && bars[anchor.current]) {
      const other = bars[anchor.current]!;
      onSelect({ from: minDay(other.from, bar.from), to: other.to > bar.to ? other.to : bar.to });
    } else {
      anchor.current = unit === 'day' ? index : undefined;
      // A year or a month is picked whole, and the timeline zooms into it.
      onSelect(
        unit === 'year'
          ? { from: `${bar.from.slice(0, 4)}-01-01`, to: `${bar.from.slice(0, 4)}-12-31` }
          : unit === 'month'
            ? { from: `${bar.from.slice(0, 7)}-01`, to: addDays(`${nextMonth(bar.from.slice(0, 7))}-01`, -1) }
            : { from: bar.from, to: bar.to },
      );
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const moves: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, Home: -index, End: bars.length - 1 - index };
    const move = moves[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = Math.min(bars.length - 1, Math.max(0, index + move));
    setFocus(next);
    buttons.current[next]?.focus();
    if (event.shiftKey && unit === 'day') pick(next, true);
  };

  const newest = perDay[perDay.length - 1]![0];
  const caption = unit === 'day' ? t.timeline : unit === 'month' ? t.timelinePerMonth : t.timelinePerYear;
  const scope = zoom.parent ? (unit === 'day' ? zoom.first.slice(0, 7) : zoom.first.slice(0, 4)) : '';
  const focused = Math.min(focus, bars.length - 1);
  return (
    <figure className="timeline" data-unit={unit}>
      <div className="timeline-head">
        <figcaption id="timeline-label">
          {caption}
          {scope && ` · ${scope}`}
          <span className="visually-hidden">{t.timelineZoomHelp}</span>
        </figcaption>
        <div className="timeline-tools">
          {zoom.parent && (
            <button type="button" onClick={() => onSelect(zoom.parent!)}>
              ↖ {t.timelineUp}
            </button>
          )}
          <button type="button" aria-pressed={from === newest && to === newest} onClick={() => onSelect({ from: newest, to: newest })}>
            {t.timelineNewestDay}
          </button>
        </div>
      </div>
      <div className="timeline-scroll">
        <div className="timeline-bars" role="group" aria-labelledby="timeline-label" style={{ minWidth: `${bars.length * 10}px` }}>
          {bars.map((bar, index) => {
            const label = unit === 'day' ? bar.from : unit === 'month' ? bar.from.slice(0, 7) : bar.from.slice(0, 4);
            const selected = from !== undefined && to !== undefined && bar.from >= from && bar.to <= to;
            return (
              <button
                key={bar.from}
                ref={(element) => {
                  buttons.current[index] = element;
                }}
                type="button"
                className="timeline-bar"
                tabIndex={index === focused ? 0 : -1}
                aria-pressed={selected}
                aria-label={t.postsOnDay(label, bar.count)}
                title={t.postsOnDay(label, bar.count)}
                onClick={(event) => pick(index, event.shiftKey)}
                onKeyDown={(event) => onKeyDown(event, index)}
                onFocus={() => setFocus(index)}
              >
                <span className="timeline-fill" style={{ height: `${Math.max(4, (bar.count / max) * 100)}%` }} />
              </button>
            );
          })}
        </div>
      </div>
      <div className="timeline-axis" aria-hidden="true">
        <span>{bars[0]!.from.slice(0, unit === 'day' ? 10 : unit === 'month' ? 7 : 4)}</span>
        <span>{bars[bars.length - 1]!.to.slice(0, unit === 'day' ? 10 : unit === 'month' ? 7 : 4)}</span>
      </div>
    </figure>
  );
}
