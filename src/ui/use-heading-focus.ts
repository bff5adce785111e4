import { useLayoutEffect, type RefObject } from 'react';

let firstPage = true;

/**
 * Moves focus to a page's heading once the page has its content, so screen readers announce the new
 * page and keyboard users start from its top. Not on the first page of a visit: the browser's own
 * starting point is right there. `key` says when it is a new page.
 */
export function useHeadingFocus(heading: RefObject<HTMLElement | null>, key: string): void {
  // In the commit that shows the content (a layout effect): run after the paint, it could take focus
  // from where a key pressed as soon as the page appeared had put it ("/" to the search box).
  useLayoutEffect(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    heading.current?.focus({ preventScroll: true });
  }, [heading, key]);
}
