/**
 * The virtualized list: only the rows on screen (plus a few) exist in the DOM, so 200,000 rows scroll
 * like 20. Row and heading heights are fixed per text size, which makes the total height exact before
 * any shard arrives, and scroll positions restorable to the pixel.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { Manifest } from '../../index-format/types.ts';
import { useLocale } from '../../app/i18n.tsx';
import { useSettings } from '../../app/settings.tsx';
import { isTyping } from '../../app/layout.tsx';
import { formatDay } from '../../components/format-date.ts';
import { useReadMarks } from '../reading-state/read-marks.ts';
import { PostRow } from './post-row.tsx';
import type { ListItem } from './rows.ts';

/** Heights in CSS pixels at text scale 1; the CSS sizes rows and headings with the same numbers. */
export const ROW_HEIGHT = 124;
export const DAY_HEIGHT = 48;

interface PostListProps {
  manifest: Manifest;
  items: ListItem[];
  /** Where to scroll once the list is laid out (restored position), in pixels from the page top. */
  initialScroll?: number;
}

export function PostList({ manifest, items, initialScroll }: PostListProps) {
  const locale = useLocale();
  const { settings } = useSettings();
  const scale = 1 + settings.textStep * 0.125;
  const rowHeight = Math.round(ROW_HEIGHT * scale);
  const dayHeight = Math.round(DAY_HEIGHT * scale);
  const listRef = useRef<HTMLDivElement>(null);
  const readMarks = useReadMarks();
  const tagLabels = useMemo(() => new Map(manifest.tags.map((tag) => [tag.key, tag.label])), [manifest]);

  const virtualizer = useWindowVirtualizer({
    count: items.length,
    estimateSize: (i) => (items[i]!.kind === 'day' ? dayHeight : rowHeight),
    overscan: 6,
    scrollMargin: listRef.current?.offsetTop ?? 0,
  });

  useEffect(() => virtualizer.measure(), [rowHeight, dayHeight, virtualizer]);

  const restored = useRef(false);
  useLayoutEffect(() => {
    if (restored.current || initialScroll === undefined || items.length === 0) return;
    restored.current = true;
    window.scrollTo(0, initialScroll);
  }, [initialScroll, items.length]);

  const focusItem = useCallback(
    (index: number) => {
      virtualizer.scrollToIndex(index, { align: 'auto' });
      requestAnimationFrame(() => requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] [data-row-link]`)?.focus()));
    },
    [virtualizer],
  );

  // j / k move between rows, skipping day headings.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.key !== 'j' && event.key !== 'k') || isTyping(event)) return;
      const current = Number((document.activeElement?.closest('[data-index]') as HTMLElement | null)?.dataset['index'] ?? -1);
      const step = event.key === 'j' ? 1 : -1;
      let next = current < 0 ? (step > 0 ? 0 : -1) : current + step;
      while (next >= 0 && next < items.length && items[next]!.kind !== 'row') next += step;
      if (next < 0 || next >= items.length) return;
      event.preventDefault();
      focusItem(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, focusItem]);

  return (
    <div ref={listRef} className="post-list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
      {virtualizer.getVirtualItems().map((virtual) => {
        const item = items[virtual.index]!;
        return (
          <div
            key={virtual.key}
            className="post-list-item"
            style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: virtual.size, transform: `translateY(${virtual.start - virtualizer.options.scrollMargin}px)` }}
          >
            {item.kind === 'day' ? (
              <h2 className="day-heading" data-index={virtual.index}>
                <span>{formatDay(item.day, locale)}</span>
                <span className="day-count">{item.count}</span>
              </h2>
            ) : (
              <PostRow manifest={manifest} row={item.row} index={virtual.index} readMarks={readMarks} tagLabels={tagLabels} />
            )}
          </div>
        );
      })}
    </div>
  );
}
