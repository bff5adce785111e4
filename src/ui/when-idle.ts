/**
 * Runs `work` when the browser has nothing better to do (requestIdleCallback), and at the latest after
 * `timeoutMs` (some pages get no idle period for seconds: headless Chromium gave a phone-sized page
 * none at all); after a short delay where there is no such thing (Safari). Returns a function that
 * cancels it.
 */
export function whenIdle(work: () => void, timeoutMs = 1000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(work, { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }
  const handle = setTimeout(work, 200);
  return () => clearTimeout(handle);
}

/**
 * Inputs that end a reader's first action. Not pointerdown: an idle moment comes between the press and
 * the click (~100 ms), and the work would then start as the click arrives.
 */
const FIRST_INPUTS = ['pointerup', 'keydown', 'wheel', 'touchend'] as const;

/**
 * Runs `work` at the first idle moment after the reader's first input (a click, a key, a wheel), or
 * after `quietMs` without one: work that competes for the cores with a click made as the page shows
 * (the service worker's install) comes after that click. Returns a function that cancels it.
 */
export function whenIdleAfterFirstInput(work: () => void, quietMs: number): () => void {
  let cancelIdle: (() => void) | undefined;
  const start = () => {
    stop();
    cancelIdle = whenIdle(work);
  };
  const timer = setTimeout(start, quietMs);
  const stop = () => {
    clearTimeout(timer);
    for (const type of FIRST_INPUTS) window.removeEventListener(type, start, true);
  };
  for (const type of FIRST_INPUTS) window.addEventListener(type, start, { capture: true, passive: true });
  return () => {
    stop();
    cancelIdle?.();
  };
}
