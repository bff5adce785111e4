import type { DayKey } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { addDays } from '../../ui/format-date.ts';

interface DateFilterProps {
  from?: DayKey;
  to?: DayKey;
  /** Oldest and newest day of the archive: the bounds of the date inputs, and where the shortcuts count from. */
  min?: DayKey;
  max?: DayKey;
  onChange: (range: { from?: DayKey; to?: DayKey }) => void;
}

/**
 * From / to inputs and shortcuts. The shortcuts count back from the archive's newest post, not from
 * today's clock: an archive that ends in 2023 is read for its last days, not for an empty week.
 */
export function DateFilter({ from, to, min, max, onChange }: DateFilterProps) {
  const t = useMessages();
  const quick: [string, { from?: DayKey; to?: DayKey }][] = max
    ? [
        [t.newestDay, { from: max, to: max }],
        [t.newest7Days, { from: addDays(max, -6), to: max }],
        [t.newest30Days, { from: addDays(max, -29), to: max }],
        [t.allDates, {}],
      ]
    : [[t.allDates, {}]];
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
      <div className="quick-dates" role="group" aria-describedby={max ? 'quick-dates-note' : undefined}>
        {quick.map(([label, range]) => (
          <button key={label} type="button" aria-pressed={range.from === from && range.to === to} onClick={() => onChange(range)}>
            {label}
          </button>
        ))}
      </div>
      {max && (
        <p id="quick-dates-note" className="quick-dates-note">
          {t.countedFromNewest(max)}
        </p>
      )}
    </fieldset>
  );
}
