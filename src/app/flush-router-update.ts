import { flushSync } from 'react-dom';

/**
 * ReactDOM's flushSync in the shape RouterProvider takes, so that a navigation can ask to be rendered
 * at once instead of in a transition (the list's filters do: see setFilters). react-router/dom's own
 * RouterProvider does the same, but importing it beside react-router gives the tests two copies of the
 * router's contexts.
 */
export function flushRouterUpdate(update: () => unknown): undefined {
  flushSync(update);
  return undefined;
}
