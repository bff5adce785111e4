import { useEffect, useState } from 'react';
import type { Manifest, PostMeta } from '../../shared/types.ts';
import { loadRow, peekRow } from '../data/data-client.ts';

export type RowMetaState = { status: 'ready'; meta: PostMeta } | { status: 'loading' } | { status: 'error'; retry: () => void };

/**
 * One row's metadata: read during the render when its shard is here, else once it arrives. Read, not
 * kept in state: a row component shown for another row (the list reuses them by place) or just mounted
 * drew its row at once, where state set by an effect drew every row twice.
 */
export function useRowMeta(manifest: Manifest, row: number): RowMetaState {
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState<{ manifest: Manifest; row: number; attempt: number } | undefined>(undefined);
  const [, arrived] = useState(0);
  const meta = peekRow(manifest, row);
  useEffect(() => {
    if (peekRow(manifest, row)) return;
    let live = true;
    const fail = () => live && setFailed({ manifest, row, attempt });
    loadRow(manifest, row).then((loaded) => (loaded ? live && arrived((n) => n + 1) : fail()), fail);
    return () => {
      live = false;
    };
  }, [manifest, row, attempt]);
  if (meta) return { status: 'ready', meta };
  if (failed?.manifest === manifest && failed.row === row && failed.attempt === attempt) return { status: 'error', retry: () => setAttempt((n) => n + 1) };
  return { status: 'loading' };
}
