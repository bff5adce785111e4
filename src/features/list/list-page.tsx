import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router';
import type { Manifest } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { isTyping } from '../../ui/keyboard.ts';
import { LoadError, Loading } from '../../ui/status.tsx';
import { todayIn } from '../../ui/format-date.ts';
import { useAsync } from '../../ui/use-async.ts';
import { ShareButton } from '../article/share-button.tsx';
import { SaveOfflineButton } from '../offline/save-offline-button.tsx';
import { useHeadingFocus } from '../../ui/use-heading-focus.ts';
import { loadManifest, prefetchTagRows } from '../data/data-client.ts';
import { DateFilter } from '../filters/date-filter.tsx';
import { TagFilter } from '../filters/tag-filter.tsx';
import { Timeline } from '../filters/timeline.tsx';
import { hasFilters, readFilters, writeFilters, type Filters } from './filter-state.ts';
import { SearchBox } from '../search/search-box.tsx';
import { PostList } from './post-list.tsx';
import { ListItems, buildDayIndex, countPerDay, listItems, rowSetSize } from './rows.ts';
import { useRowSet } from './use-row-set.ts';

export function ListPage() {
  const t = useMessages();
  const manifest = useAsync(loadManifest, []);
  useEffect(() => {
    document.title = t.siteTitle;
  }, [t]);
  if (manifest.status === 'loading') return <Loading />;
  if (manifest.status === 'error') return <LoadError error={manifest.error} onRetry={manifest.retry} />;
  return <FilteredList manifest={manifest.value} />;
}

function FilteredList({ manifest }: { manifest: Manifest }) {
  const t = useMessages();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const filters = useMemo(() => readFilters(params), [params]);
  const days = useMemo(() => buildDayIndex(manifest), [manifest]);
  const state = useRowSet(manifest, days, filters);
  const searchInput = useRef<HTMLInputElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading, location.pathname);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const activeFilters = filters.tags.length + (filters.from || filters.to ? 1 : 0);

  const setFilters = useCallback(
    (change: Partial<Filters>) => {
      const next = { ...readFilters(params), ...change };
      // A click on a filter is rendered at once, inside the click: in a transition React yields every
      // few milliseconds, and at 200k posts those pauses added ~10 ms to applying an outlet. A query
      // being typed stays in a transition, so that keystrokes keep their priority over the list.
      setParams(writeFilters(next), { preventScrollReset: true, flushSync: !('q' in change) });
    },
    [params, setParams],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !isTyping(event)) {
        event.preventDefault();
        searchInput.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Stable, so that the outlet list's prefetch at idle is set up once, not on every render.
  const prefetchTag = useCallback((tag: string) => void prefetchTagRows(manifest, tag), [manifest]);
  const ranked = state.status === 'ready' && state.search?.ranked === true;
  // Results on screen that answer another query than the URL's (a newer one is running).
  const stale = state.status === 'ready' && (state.stale === true || (state.search?.query ?? '') !== filters.q);
  // Keyed on the row sets, not the state: the state is remade (marked stale) when a filter changes,
  // and at 200k posts listing the old rows again would cost as much as listing the new ones.
  const rows = state.status === 'ready' ? state.rows : undefined;
  const timelineRows = state.status === 'ready' ? state.timelineRows : undefined;
  const items = useMemo(() => (rows ? listItems(rows, days, !ranked) : ListItems.EMPTY), [rows, days, ranked]);
  const perDay = useMemo(() => (timelineRows ? countPerDay(timelineRows, days) : []), [timelineRows, days]);
  const oldest = manifest.days[0]?.[0];
  const newest = manifest.days[manifest.days.length - 1]?.[0];
  const count = state.status === 'ready' ? rowSetSize(state.rows) : undefined;

  return (
    <div className="list-page">
      <aside className="filters" aria-label={t.filters} data-open={filtersOpen}>
        <button type="button" className="filters-toggle" aria-expanded={filtersOpen} aria-controls="filter-controls" onClick={() => setFiltersOpen((open) => !open)}>
          {t.filters}
          {activeFilters > 0 && ` (${activeFilters})`}
        </button>
        <div id="filter-controls" className="filter-controls">
        <TagFilter tags={manifest.tags} selected={filters.tags} onChange={(tags) => setFilters({ tags })} onIntent={prefetchTag} />
        <DateFilter from={filters.from} to={filters.to} today={todayIn(manifest.timeZone)} min={oldest} max={newest} onChange={(range) => setFilters({ from: range.from, to: range.to })} />
        </div>
      </aside>
      <section className="list-main" aria-labelledby="list-title">
        <SearchBox ref={searchInput} value={filters.q} onChange={(q) => setFilters({ q })} />
        <div className="list-header">
          <h1 id="list-title" ref={heading} tabIndex={-1}>
            {t.listTitle}
          </h1>
          <p className="result-count" role="status" aria-live="polite">
            {count !== undefined && t.resultCount(count)}
            {stale && filters.q && <span className="searching"> {t.searching}</span>}
          </p>
          <ShareButton />
          {state.status === 'ready' && <SaveOfflineButton manifest={manifest} rows={state.rows} />}
          {filters.q && (
            <div className="sort-choice" role="group" aria-label={t.sortBy}>
              <button type="button" aria-pressed={filters.sort !== 'date'} onClick={() => setFilters({ sort: undefined })}>
                {t.sortRelevance}
              </button>
              <button type="button" aria-pressed={filters.sort === 'date'} onClick={() => setFilters({ sort: 'date' })}>
                {t.sortDate}
              </button>
            </div>
          )}
          {hasFilters(filters) && (
            <button type="button" className="clear-filters" onClick={() => setParams(new URLSearchParams(), { preventScrollReset: true, flushSync: true })}>
              {t.clearFilters}
            </button>
          )}
        </div>
        <Timeline perDay={perDay} from={filters.from} to={filters.to} onSelect={(range) => setFilters(range)} />
        {state.status === 'loading' && <Loading />}
        {state.status === 'error' && <LoadError error={state.error} onRetry={state.retry} />}
        {state.status === 'ready' && state.search && state.search.tooShort.length > 0 && (
          <p className="search-hint" role="note">
            {t.searchTooShort(state.search.tooShort.join('、'))}
          </p>
        )}
        {state.status === 'ready' && count === 0 && !stale && (
          <div className="empty-state">
            <p>{manifest.postCount === 0 ? t.emptyArchive : t.noResults}</p>
          </div>
        )}
        {state.status === 'ready' && (
          <PostList manifest={manifest} items={items} scrollKey={location.key} split={state.search?.split} query={state.search?.query ?? ''} showDay={ranked} busy={stale} />
        )}
      </section>
    </div>
  );
}
