/**
 * The list's filters, as they live in the URL (`?tag=cna&tag=bbc&from=2026-11-01&to=2026-11-07&q=颱風&sort=date`),
 * so that a filtered list can be shared, bookmarked, and walked with back/forward.
 */
import type { DayKey } from '../../shared/types.ts';

export interface Filters {
  tags: string[];
  from?: DayKey;
  to?: DayKey;
  /** Full-text search query (see features/search/parse-query.ts); empty for none. */
  q: string;
  /** How search results are ordered: by relevance (the default) or newest first. */
  sort?: 'date';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function readFilters(params: URLSearchParams): Filters {
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const filters: Filters = { tags: [...new Set(params.getAll('tag').filter(Boolean))], q: (params.get('q') ?? '').trim() };
  if (from && DAY.test(from)) filters.from = from;
  if (to && DAY.test(to)) filters.to = to;
  if (params.get('sort') === 'date') filters.sort = 'date';
  if (filters.from && filters.to && filters.from > filters.to) [filters.from, filters.to] = [filters.to, filters.from];
  return filters;
}

export function writeFilters(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  for (const tag of filters.tags) params.append('tag', tag);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.q) params.set('q', filters.q);
  if (filters.q && filters.sort) params.set('sort', filters.sort);
  return params;
}

export function hasFilters(filters: Filters): boolean {
  return filters.tags.length > 0 || filters.from !== undefined || filters.to !== undefined || filters.q !== '';
}
