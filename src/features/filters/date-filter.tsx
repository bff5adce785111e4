import type { DayKey } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { addDays } from '../../ui/format-date.ts';

interface DateFilterProps {
  from?: DayKey;
  to?: DayKey;
  /** Today in the archive's time zone. */
  today: DayKey;
  /** Oldest and newest day of the archive, the bounds of the date inputs. */
  min?: DayKey;
  max?: DayKey;
  onChange: (range: { from?: DayKey; to?: DayKey }) => void;
}

export function DateFilter({ from, to, today, min, max, onChange }: DateFilterProps) {
  const t = useMessages();
  const quick: [string, { from?: DayKey; to?: DayKey }][] = [
    [t.today, { from: today, to: today }],
    [t.last7Days, { from: addDays(today, -6), to: today }],
    [t.last30Days, { from: addDays(today, -29), to: today }],
    [t.allDates, {}],
  ];
  return (
    <fieldset className="date-filter">
      <legend>{t.dateRange}</legend>
      <div className="date-inputs">
        <label>
          {t.from}
          <input type="date" value={from ?? ''} min={min} max={max} onChange={(e) => onChange({ from: e.target.value || undefined, to })} />
        </label>
        <label>
          {t.to}
          <input type="date" value={to ?? ''} min={min} max={max} onChange={(e) => onChange({ from, to: e.target.value || undefined })} />
        </label>
      </div>
      <div className="quick-dates">
        {quick.map(([label, range]) => (
          <button key={label} type="button" aria-pressed={range.from === from && range.to === to} onClick={() => onChange(range)}>
            {label}
          </button>
        ))}
      </div>
    </fieldset>
  );
}
