/**
 * A post's list position (rows counted from the newest) from its id and date: the rows of its day are
 * contiguous (see features/list/rows.ts), so only that day's shard or two are read. An article opened
 * by a deep link learns this way where it stands in the view it belongs to.
 */
import type { Manifest } from '../../shared/types.ts';
import { todayIn } from '../../ui/format-date.ts';
import { loadRow } from './data-client.ts';

export interface DayRows {
  days: readonly string[];
  firstRow: readonly number[];
}

export async function findPostPosition(manifest: Manifest, days: DayRows, post: { id: string; date: string }): Promise<number | undefined> {
  const day = todayIn(manifest.timeZone, new Date(post.date));
  const d = days.days.indexOf(day);
  if (d < 0) return undefined;
  for (let position = days.firstRow[d]!; position < days.firstRow[d + 1]!; position++) {
    if ((await loadRow(manifest, position))?.id === post.id) return position;
  }
  return undefined;
}
