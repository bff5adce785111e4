/**
 * The items of a list laid out by ListLayout that the window shows (plus overscan): the list scrolls
 * with the page, and only those items exist in the DOM.
 */
import { startTransition, useCallback, useEffect, useLayoutEffect, useReducer, useRef, type RefObject } from 'react';
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
  // What a render draws, when not the window and its overscan: a scroll that reaches undrawn items
  // draws the window (and keeps what is drawn beside it) at once, then the overscan in a transition,
  // which React renders in slices between frames: in a fast scroll every item is new each frame, and
  // the overscan doubled each frame's work.
  const tight = useRef<{ start: number; end: number } | undefined>(undefined);
  const { start, end } = tight.current ?? layout.range(span.current.top, span.current.bottom, overscan);

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
      const needed = current.range(span.current.top, span.current.bottom, 0);
      const drawn = needed.start >= shownStart && needed.end <= shownEnd;
      // A new layout drawn from the last known place already holds every item the window needs (its
      // first render takes the window's top for the list's): a few extra rows cost less than a render.
      if (!now && drawn && next.start >= shownStart && next.end <= shownEnd) return;
      if (now && !drawn) {
        // From a scroll event, at once: a render left to the scheduler can come after the frame is
        // painted, and a fast scroll would show blank space where rows belong.
        // The items of the window, and those already drawn next to them (kept, not drawn again).
        const overlaps = needed.start <= shownEnd && shownStart <= needed.end;
        tight.current = overlaps
          ? { start: Math.max(next.start, Math.min(needed.start, shownStart)), end: Math.min(next.end, Math.max(needed.end, shownEnd)) }
          : needed;
        flushSync(rerender);
        tight.current = undefined;
      }
      if (!now) return rerender();
      startTransition(rerender);
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
