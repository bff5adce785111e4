/**
 * A promise as render state, with retry. Results of the last call win; older ones are ignored.
 */
import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: Error };

/**
 * `arrived`: the value, when it is already at hand as the component mounts: the first render shows it,
 * rather than a loading state and a render more.
 */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[], arrived?: T): AsyncState<T> & { retry: () => void } {
  const [state, setState] = useState<AsyncState<T>>(() => (arrived === undefined ? { status: 'loading' } : { status: 'ready', value: arrived }));
  const [attempt, setAttempt] = useState(0);
  const mountedReady = useRef(arrived !== undefined);
  useEffect(() => {
    // Shown since the first render: not loaded again (a change of deps or a retry does).
    if (mountedReady.current) {
      mountedReady.current = false;
      return;
    }
    let current = true;
    setState((previous) => (previous.status === 'loading' ? previous : { status: 'loading' }));
    load().then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller's deps decide when to load again
  }, [...deps, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
