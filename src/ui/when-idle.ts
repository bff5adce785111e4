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
