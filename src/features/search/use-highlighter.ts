import { useEffect, useState } from 'react';
import type { highlighterFor } from './run-search.ts';

export type Highlighter = Awaited<ReturnType<typeof highlighterFor>>;

/**
 * The highlighter for a query, loaded with the search code only when there is a query. Undefined until
 * then (and when highlighting cannot load: the article reads fine without it).
 */
export function useHighlighter(query: string): Highlighter | undefined {
  const [highlighter, setHighlighter] = useState<{ query: string; value: Highlighter }>();
  useEffect(() => {
    if (!query) return;
    let live = true;
    import('./run-search.ts')
      .then(({ highlighterFor }) => highlighterFor(query))
      .then((value) => live && setHighlighter({ query, value }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [query]);
  return query && highlighter?.query === query ? highlighter.value : undefined;
}
