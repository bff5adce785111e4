/**
 * The rows the current filters select. Dates and tags resolve from the manifest and the small tag
 * lists; title words need the titles, so the candidate rows' shards are scanned, newest first, and
 * matches show as they are found.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Manifest } from '../../index-format/types.ts';
import { loadShard, loadTagRows } from '../data/data-client.ts';
import { titleMatches, titleWords, type Filters } from './filter-state.ts';
import { rowAt, rowRangeOfDays, rowSetSize, rowsWithAnyTag, type DayIndex, type RowSet } from './rows.ts';

export type RowSetState =
  | { status: 'loading' }
  | { status: 'error'; error: Error; retry: () => void }
  | {
      status: 'ready';
      rows: RowSet;
      /** The outlet filter alone, over all dates: what the timeline draws, so that other days stay pickable. */
      timelineRows: RowSet;
      scanning?: { done: number; total: number };
    };

/** Shards fetched at once while scanning titles. */
const SCAN_CONCURRENCY = 4;

export function useRowSet(manifest: Manifest, days: DayIndex, filters: Filters): RowSetState {
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<RowSetState>({ status: 'loading' });
  const tagsKey = filters.tags.join('\u0000');
  const range = useMemo(() => rowRangeOfDays(days, filters.from, filters.to), [days, filters.from, filters.to]);

  useEffect(() => {
    let live = true;
    const retry = () => setAttempt((n) => n + 1);
    const run = async () => {
      let base: RowSet = { kind: 'range', ...range };
      let timelineRows: RowSet = { kind: 'range', start: 0, end: manifest.postCount };
      if (filters.tags.length > 0) {
        const lists = await Promise.all(filters.tags.map((tag) => loadTagRows(manifest, tag)));
        base = { kind: 'list', rows: rowsWithAnyTag(lists, range.start, range.end) };
        timelineRows = { kind: 'list', rows: rowsWithAnyTag(lists, 0, manifest.postCount) };
      }
      const words = titleWords(filters.q);
      if (words.length === 0) {
        if (live) setState({ status: 'ready', rows: base, timelineRows });
        return;
      }
      await scanTitles(manifest, base, words, (rows, done, total) => {
        if (live) setState({ status: 'ready', rows: { kind: 'list', rows }, timelineRows, ...(done < total ? { scanning: { done, total } } : {}) });
      }, () => live);
    };
    setState({ status: 'loading' });
    run().catch((error: unknown) => live && setState({ status: 'error', error: error instanceof Error ? error : new Error(String(error)), retry }));
    return () => {
      live = false;
    };
  }, [manifest, range, tagsKey, filters.q, attempt]); // eslint-disable-line react-hooks/exhaustive-deps -- tagsKey stands for filters.tags

  return state;
}

async function scanTitles(
  manifest: Manifest,
  base: RowSet,
  words: string[],
  report: (rows: number[], done: number, total: number) => void,
  isLive: () => boolean,
): Promise<void> {
  const byShard = new Map<number, number[]>();
  const size = rowSetSize(base);
  for (let i = 0; i < size; i++) {
    const row = rowAt(base, i);
    const shard = Math.floor(row / manifest.shardSize);
    const rows = byShard.get(shard);
    if (rows) rows.push(row);
    else byShard.set(shard, [row]);
  }
  const shards = [...byShard.keys()].sort((a, b) => a - b);
  const found = new Map<number, number[]>();
  let done = 0;
  let next = 0;
  report([], 0, shards.length);
  const worker = async () => {
    while (next < shards.length && isLive()) {
      const shard = shards[next++]!;
      const posts = await loadShard(manifest, shard);
      found.set(shard, byShard.get(shard)!.filter((row) => titleMatches(posts[row % manifest.shardSize]?.title ?? '', words)));
      done++;
      // Rows stay in archive order whatever order the shards arrive in.
      report(shards.flatMap((s) => found.get(s) ?? []), done, shards.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(SCAN_CONCURRENCY, shards.length) }, worker));
}
