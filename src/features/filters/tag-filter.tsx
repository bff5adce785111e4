import { useEffect, useRef } from 'react';
import type { TagSummary } from '../../shared/types.ts';
import { readerSavesData } from '../../ui/save-data.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { whenIdleAfterFirstInput } from '../../ui/when-idle.ts';

/**
 * The reader's number format, made once: `toLocaleString` makes one per call, and a list of 46 outlets
 * re-rendered on every filter change spent ~4 ms on it at 200k posts.
 */
const countFormat = new Intl.NumberFormat();

/**
 * Posts of the outlets whose row lists are fetched ahead once the outlet list is on screen:
 * the largest outlets first (the list's order), while their counts add up to at most this. A row costs
 * ~0.5 byte gzip, so this is ~50 KB at most whatever the archive's size (at 200k posts: the largest
 * outlet, 75k posts, and a few small ones); a reader with Save-Data on gets none of it.
 */
export const PREFETCH_ROWS = 100_000;

/** How long after the first rows the other outlets' lists wait for a first input. @default 2000 */
export const OTHERS_QUIET_MS = 2000;

/**
 * Outlet / tag checkboxes with counts; several may be chosen (a post matches any of them). `onIntent`
 * hears of a tag about to be chosen (pointer over it, or focus), so its row list can be fetched before
 * the click: a tap's press alone gives the fetch a head start of ~100 ms. It also hears of the largest
 * outlets once the outlet list is on screen (see PREFETCH_ROWS), not at idle: that left a click as the
 * first rows showed waiting for the outlet's rows (at 64k posts: 185 ms, against 40 ms a second later).
 * Until `fetchAhead` says the list's first rows are drawn, only the largest outlet's: all of them
 * competed with the rows; then the others after the reader's first input, or a quiet moment.
 */
export function TagFilter({
  tags,
  selected,
  onChange,
  onIntent,
  fetchAhead = true,
  counts,
}: {
  tags: TagSummary[];
  selected: string[];
  onChange: (tags: string[]) => void;
  onIntent?: (tag: string) => void;
  fetchAhead?: boolean;
  counts?: ReadonlyMap<string, number> | undefined;
}) {
  const t = useMessages();
  const fieldset = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    const element = fieldset.current;
    if (!onIntent || !element || readerSavesData() || typeof IntersectionObserver === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let cancelOthers: (() => void) | undefined;
    let budget = PREFETCH_ROWS;
    const inBudget = tags.filter((tag) => (budget -= tag.count) >= 0);
    // On screen: always beside the list on a wide screen; on a phone, once the filter panel is opened.
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      // The largest outlet at once, the likeliest first click; the others once the rows are drawn and a
      // first click is done (or none came): their fetches and parsing competed with that click.
      timer = setTimeout(() => inBudget.slice(0, 1).forEach((tag) => onIntent(tag.key)));
      if (fetchAhead) cancelOthers = whenIdleAfterFirstInput(() => inBudget.slice(1).forEach((tag) => onIntent(tag.key)), OTHERS_QUIET_MS);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
      cancelOthers?.();
    };
  }, [tags, onIntent, fetchAhead]);
  const toggle = (key: string) => {
    // The tag's rows are asked for now, before the new filters render: a render later is a frame later.
    if (!selected.includes(key)) onIntent?.(key);
    onChange(selected.includes(key) ? selected.filter((k) => k !== key) : [...selected, key]);
  };
  return (
    <fieldset className="tag-filter" ref={fieldset}>
      <legend>{t.outlets}</legend>
      <ul>
        {tags.map((tag) => (
          <li key={tag.key}>
            <label onPointerEnter={() => onIntent?.(tag.key)}>
              <input type="checkbox" checked={selected.includes(tag.key)} onChange={() => toggle(tag.key)} onFocus={() => onIntent?.(tag.key)} />
              <span className="tag-label">{tag.label}</span>
              {/* The count within the current search and dates (see facet-counts.ts), else the archive's. */}
              <span className="tag-count">{countFormat.format(counts?.get(tag.key) ?? tag.count)}</span>
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
