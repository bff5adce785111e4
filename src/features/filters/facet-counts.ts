/**
 * Outlet counts that follow the other filters, as Pagefind UI's facets do: for each outlet, how many
 * posts of the current date range (and search, if any) it holds, counted as if no outlet were chosen,
 * so that a reader sees what choosing it would give.
 */
import { useEffect, useMemo, useState } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { loadTagRows, peekTagRows } from '../data/data-client.ts';

/** Positions in [start, end) of an ascending list: two binary searches. */
export function countInRange(rows: ArrayLike<number>, start: number, end: number): number {
  return lowerBound(rows, end) - lowerBound(rows, start);
}

/** Positions in [start, end) present in both ascending lists: one merge. */
export function countCommon(a: ArrayLike<number>, b: ArrayLike<number>, start: number, end: number): number {
  let i = lowerBound(a, start);
  let j = lowerBound(b, start);
  let count = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x >= end || y >= end) break;
    if (x === y) {
      count++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return count;
}

function lowerBound(rows: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts per outlet key for the range [start, end) of list positions and the search's matches
 * (ascending), or undefined when nothing narrows the archive (the manifest's counts hold) or while the
 * outlets' row lists are still arriving (all are fetched: ~0.5 byte a post gzipped).
 */
export function useFacetCounts(
  manifest: Manifest,
  range: { start: number; end: number },
  matches: readonly number[] | undefined,
): ReadonlyMap<string, number> | undefined {
  const narrowed = matches !== undefined || range.start > 0 || range.end < manifest.postCount;
  const [arrived, setArrived] = useState(0);
  const allHere = manifest.tags.every((tag) => peekTagRows(manifest, tag.key) !== undefined);
  useEffect(() => {
    if (!narrowed || allHere) return;
    let live = true;
    Promise.all(manifest.tags.map((tag) => loadTagRows(manifest, tag.key))).then(
      () => live && setArrived((n) => n + 1),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [manifest, narrowed, allHere]);
  return useMemo(() => {
    if (!narrowed || !allHere) return undefined;
    const counts = new Map<string, number>();
    for (const tag of manifest.tags) {
      const rows = peekTagRows(manifest, tag.key)!;
      counts.set(tag.key, matches ? countCommon(rows, matches, range.start, range.end) : countInRange(rows, range.start, range.end));
    }
    return counts;
  }, [manifest, narrowed, allHere, matches, range.start, range.end, arrived]); // eslint-disable-line react-hooks/exhaustive-deps -- arrived: the lists came
}
