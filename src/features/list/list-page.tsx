import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import type { Manifest } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { isTyping } from '../../ui/keyboard.ts';
import { LoadError, Loading } from '../../ui/status.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { ShareButton } from '../article/share-button.tsx';
import { SaveOfflineButton } from '../offline/save-offline-button.tsx';
import { useHeadingFocus } from '../../ui/use-heading-focus.ts';
import { useSettings } from '../../ui/settings.tsx';
import { loadManifest, loadRow, peekManifest, prefetchTagRows } from '../data/data-client.ts';
import { firstScreenArrived, isFirstScreenHere } from './first-screen.ts';
import { DateFilter } from '../filters/date-filter.tsx';
import { useFacetCounts } from '../filters/facet-counts.ts';
import { TagFilter } from '../filters/tag-filter.tsx';
import { Timeline } from '../filters/timeline.tsx';
import { markRowOf } from '../reading-state/positions.ts';
import { markAllRead, useReadMarks } from '../reading-state/read-marks.ts';
import { hasFilters, orderOf, readFilters, viewSearch, writeFilters, type Filters } from './filter-state.ts';
import { SearchBox } from '../search/search-box.tsx';
import { PostList } from './post-list.tsx';
import { NO_ITEMS, buildDayIndex, countPerDay, listItems, rowRangeOfDays, rowSetSize, type RowSet } from './rows.ts';
import { useViewRows } from './use-view-rows.ts';
import { useCollapsedRows } from './groups/use-collapsed-rows.ts';
import { CollapseChoice } from './groups/collapse-choice.tsx';
import { ViewBar } from './view-bar.tsx';
import { readViewCursor } from './view-cursor.ts';
import { viewTitle } from './view-title.ts';

export function ListPage() {
  const t = useMessages();
  const manifest = useAsync(loadManifest, [], peekManifest());
  useEffect(() => {
    if (manifest.status !== 'ready') document.title = t.siteTitle;
  }, [t, manifest.status]);
  if (manifest.status === 'loading') return <Loading />;
  if (manifest.status === 'error') return <LoadError error={manifest.error} onRetry={manifest.retry} />;
  return <FilteredList manifest={manifest.value} />;
}

/** History state of an entry made by typing a search: the next keystrokes replace it (one entry a search). */
interface ListEntryState {
  typedSearch?: boolean;
  /** Set by `/` on an article: the search box takes the focus. */
  focusSearch?: boolean;
}

function FilteredList({ manifest }: { manifest: Manifest }) {
  const t = useMessages();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const entryState = (location.state ?? {}) as ListEntryState;
  const filters = useMemo(() => readFilters(params), [params]);
  const view = viewSearch(filters);
  const days = useMemo(() => buildDayIndex(manifest), [manifest]);
  // The row the reader was last on in this view (an article opened, or walked to with j/k): it stays
  // in an unread view though read since, and takes the focus when the reader returns.
  const cursorRow = useMemo(() => readViewCursor(view), [view, location.key]); // eslint-disable-line react-hooks/exhaustive-deps -- read again on each visit
  // Once the whole view is marked read, the row the reader was on leaves an unread view like the rest.
  const [keepCursor, setKeepCursor] = useState(true);
  useEffect(() => setKeepCursor(true), [view, location.key]);
  const state = useViewRows(manifest, days, filters, keepCursor ? cursorRow : undefined);
  const searchInput = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading, location.pathname);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const activeFilters = filters.tags.length + (filters.from || filters.to ? 1 : 0);
  const title = viewTitle(filters, manifest.tags, t);
  useEffect(() => {
    document.title = title === t.listTitle ? t.siteTitle : `${title} · ${t.siteTitle}`;
  }, [title, t]);

  // Whether the current entry was made by typing: from its history state, and at once after a typed
  // change is sent (the next pause can come before the router has rendered that entry).
  const typedEntry = useRef(entryState.typedSearch === true);
  useEffect(() => {
    typedEntry.current = entryState.typedSearch === true;
  }, [location.key, entryState.typedSearch]);
  const setFilters = useCallback(
    (change: Partial<Filters>) => {
      const next = { ...readFilters(params), ...change };
      const typing = 'q' in change;
      const typedSearch = typedEntry.current;
      typedEntry.current = typing;
      // A click on a filter is rendered at once, inside the click: in a transition React yields every
      // few milliseconds, and at 200k posts those pauses added ~10 ms to applying an outlet. A query
      // being typed stays in a transition, so that keystrokes keep their priority over the list; its
      // first pause adds a history entry, the next ones replace it (Back does not replay 烏、烏克…).
      setParams(writeFilters(next), {
        preventScrollReset: true,
        flushSync: !typing,
        replace: typing && typedSearch,
        state: typing ? { typedSearch: true } : null,
      });
    },
    [params, setParams],
  );

  useEffect(() => {
    if (entryState.focusSearch) searchInput.current?.focus();
  }, [entryState.focusSearch, location.key]);

  // Stable, so that the outlet list's prefetch at idle is set up once, not on every render.
  const prefetchTag = useCallback((tag: string) => void prefetchTagRows(manifest, tag), [manifest]);
  const ranked = state.status === 'ready' && state.search?.ranked === true;
  // Day headings for rows newest first; compact rows carry their date instead (more rows on a screen).
  const { settings } = useSettings();
  const grouped = !ranked && orderOf(filters) !== 'oldest' && settings.density !== 'compact';
  // Results on screen that answer another query than the URL's (a newer one is running).
  const stale = state.status === 'ready' && (state.stale === true || (state.search?.query ?? '') !== filters.q);
  // Keyed on the row sets, not the state: the state is remade (marked stale) when a filter changes,
  // and at 200k posts listing the old rows again would cost as much as listing the new ones.
  const rows = state.status === 'ready' ? state.rows : undefined;
  const timelineRows = state.status === 'ready' ? state.timelineRows : undefined;
  // Versions of an article and reports of one story show as one row (see groups/collapse-rows.ts).
  const collapsed = useCollapsedRows(manifest, rows, cursorRow);
  const firstScreen = useAsync(firstScreenArrived, [], isFirstScreenHere());
  const shownRows = collapsed?.rows;
  const expandedOthers = useMemo(
    () =>
      collapsed
        ? new Map([...collapsed.expanded].flatMap((row) => (collapsed.others.has(row) ? [[row, collapsed.others.get(row)!] as const] : [])))
        : undefined,
    [collapsed?.expanded, collapsed?.others], // eslint-disable-line react-hooks/exhaustive-deps -- the two fields are what the map is made of
  );
  const hiddenRows = collapsed?.hidden;
  const items = useMemo(
    () => (shownRows ? listItems(shownRows, days, grouped, expandedOthers, hiddenRows) : NO_ITEMS),
    [shownRows, days, grouped, expandedOthers, hiddenRows],
  );
  const perDay = useMemo(() => (timelineRows ? countPerDay(timelineRows, days) : []), [timelineRows, days]);
  const oldest = manifest.days[0]?.[0];
  const newest = manifest.days[manifest.days.length - 1]?.[0];
  // Counted once the list can be drawn (its groups arrived): the count and the rows appear together.
  const count = state.status === 'ready' && collapsed ? rowSetSize(state.rows) : undefined;
  const range = useMemo(() => rowRangeOfDays(days, filters.from, filters.to), [days, filters.from, filters.to]);
  const matches = filters.q && state.status === 'ready' && !stale ? state.search?.rowsByDate : undefined;
  const facetCounts = useFacetCounts(manifest, range, matches);

  // Mark all read: the rows' ids come from their shards (fetched if the list has not shown them yet).
  const readMarks = useReadMarks();
  const [undo, setUndo] = useState<{ count: number; run: () => void } | undefined>(undefined);
  useEffect(() => setUndo(undefined), [view]);
  const markViewRead = useCallback(async () => {
    if (!rows) return;
    const positions = rowsOf(rows);
    const metas = await Promise.all(positions.map((position) => loadRow(manifest, position)));
    const posts = metas.flatMap((meta, i) => (meta && !readMarks.has(meta.id) ? [[meta.id, markRowOf(manifest, positions[i]!)] as const] : []));
    const restore = markAllRead(posts);
    setKeepCursor(false);
    setUndo({
      count: posts.length,
      run: () => {
        restore();
        setUndo(undefined);
      },
    });
  }, [rows, manifest, readMarks]);

  // Shift+A marks the whole view read, as in Miniflux.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector('dialog[open]')) return;
      if (event.key === '/') {
        event.preventDefault();
        searchInput.current?.focus();
      } else if (event.key === 'A' && count) {
        event.preventDefault();
        void markViewRead();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [markViewRead, count]);

  return (
    <div className="list-page" data-filters-open={filtersOpen}>
      <aside className="filters" aria-label={t.filters} data-open={filtersOpen}>
        <div id="filter-controls" className="filter-controls">
          <TagFilter
            tags={manifest.tags}
            selected={filters.tags}
            onChange={(tags) => setFilters({ tags })}
            onIntent={prefetchTag}
            fetchAhead={count !== undefined}
            counts={facetCounts}
          />
          <DateFilter from={filters.from} to={filters.to} min={oldest} max={newest} onChange={(range) => setFilters({ from: range.from, to: range.to })} />
          {/* With the filters, which fold away on a phone: the first rows stay in view. */}
          <CollapseChoice collapse={collapsed?.collapse ?? true} onChange={(collapse) => collapsed?.setCollapse(collapse)} />
        </div>
      </aside>
      <section className="list-main" aria-labelledby="list-title">
        {/* On a phone the filters fold into the button beside the search box (with the timeline). */}
        <div className="search-row">
          <SearchBox ref={searchInput} value={filters.q} onChange={(q) => setFilters({ q })} />
          <button
            type="button"
            className="filters-toggle"
            aria-expanded={filtersOpen}
            aria-controls="filter-controls"
            onClick={() => setFiltersOpen((open) => !open)}
          >
            {t.filtersSummary(activeFilters)}
          </button>
        </div>
        {filters.invalid?.map((value) => (
          <p key={value} className="url-problem" role="alert">
            {t.invalidDate(value)}
          </p>
        ))}
        <div className="list-header">
          <h1 id="list-title" ref={heading} tabIndex={-1}>
            {title}
          </h1>
          <p className="result-count" role="status" aria-live="polite">
            {count !== undefined && t.resultCount(count)}
            {stale && filters.q && <span className="searching"> {t.searching}</span>}
          </p>
          {/* On a phone these fold with the filters and the timeline, to keep the first rows in view. */}
          <span className="list-tools">
            <ShareButton />
            {state.status === 'ready' && <SaveOfflineButton manifest={manifest} rows={state.rows} />}
          </span>
          {count ? (
            <button type="button" className="mark-all" onClick={() => void markViewRead()}>
              ✓ {t.markAllRead}
            </button>
          ) : null}
          {hasFilters(filters) && (
            <button type="button" className="clear-filters" onClick={() => setParams(new URLSearchParams(), { preventScrollReset: true, flushSync: true })}>
              {t.clearFilters}
            </button>
          )}
        </div>
        <ViewBar filters={filters} onChange={setFilters} undo={undo} />
        <Timeline perDay={perDay} from={filters.from} to={filters.to} onSelect={(range) => setFilters({ from: range.from, to: range.to })} />
        {state.status === 'loading' && <Loading />}
        {state.status === 'error' && <LoadError error={state.error} onRetry={state.retry} />}
        {state.status === 'ready' && count === 0 && !stale && (
          <div className="empty-state">
            <p>{manifest.postCount === 0 ? t.emptyArchive : t.noResults}</p>
          </div>
        )}
        {state.status === 'ready' && (!collapsed || firstScreen.status !== 'ready') && <Loading />}
        {state.status === 'ready' && collapsed && firstScreen.status === 'ready' && (
          <PostList
            manifest={manifest}
            items={items}
            scrollKey={location.key}
            split={state.search?.split}
            query={state.search?.query ?? ''}
            view={view}
            focusRow={entryState.focusSearch ? undefined : cursorRow}
            showDay={!grouped}
            busy={stale}
            groups={collapsed}
          />
        )}
      </section>
    </div>
  );
}

function rowsOf(set: RowSet): number[] {
  return set.kind === 'list' ? set.rows : Array.from({ length: set.end - set.start }, (_, i) => set.start + i);
}
