/**
 * The virtualized list: only the rows on screen (plus a few) exist in the DOM, so 200,000 rows scroll
 * like 20. Row and heading heights are fixed per text size, which makes the total height exact before
 * any shard arrives, scroll positions restorable to the pixel, and every item's place a sum (ListLayout).
 */
import { useCallback, useLayoutEffect, useMemo, useRef, type MouseEvent } from 'react';
import { useHref, useNavigate, type NavigateFunction } from 'react-router';
import type { Manifest } from '../../shared/types.ts';
import { useLocale } from '../../ui/i18n.tsx';
import { useSettings } from '../../ui/settings.tsx';
import { isTyping } from '../../ui/keyboard.ts';
import { formatDay } from '../../ui/format-date.ts';
import { peekRow } from '../data/data-client.ts';
import { markRowOf } from '../reading-state/positions.ts';
import { toggleRead, useReadMarks } from '../reading-state/read-marks.ts';
import { toggleStar, useStars } from '../reading-state/stars.ts';
import type { MatchSplitter } from '../search/highlighted.tsx';
import { ListLayout } from './list-layout.ts';
import { PostRow } from './post-row.tsx';
import type { ListItems } from './rows.ts';
import { useWindowRange } from './use-window-range.ts';
import type { CollapsedView } from './groups/use-collapsed-rows.ts';

/** Heights in CSS pixels at text scale 1; the CSS sizes rows and headings with the same numbers. */
export const ROW_HEIGHT = 112;
export const DAY_HEIGHT = 48;
/** A compact row: its title on one line. 1366×900 shows ≥ 14 of them under the page's header. */
export const COMPACT_ROW_HEIGHT = 34;

interface PostListProps {
  manifest: Manifest;
  items: ListItems;
  /** The history entry showing the list: its scroll position is kept under this key and restored on return. */
  scrollKey: string;
  /** Marks search matches in titles and excerpts. */
  split?: MatchSplitter | undefined;
  /** The search query, for the list's own marks of matches. */
  query?: string;
  /** The view's URL query (filters, search, order), carried to the articles opened from the list. */
  view?: string;
  /** A row (list position) to put the focus on when the list is shown: the one the reader was last on. */
  focusRow?: number | undefined;
  /** Rows show their day (there are no day headings when results are ranked). */
  showDay?: boolean;
  /** The rows are being replaced (a newer query is running). */
  busy?: boolean;
  /** Rows shown as one: each story's other reports and each article's versions (see groups/collapse-rows.ts). */
  groups?: Pick<CollapsedView, 'others' | 'versions' | 'expanded' | 'toggle'> | undefined;
}

/**
 * Items drawn beyond each edge of the window: ~340 px of rows, so that scrolling meets drawn rows. A
 * scroll past them draws the new rows before the frame is painted (useWindowRange); 6 items drew ~40 %
 * more rows than the window in each frame of a fast scroll, every one of them new.
 */
const OVERSCAN = 3;

const SCROLL_STORAGE_KEY = 'cna-reader:list-scroll';
/** The scroll position is saved this long after the last scroll event (and at once when the list goes). */
const SCROLL_SAVE_PAUSE_MS = 150;

function readScrollPositions(): Record<string, number> {
  try {
    return JSON.parse(sessionStorage.getItem(SCROLL_STORAGE_KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Opens a row's article in the app, as a router <Link> would: a plain left click on a row's link (a
 * modified or middle click is left to the browser: a new tab, a download).
 */
function openRowLink(event: MouseEvent, navigate: NavigateFunction): void {
  const link = (event.target as Element).closest<HTMLAnchorElement>('a[data-row-link]');
  const to = link?.dataset['to'];
  if (!to || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  void navigate(to);
}

function saveScrollPosition(key: string, y: number): void {
  try {
    sessionStorage.setItem(SCROLL_STORAGE_KEY, JSON.stringify({ ...readScrollPositions(), [key]: y }));
  } catch {
    /* no session storage: positions are not restored */
  }
}

export function PostList({ manifest, items, scrollKey, split, query, view = '', focusRow, showDay = false, busy = false, groups }: PostListProps) {
  const locale = useLocale();
  const { settings } = useSettings();
  const scale = 1 + settings.textStep * 0.125;
  const compact = settings.density === 'compact';
  const rowHeight = Math.round((compact ? COMPACT_ROW_HEIGHT : ROW_HEIGHT) * scale);
  const dayHeight = Math.round(DAY_HEIGHT * scale);
  const listRef = useRef<HTMLDivElement>(null);
  const readMarks = useReadMarks();
  const stars = useStars();
  const tagLabels = useMemo(() => new Map(manifest.tags.map((tag) => [tag.key, tag.label])), [manifest]);
  const navigate = useNavigate();
  const articleHref = useHref('/a/');

  const layout = useMemo(() => new ListLayout(items, rowHeight, dayHeight), [items, rowHeight, dayHeight]);
  const { start, end, scrollToItem } = useWindowRange(layout, listRef, OVERSCAN);

  // Scroll restoration: the position is saved as the reader scrolls, and on return the page is scrolled
  // back once the list has its full height. Saving pauses while restoring, so a half-built page cannot
  // overwrite the position with 0.
  const restoring = useRef(true);
  useLayoutEffect(() => {
    window.history.scrollRestoration = 'manual';
    const target = readScrollPositions()[scrollKey];
    if (target === undefined) {
      // A new list (the filters changed): start at its top rather than somewhere in the middle. At the
      // page's top already, the list is not measured (that would force a layout in the middle of the commit).
      if (window.scrollY > 0) {
        const top = listRef.current ? listRef.current.getBoundingClientRect().top + window.scrollY - 200 : 0;
        if (window.scrollY > top) window.scrollTo(0, Math.max(0, top));
      }
      restoring.current = false;
      return;
    }
    let frame = 0;
    let tries = 0;
    const restore = () => {
      window.scrollTo(0, target);
      if (Math.abs(window.scrollY - target) > 1 && tries++ < 60) frame = requestAnimationFrame(restore);
      else restoring.current = false;
    };
    restore();
    return () => cancelAnimationFrame(frame);
  }, [scrollKey]);

  // Saved once the scrolling pauses (a write to session storage every frame was part of each frame's
  // work), when the page is hidden, and at once when the list goes with one unsaved: a reader who taps
  // a row straight after scrolling came back to an older position. Listening ends in the commit that
  // takes the list away (a layout effect's cleanup), before the next page can scroll (its heading takes
  // the focus): a save after that stored the article's position as the list's.
  useLayoutEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let unsaved: number | undefined;
    const save = () => {
      if (unsaved !== undefined) saveScrollPosition(scrollKey, unsaved);
      unsaved = undefined;
    };
    const onScroll = () => {
      if (restoring.current) return;
      unsaved = window.scrollY;
      clearTimeout(timer);
      timer = setTimeout(save, SCROLL_SAVE_PAUSE_MS);
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('pagehide', save);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('scroll', onScroll);
      window.removeEventListener('pagehide', save);
      save();
    };
  }, [scrollKey]);

  // The row the keyboard is on: set at once when j/k is pressed (focus follows a frame later, once the
  // row is rendered) and whenever focus moves into a row by other means.
  const cursor = useRef<number | undefined>(undefined);
  const focusItem = useCallback(
    (index: number, center = false) => {
      cursor.current = index;
      scrollToItem(index, center);
      // Without scrolling: the page is where scrollToItem (or the restored position) put it.
      const focus = (tries: number) => {
        const link = listRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] [data-row-link]`);
        if (link) link.focus({ preventScroll: true });
        else if (tries > 0) requestAnimationFrame(() => focus(tries - 1));
      };
      requestAnimationFrame(() => requestAnimationFrame(() => focus(30)));
    },
    [scrollToItem],
  );

  // Back on the list (Back, 回到列表, a reload): focus on the row the reader was last on, once the
  // scroll is restored; a list entered afresh centres it.
  const focusedFor = useRef<string | undefined>(undefined);
  useLayoutEffect(() => {
    if (focusRow === undefined || focusedFor.current === scrollKey || items.length === 0) return;
    const index = items.indexOfRow(focusRow);
    if (index < 0) return;
    const restored = readScrollPositions()[scrollKey] !== undefined;
    let frame = 0;
    // A frame later at the soonest, after everything this commit does to the scroll; marked done only
    // once done (StrictMode runs this effect, cleans it up and runs it again).
    const wait = () => {
      if (restoring.current) {
        frame = requestAnimationFrame(wait);
        return;
      }
      focusedFor.current = scrollKey;
      focusItem(index, !restored);
    };
    frame = requestAnimationFrame(wait);
    return () => cancelAnimationFrame(frame);
  }, [focusRow, scrollKey, items, focusItem]);

  // j / k move between rows, skipping day headings. Listening from the commit that shows the rows, as
  // on the article page (see there).
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector('dialog[open]')) return;
      // o opens the row the keyboard is on; m and s mark it read or starred (Miniflux's keys).
      if (['o', 'm', 's'].includes(event.key) && cursor.current !== undefined && items.isRow(cursor.current)) {
        const row = items.rowAt(cursor.current);
        const meta = peekRow(manifest, row);
        event.preventDefault();
        if (event.key === 'o') listRef.current?.querySelector<HTMLElement>(`[data-index="${cursor.current}"] [data-row-link]`)?.click();
        else if (meta && event.key === 'm') toggleRead(meta.id, markRowOf(manifest, row));
        else if (meta) toggleStar(meta.id, markRowOf(manifest, row));
        return;
      }
      if (event.key !== 'j' && event.key !== 'k' && event.key !== 'n' && event.key !== 'p') return;
      const current = cursor.current ?? -1;
      const step = event.key === 'j' || event.key === 'n' ? 1 : -1;
      let next = current < 0 ? (step > 0 ? 0 : -1) : current + step;
      while (next >= 0 && next < items.length && !items.isRow(next)) next += step;
      if (next < 0 || next >= items.length) return;
      event.preventDefault();
      focusItem(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, focusItem, manifest]);

  return (
    <div
      ref={listRef}
      className="post-list"
      data-density={compact ? 'compact' : 'comfortable'}
      aria-busy={busy}
      data-query={query ?? ''}
      style={{ height: layout.totalSize, position: 'relative' }}
      onClick={(event) => openRowLink(event, navigate)}
      onFocus={(event) => {
        const index = (event.target as HTMLElement).closest<HTMLElement>('[data-index]')?.dataset['index'];
        if (index !== undefined) cursor.current = Number(index);
      }}
    >
      {Array.from({ length: end - start }, (_, k) => start + k).map((index) => {
        const item = items.at(index)!;
        return (
          <div
            key={index}
            className="post-list-item"
            style={{ position: 'absolute', top: 0, left: 0, width: '100%', height: layout.size(index), transform: `translateY(${layout.start(index)}px)` }}
          >
            {item.kind === 'day' ? (
              <h2 className="day-heading" data-index={index}>
                <span>{formatDay(item.day, locale)}</span>
                <span className="day-count">{item.count}</span>
              </h2>
            ) : (
              <PostRow
                manifest={manifest}
                row={item.row}
                index={index}
                readMarks={readMarks}
                stars={stars}
                tagLabels={tagLabels}
                split={split}
                view={view}
                articleHref={articleHref}
                showDay={showDay}
                compact={compact}
                attached={item.attached === true}
                versions={groups?.versions.get(item.row)}
                otherReports={groups?.others.get(item.row)?.length}
                expanded={groups?.expanded.has(item.row)}
                onToggleOthers={groups?.toggle}
              />
            )}
          </div>
        );
      })}
    </div>
  );
}
