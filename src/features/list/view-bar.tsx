/**
 * Above the rows: which posts the view shows (all, unread, starred), its order, and the undo of the
 * last mark-all-read (as Miniflux's "mark page as read" offers).
 */
import { useMessages } from '../../ui/i18n.tsx';
import type { Filters, Show } from './filter-state.ts';
import { orderOf } from './filter-state.ts';

interface ViewBarProps {
  filters: Filters;
  onChange: (change: Partial<Filters>) => void;
  /** The last mark-all, undoable: how many it marked. */
  undo?: { count: number; run: () => void } | undefined;
}

export function ViewBar({ filters, onChange, undo }: ViewBarProps) {
  const t = useMessages();
  const order = orderOf(filters);
  const shows: [Show | undefined, string][] = [
    [undefined, t.showAll],
    ['unread', t.showUnread],
    ['starred', t.showStarred],
  ];
  const orders: ['relevance' | 'newest' | 'oldest', string, Filters['sort']][] = [
    ...(filters.q ? [['relevance', t.sortRelevance, undefined] as ['relevance', string, undefined]] : []),
    ['newest', t.sortDate, filters.q ? 'date' : undefined],
    ['oldest', t.sortOldest, 'oldest'],
  ];
  return (
    <div className="view-bar">
      <div className="segmented" role="group" aria-label={t.show}>
        {shows.map(([show, label]) => (
          <button key={label} type="button" aria-pressed={filters.show === show} onClick={() => onChange({ show })}>
            {label}
          </button>
        ))}
      </div>
      <div className="segmented sort-choice" role="group" aria-label={t.sortBy}>
        {orders.map(([value, label, sort]) => (
          <button key={value} type="button" aria-pressed={order === value} onClick={() => onChange({ sort })}>
            {label}
          </button>
        ))}
      </div>
      {/* Always there, so that screen readers hear the message when it appears. */}
      <p className="undo-bar" role="status">
        {undo && (
          <>
            {t.markedAllRead(undo.count)}{' '}
            <button type="button" onClick={undo.run}>
              {t.undo}
            </button>
          </>
        )}
      </p>
    </div>
  );
}
