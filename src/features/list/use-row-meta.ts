import { useEffect, useState } from 'react';
import type { Manifest, PostMeta } from '../../shared/types.ts';
import { loadRow, peekRow } from '../data/data-client.ts';

export type RowMetaState = { status: 'ready'; meta: PostMeta } | { status: 'loading' } | { status: 'error'; retry: () => void };

/** One row's metadata: immediately when its shard is here, else once it arrives. */
export function useRowMeta(manifest: Manifest, row: number): RowMetaState {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<RowMetaState>(() => {
    const meta = peekRow(manifest, row);
    return meta ? { status: 'ready', meta } : { status: 'loading' };
  });
  useEffect(() => {
    const meta = peekRow(manifest, row);
    if (meta) {
      setState({ status: 'ready', meta });
      return;
    }
    let live = true;
    setState({ status: 'loading' });
    loadRow(manifest, row).then(
      (loaded) => live && setState(loaded ? { status: 'ready', meta: loaded } : { status: 'error', retry: () => setAttempt((n) => n + 1) }),
      () => live && setState({ status: 'error', retry: () => setAttempt((n) => n + 1) }),
    );
    return () => {
      live = false;
    };
  }, [manifest, row, attempt]);
  return state;
}
