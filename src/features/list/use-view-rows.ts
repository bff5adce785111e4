/**
 * The rows of a view (see view-rows.ts): the filtered rows, narrowed to the unread or starred ones and
 * put in the view's order. The list and the article page ask for the same view the same way.
 */
import { useMemo } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { positionsOfMarks } from '../reading-state/positions.ts';
import { useReadMarks } from '../reading-state/read-marks.ts';
import { useStars } from '../reading-state/stars.ts';
import type { Filters } from './filter-state.ts';
import type { DayIndex } from './rows.ts';
import { useRowSet, type RowSetState } from './use-row-set.ts';
import { applyView } from './view-rows.ts';

export function useViewRows(manifest: Manifest, days: DayIndex, filters: Filters, keep?: number): RowSetState {
  const state = useRowSet(manifest, days, filters);
  const read = useReadMarks();
  const starred = useStars();
  const marks = filters.show === 'unread' ? read : filters.show === 'starred' ? starred : undefined;
  const marked = useMemo(() => (marks ? positionsOfMarks(manifest, marks) : new Set<number>()), [manifest, marks]);
  const rows = state.status === 'ready' ? state.rows : undefined;
  const viewRows = useMemo(() => (rows ? applyView(rows, filters, marked, keep) : undefined), [rows, filters.show, filters.sort, filters.q, marked, keep]); // eslint-disable-line react-hooks/exhaustive-deps -- the view's fields stand for filters
  return state.status === 'ready' && viewRows ? { ...state, rows: viewRows } : state;
}
