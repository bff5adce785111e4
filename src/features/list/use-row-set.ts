/**
 * The rows the current filters select. Dates and tags resolve from the manifest and the small tag
 * lists; a search query runs against the search index (loaded, with its code, only when a query is
 * typed), and its results are narrowed by the other filters.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { loadTagRows, peekTagRows } from '../data/data-client.ts';
import type { MatchSplitter } from '../search/highlighted.tsx';
import type { Filters } from './filter-state.ts';
import { rowRangeOfDays, rowsOfOneTag, rowsWithAnyTag, type DayIndex, type RowSet } from './rows.ts';

export interface SearchState {
  /** The query these results answer (the URL may already hold a newer one). */
  query: string;
  /** Cuts titles and excerpts into plain and matched pieces. */
  split: MatchSplitter;
  /** Terms too short to search (a single Chinese character). */
  /** Rows are in relevance order (true) or newest first. */
  ranked: boolean;
  /** Every match, ascending, whatever the other filters: what the outlet counts are counted from. */
  rowsByDate: readonly number[];
}

export type RowSetState =
  | { status: 'loading' }
  | { status: 'error'; error: Error; retry: () => void }
  | {
      status: 'ready';
      rows: RowSet;
      /** The outlet filter (and the query) over all dates: what the timeline draws, so that other days stay pickable. */
      timelineRows: RowSet;
      search?: SearchState;
      /** These rows answer an earlier query; the current one is still running. */
      stale?: boolean;
    };

export function useRowSet(manifest: Manifest, days: DayIndex, filters: Filters): RowSetState {
  const [attempt, setAttempt] = useState(0);
  const tagsKey = filters.tags.join('\u0000');
  const range = useMemo(() => rowRangeOfDays(days, filters.from, filters.to), [days, filters.from, filters.to]);
  /** What the current filters are: an answer for other filters is not theirs. */
  const key = `${range.start}:${range.end}:${tagsKey}:${filters.q}:${filters.sort ?? ''}:${attempt}`;

  // Without a query, and with the chosen outlets' rows at hand (prefetched when the pointer reached
  // them, or chosen before), the rows are worked out during this render: no effect, no extra frame.
  const immediate = useMemo(() => {
    if (filters.q) return undefined;
    const lists = filters.tags.map((tag) => peekTagRows(manifest, tag));
    return lists.every((list) => list !== undefined) ? tagAndDateRows(manifest, range, lists) : undefined;
  }, [manifest, range, tagsKey, filters.q]); // eslint-disable-line react-hooks/exhaustive-deps -- tagsKey stands for filters.tags

  const [answered, setAnswered] = useState<{ key: string; state: RowSetState } | undefined>(undefined);
  useEffect(() => {
    if (immediate) return;
    const controller = new AbortController();
    const retry = () => setAttempt((n) => n + 1);
    const answer = (state: RowSetState) => {
      if (!controller.signal.aborted) setAnswered({ key, state });
    };
    const run = async () => {
      const lists = await Promise.all(filters.tags.map((tag) => loadTagRows(manifest, tag)));
      if (!filters.q) return answer(tagAndDateRows(manifest, range, lists));
      const tagRows = lists.length > 0 ? rowsWithAnyTag(lists, 0, manifest.postCount) : undefined;
      const inRange = (row: number) => row >= range.start && row < range.end;
      const { runSearch } = await import('../search/run-search.ts');
      const started = performance.now();
      const result = await runSearch(filters.q, controller.signal);
      // Visible in the browser's performance timeline (and read by npm run bench): fetching and ranking.
      performance.measure('cna-reader:search', { start: started, detail: filters.q });
      const tagged = tagRows ? new Set(tagRows) : undefined;
      const keep = (row: number) => !tagged || tagged.has(row);
      // Relevance unless an order by date was asked for (newest first, or oldest: the view reverses it).
      const ranked = !filters.sort;
      const rows = (ranked ? result.rows : result.rowsByDate).filter((row) => keep(row) && inRange(row));
      answer({
        status: 'ready',
        rows: { kind: 'list', rows },
        timelineRows: { kind: 'list', rows: result.rowsByDate.filter(keep) },
        search: { query: filters.q, split: result.split, ranked, rowsByDate: result.rowsByDate },
      });
    };
    run().catch((error: unknown) => answer({ status: 'error', error: error instanceof Error ? error : new Error(String(error)), retry }));
    return () => controller.abort();
  }, [key, immediate]); // eslint-disable-line react-hooks/exhaustive-deps -- key stands for the filters and the attempt

  // Until the answer for these filters arrives, the last rows shown stay on screen, marked stale, rather
  // than blinking away at each keystroke, or being torn down and built again for the one frame an
  // outlet's rows take to arrive (at 200k posts, rebuilding the list costs more than the filter itself).
  const lastReady = useRef<RowSetState | undefined>(undefined);
  const current = immediate ?? (answered?.key === key ? answered.state : undefined);
  if (current?.status === 'ready') lastReady.current = current;
  if (current) return current;
  return lastReady.current?.status === 'ready' ? { ...lastReady.current, stale: true } : { status: 'loading' };
}

/** The rows of the chosen outlets (all rows if none) within a date range, without a query. */
function tagAndDateRows(manifest: Manifest, range: { start: number; end: number }, lists: (readonly number[])[]): RowSetState {
  if (lists.length === 0) return { status: 'ready', rows: { kind: 'range', ...range }, timelineRows: { kind: 'range', start: 0, end: manifest.postCount } };
  const whole = range.start === 0 && range.end >= manifest.postCount;
  const all: RowSet = lists.length === 1 ? rowsOfOneTag(lists[0]!) : { kind: 'list', rows: rowsWithAnyTag(lists, 0, manifest.postCount) };
  return { status: 'ready', rows: whole ? all : { kind: 'list', rows: rowsWithAnyTag(lists, range.start, range.end) }, timelineRows: all };
}
