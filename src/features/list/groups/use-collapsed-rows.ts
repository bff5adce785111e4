/**
 * The list's collapsed groups for a view (see collapse-rows.ts), the groups the reader opened, and the
 * reader's choice to see every row apart (remembered in localStorage).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Manifest } from '../../../shared/types.ts';
import { peekTagRows } from '../../data/data-client.ts';
import { rowsOfOneTag, type RowSet } from '../rows.ts';
import { collapsedRowsOf, loadRowGroups, peekRowGroups, type CollapsedRows, type PositionGroups } from './collapse-rows.ts';

const STORAGE_KEY = 'cna-reader:collapse-stories';
/** One empty array: the list's items are worked out again when it changes. */
const NO_ROWS = new Int32Array(0);

export interface CollapsedView extends CollapsedRows {
  /** First listed rows whose other reports are shown. */
  expanded: ReadonlySet<number>;
  /** Shows or hides a story's other reports under its first listed row. */
  toggle: (row: number) => void;
  /** Whether groups are collapsed at all (the reader may list every row apart). */
  collapse: boolean;
  setCollapse: (collapse: boolean) => void;
}

function readCollapse(): boolean {
  try {
    return localStorage.getItem(STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

/**
 * `cursorRow`: the row the reader was last on in this view; when it is a report collapsed under another,
 * that group opens, so that the reader comes back to the row they left.
 */
export function useCollapsedRows(manifest: Manifest, rows: RowSet | undefined, cursorRow?: number): CollapsedView | undefined {
  const [groups, setGroups] = useState<PositionGroups | undefined>(peekRowGroups);
  const [collapse, setCollapseState] = useState(readCollapse);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    if (groups) return;
    let live = true;
    void loadRowGroups(manifest).then((loaded) => live && setGroups(loaded));
    return () => {
      live = false;
    };
  }, [manifest, groups]);
  const toggle = useCallback(
    (row: number) =>
      setExpanded((current) => {
        const next = new Set(current);
        if (!next.delete(row)) next.add(row);
        return next;
      }),
    [],
  );
  const setCollapse = useCallback((value: boolean) => {
    setCollapseState(value);
    try {
      localStorage.setItem(STORAGE_KEY, value ? 'on' : 'off');
    } catch {
      /* private mode: the choice lasts for this visit */
    }
  }, []);
  const collapsed = useMemo(
    () => (rows && groups && collapse ? collapsedRowsOf(rows, groups, manifest.postCount) : undefined),
    [rows, groups, collapse, manifest.postCount],
  );
  // The largest outlet, the likeliest first click, collapsed in the task after the list's first commit
  // when its rows are here (first-screen.ts fetches them): its click then only draws. Not at idle: the
  // first idle moment came 350–600 ms after the first rows, after a click made as they showed.
  useEffect(() => {
    const largest = manifest.tags[0];
    if (!groups || !collapse || !largest) return;
    const timer = setTimeout(() => {
      const list = peekTagRows(manifest, largest.key);
      if (list) collapsedRowsOf(rowsOfOneTag(list), groups, manifest.postCount);
    });
    return () => clearTimeout(timer);
  }, [manifest, groups, collapse]);
  // Until the groups arrive the list waits (a list drawn whole, then collapsed, would jump under the reader).
  // Another view starts with its groups closed, but the one holding the reader's last row.
  useEffect(() => {
    const leader = cursorRow === undefined ? undefined : [...(collapsed?.others ?? [])].find(([, others]) => others.includes(cursorRow))?.[0];
    // Kept when already so: a new empty set re-rendered the whole list page once more for nothing.
    setExpanded((current) => (leader === undefined ? (current.size === 0 ? current : new Set()) : new Set([leader])));
  }, [collapsed]); // eslint-disable-line react-hooks/exhaustive-deps -- the cursor is read when the view changes
  if (!rows || (collapse && !groups)) return undefined;
  const base = collapsed ?? { rows, hidden: NO_ROWS, others: new Map<number, number[]>(), versions: new Map<number, number>() };
  return { ...base, expanded, toggle, collapse, setCollapse };
}
