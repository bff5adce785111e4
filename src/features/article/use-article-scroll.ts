/**
 * An article's scroll position, kept per history entry in sessionStorage: Back or Forward to an article
 * returns to where the reader was in it; a newly opened article starts at its top.
 */
import { useLayoutEffect } from 'react';

const STORAGE_KEY = 'cna-reader:article-scroll';
/** Entries remembered; the oldest forgotten first. */
const MAX_ENTRIES = 100;

function readAll(): Record<string, number> {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

function save(key: string, y: number): void {
  const all = readAll();
  delete all[key];
  all[key] = y;
  const keys = Object.keys(all);
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_ENTRIES))) delete all[old];
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(all));
  } catch {
    /* no session storage: articles open at their top */
  }
}

export function useArticleScroll(entryKey: string): void {
  useLayoutEffect(() => {
    window.history.scrollRestoration = 'manual';
    const target = readAll()[entryKey] ?? 0;
    // The body's pictures hold their size from the start (width and height), so the page is as tall now
    // as it will be; a few frames are allowed for the body to be inserted.
    let frame = 0;
    let tries = 0;
    const restore = () => {
      window.scrollTo(0, target);
      if (Math.abs(window.scrollY - target) > 1 && tries++ < 30) frame = requestAnimationFrame(restore);
    };
    restore();
    let pending = 0;
    const onScroll = () => {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(() => save(entryKey, window.scrollY));
    };
    window.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      cancelAnimationFrame(pending);
      window.removeEventListener('scroll', onScroll);
    };
  }, [entryKey]);
}
