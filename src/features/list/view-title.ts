/**
 * What a view is called, in its h1 and the page's title: 所有文章 only when nothing narrows it; else its
 * search, outlets, dates and show, in that order (「搜尋「烏克蘭」 · BBC · 未讀」).
 */
import type { TagSummary } from '../../shared/types.ts';
import type { useMessages } from '../../ui/i18n.tsx';
import type { Filters } from './filter-state.ts';

type Messages = ReturnType<typeof useMessages>;

export function viewTitle(filters: Filters, tags: readonly TagSummary[], t: Messages): string {
  const parts: string[] = [];
  if (filters.q) parts.push(t.searchTitle(filters.q));
  if (filters.tags.length > 0) parts.push(filters.tags.map((key) => tags.find((tag) => tag.key === key)?.label ?? key).join('、'));
  if (filters.from || filters.to) parts.push(filters.from === filters.to ? filters.from! : `${filters.from ?? ''} – ${filters.to ?? ''}`);
  if (filters.show === 'unread') parts.push(t.showUnread);
  if (filters.show === 'starred') parts.push(t.showStarred);
  return parts.length > 0 ? parts.join(' · ') : t.listTitle;
}
