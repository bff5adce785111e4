/**
 * The items of a list laid out by ListLayout that the window shows (plus overscan): the list scrolls
 * with the page, and only those items exist in the DOM.
 */
import { useCallback, useEffect, useLayoutEffect, useReducer, useRef, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import type { ListLayout } from './list-layout.ts';

export interface WindowRange {
  start: number;
  end: number;
  /** Scrolls the page as little as needed to show item i whole, or to put it in the window's middle. */
  scrollToItem: (i: number, center?: boolean) => void;
}

export function useWindowRange(layout: ListLayout, listRef: RefObject<HTMLElement | null>, overscan: number): WindowRange {
  // The part of the list the window shows, in list coordinates, kept current by the scroll and resize
  // listeners; a render reads it (a new layout applies to where the reader is now, not where the
  // last render was). Before the list is measured: the window's height from its top.
  const span = useRef({ top: 0, bottom: typeof window === 'undefined' ? 0 : window.innerHeight });
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const { start, end } = layout.range(span.current.top, span.current.bottom, overscan);

  // What the last render showed, and the layout it used: the listeners render again only when the
  // items to show change (every ~100 px of scrolling), not on every scroll event.
  const shown = useRef({ layout, start, end });
  useLayoutEffect(() => {
    shown.current = { layout, start, end };
  });

  /** Reads where the list is in the window; renders again if that shows other items. */
  const measure = useCallback(
    (now: boolean) => {
      const list = listRef.current;
      if (!list) return;
      const top = -list.getBoundingClientRect().top;
      span.current = { top, bottom: top + window.innerHeight };
      const { layout: current, start: shownStart, end: shownEnd } = shown.current;
      const next = current.range(span.current.top, span.current.bottom, overscan);
      if (next.start === shownStart && next.end === shownEnd) return;
      // From a scroll event, at once: a render left to the scheduler can come after the frame is
      // painted, and a fast scroll would show blank space where rows belong.
      if (now) flushSync(rerender);
      else rerender();
    },
    [listRef, overscan],
  );

  useEffect(() => {
    const onScroll = () => measure(true);
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('resize', onScroll);
    return () => {
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('resize', onScroll);
    };
  }, [measure]);

  // A new layout (other filters, another text size) can move the list on the page too (a hint or a
  // button appears above it): measured once it is committed, before it is painted.
  useLayoutEffect(() => measure(false), [layout, measure]);

  const scrollToItem = useCallback(
    (i: number, center = false) => {
      const list = listRef.current;
      if (!list) return;
      const itemTop = list.getBoundingClientRect().top + window.scrollY + layout.start(i);
      const itemBottom = itemTop + layout.size(i);
      if (center) window.scrollTo(0, Math.max(0, itemTop - (window.innerHeight - layout.size(i)) / 2));
      else if (itemTop < window.scrollY) window.scrollTo(0, itemTop);
      else if (itemBottom > window.scrollY + window.innerHeight) window.scrollTo(0, itemBottom - window.innerHeight);
    },
    [layout, listRef],
  );

  return { start, end, scrollToItem };
}
