/**
 * The list's view, as it lives in the URL (`?tag=cna&tag=bbc&from=2026-11-01&to=2026-11-07&q=颱風&sort=date&show=unread`),
 * so that a filtered list can be shared, bookmarked, and walked with back/forward. An article opened
 * from the list carries the same parameters, so that it knows the view it belongs to.
 */
import type { DayKey } from '../../shared/types.ts';

/** Which posts of the filtered list are shown: all, those not read yet, or those starred. */
export type Show = 'unread' | 'starred';

export interface Filters {
  tags: string[];
  from?: DayKey;
  to?: DayKey;
  /** Full-text search query (see features/search/parse-query.ts); empty for none. */
  q: string;
  /**
   * Order: `date` is newest first (the default without a query), `oldest` oldest first; unset is
   * relevance with a query, newest first without.
   */
  sort?: 'date' | 'oldest';
  show?: Show;
  /** Dates of the URL that are not calendar days (`?to=2020-13-45`): ignored, and told to the reader. */
  invalid?: string[];
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` that names a real day (not 2020-13-45 nor 2023-02-30). */
export function isDayKey(value: string): boolean {
  if (!DAY.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function readFilters(params: URLSearchParams): Filters {
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const filters: Filters = { tags: [...new Set(params.getAll('tag').filter(Boolean))], q: (params.get('q') ?? '').trim() };
  const invalid = [from, to].filter((day): day is string => !!day && !isDayKey(day));
  if (invalid.length > 0) filters.invalid = invalid;
  if (from && isDayKey(from)) filters.from = from;
  if (to && isDayKey(to)) filters.to = to;
  const sort = params.get('sort');
  if (sort === 'date' || sort === 'oldest') filters.sort = sort;
  const show = params.get('show');
  if (show === 'unread' || show === 'starred') filters.show = show;
  if (filters.from && filters.to && filters.from > filters.to) [filters.from, filters.to] = [filters.to, filters.from];
  return filters;
}

export function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const tag of filters.tags) params.append('tag', tag);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.q) params.set('q', filters.q);
  // Newest first is the default without a query: not written, so that one view has one URL.
  if (filters.sort === 'oldest' || (filters.q && filters.sort)) params.set('sort', filters.sort!);
  if (filters.show) params.set('show', filters.show);
  return params;
}

/** The view's URL query (`?tag=bbc&q=…`, or empty): what an article opened from it carries. */
export function viewSearch(filters: Filters): string {
  const query = writeFilters(filters).toString();
  return query ? `?${query}` : '';
}

export function hasFilters(filters: Filters): boolean {
  return (
    filters.tags.length > 0 ||
    filters.from !== undefined ||
    filters.to !== undefined ||
    filters.q !== '' ||
    filters.show !== undefined ||
    filters.sort === 'oldest'
  );
}

/** The order rows are shown in. */
export function orderOf(filters: Pick<Filters, 'sort' | 'q'>): 'relevance' | 'newest' | 'oldest' {
  if (filters.sort === 'oldest') return 'oldest';
  return filters.q && !filters.sort ? 'relevance' : 'newest';
}
