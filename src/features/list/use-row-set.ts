/**
 * The rows the current filters select. Dates and tags resolve from the manifest and the small tag
 * lists; a search query runs against the search index (loaded, with its code, only when a query is
 * typed), and its results are narrowed by the other filters.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Manifest } from '../../index-format/types.ts';
import { loadTagRows } from '../data/data-client.ts';
import type { MatchSplitter } from '../search/highlighted.tsx';
import type { Filters } from './filter-state.ts';
import { rowRangeOfDays, rowsWithAnyTag, type DayIndex, type RowSet } from './rows.ts';

export interface SearchState {
  /** The query these results answer (the URL may already hold a newer one). */
  query: string;
  /** Cuts titles and excerpts into plain and matched pieces. */
  split: MatchSplitter;
  /** Terms too short to search (a single Chinese character). */
  tooShort: string[];
  /** Rows are in relevance order (true) or newest first. */
  ranked: boolean;
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
  const [state, setState] = useState<RowSetState>({ status: 'loading' });
  const tagsKey = filters.tags.join('\u0000');
  const range = useMemo(() => rowRangeOfDays(days, filters.from, filters.to), [days, filters.from, filters.to]);

  useEffect(() => {
    const controller = new AbortController();
    const retry = () => setAttempt((n) => n + 1);
    const run = async () => {
      let tagRows: number[] | undefined;
      let tagRowsInRange: number[] | undefined;
      if (filters.tags.length > 0) {
        const lists = await Promise.all(filters.tags.map((tag) => loadTagRows(manifest, tag)));
        tagRows = rowsWithAnyTag(lists, 0, manifest.postCount);
        tagRowsInRange = range.start === 0 && range.end >= manifest.postCount ? tagRows : rowsWithAnyTag(lists, range.start, range.end);
      }
      const inRange = (row: number) => row >= range.start && row < range.end;
      if (!filters.q) {
        const rows: RowSet = tagRowsInRange ? { kind: 'list', rows: tagRowsInRange } : { kind: 'range', ...range };
        const timelineRows: RowSet = tagRows ? { kind: 'list', rows: tagRows } : { kind: 'range', start: 0, end: manifest.postCount };
        if (!controller.signal.aborted) setState({ status: 'ready', rows, timelineRows });
        return;
      }
      const { runSearch } = await import('../search/run-search.ts');
      const started = performance.now();
      const result = await runSearch(filters.q, controller.signal);
      // Visible in the browser's performance timeline (and read by npm run bench): fetching and ranking.
      performance.measure('cna-reader:search', { start: started, detail: filters.q });
      const tagged = tagRows ? new Set(tagRows) : undefined;
      const keep = (row: number) => !tagged || tagged.has(row);
      const ranked = filters.sort !== 'date';
      const rows = (ranked ? result.rows : result.rowsByDate).filter((row) => keep(row) && inRange(row));
      if (controller.signal.aborted) return;
      setState({
        status: 'ready',
        rows: { kind: 'list', rows },
        timelineRows: { kind: 'list', rows: result.rowsByDate.filter(keep) },
        search: { query: filters.q, split: result.split, tooShort: result.query.tooShort, ranked },
      });
    };
    // A new query (or filter) supersedes the running one: its result is dropped when it arrives.
    // Until then the previous results stay on screen, marked stale, rather than blinking away at each
    // keystroke, or being torn down and built again for the one frame an outlet's rows take to arrive
    // (at 200k posts, rebuilding the list cost more than the filter itself).
    setState((previous) => (previous.status === 'ready' ? { ...previous, stale: true } : { status: 'loading' }));
    run().catch((error: unknown) => {
      if (controller.signal.aborted) return;
      setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)), retry });
    });
    return () => controller.abort();
  }, [manifest, range, tagsKey, filters.q, filters.sort, attempt]); // eslint-disable-line react-hooks/exhaustive-deps -- tagsKey stands for filters.tags

  return state;
}
