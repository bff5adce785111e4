/**
 * Handlers that call `act` when a reader seems about to open a link: the mouse resting on it, or the
 * keyboard's focus staying on it, for a moment; or a mouse button pressed on it (~100 ms before the
 * click). Not on a pointer merely passing over: rows scrolled under a still pointer, or focus run
 * through a list with j, would each fetch their article. Not on touch either: a touch that starts
 * a scroll cannot be told from one that starts a tap.
 */
import type { FocusEvent, PointerEvent } from 'react';

/** How long the pointer or the focus rests on a link before it counts as intent. */
export const REST_MS = 100;

const resting = new WeakMap<Element, ReturnType<typeof setTimeout>>();

export function intentHandlers(act: () => void) {
  const rest = (element: Element) => {
    clearTimeout(resting.get(element));
    resting.set(element, setTimeout(act, REST_MS));
  };
  const leave = (element: Element) => clearTimeout(resting.get(element));
  return {
    onPointerEnter: (event: PointerEvent) => event.pointerType === 'mouse' && rest(event.currentTarget),
    onPointerLeave: (event: PointerEvent) => leave(event.currentTarget),
    onPointerDown: (event: PointerEvent) => event.pointerType === 'mouse' && act(),
    onFocus: (event: FocusEvent) => rest(event.currentTarget),
    onBlur: (event: FocusEvent) => leave(event.currentTarget),
  };
}
