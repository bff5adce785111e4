/**
 * Marks store rows counted from the oldest post (stable when news is added, see mark-store.ts); the
 * list counts positions from the newest. The two conversions, one place.
 */
import type { Manifest } from '../../shared/types.ts';

export function markRowOf(manifest: Pick<Manifest, 'postCount'>, position: number): number {
  return manifest.postCount - 1 - position;
}

/** The list positions of the marks whose row is known and inside the archive. */
export function positionsOfMarks(manifest: Pick<Manifest, 'postCount'>, marks: ReadonlyMap<string, number>): Set<number> {
  const positions = new Set<number>();
  for (const row of marks.values()) if (row >= 0 && row < manifest.postCount) positions.add(manifest.postCount - 1 - row);
  return positions;
}
