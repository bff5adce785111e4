/**
 * Posts per day of the current filter, as a bar chart of buttons: click a day, Shift-click a range;
 * arrow keys move between days, Enter or Space picks, Shift+Enter extends. Long archives are drawn by
 * week or month so that bars stay wide enough to touch.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
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
  const binOf = (day: DayKey) => (unit === 'month' ? monthOfKey(day) - firstMonth : unit === 'week' ? Math.floor((dayNumber(day) - first) / 7) : dayNumber(day) - first);
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

interface TimelineProps {
  perDay: [DayKey, number][];
  from?: DayKey;
  to?: DayKey;
  onSelect: (range: { from: DayKey; to: DayKey }) => void;
}

export function Timeline({ perDay, from, to, onSelect }: TimelineProps) {
  const t = useMessages();
  const bars = useMemo(() => binDays(perDay), [perDay]);
  const max = Math.max(1, ...bars.map((bar) => bar.count));
  const [focus, setFocus] = useState(() => Math.max(0, bars.length - 1));
  const anchor = useRef<number | undefined>(undefined);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  if (bars.length === 0) return null;

  const pick = (index: number, extend: boolean) => {
    const bar = bars[index]!;
    if (extend && anchor.current !== undefined) {
      const other = bars[anchor.current]!;
      onSelect({ from: minDay(other.from, bar.from), to: other.to > bar.to ? other.to : bar.to });
    } else {
      anchor.current = index;
      onSelect({ from: bar.from, to: bar.to });
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
    if (event.shiftKey) pick(next, true);
  };

  const focused = Math.min(focus, bars.length - 1);
  return (
    <figure className="timeline">
      <figcaption id="timeline-label">
        {t.timeline}
        <span className="visually-hidden">{t.timelineHelp}</span>
      </figcaption>
      <div className="timeline-bars" role="group" aria-labelledby="timeline-label">
        {bars.map((bar, index) => {
          const label = bar.from === bar.to ? bar.from : `${bar.from} – ${bar.to}`;
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
      <div className="timeline-axis" aria-hidden="true">
        <span>{bars[0]!.from}</span>
        <span>{bars[bars.length - 1]!.to}</span>
      </div>
    </figure>
  );
}
