/**
 * Whether a build may prune the post store from its changes alone, rather than by walking every key.
 * After a clean prune, the `meta` database's `pruned` mark names the record of files seen (seen-files.ts)
 * whose keys are then all the store holds. A build takes the mark away before it puts anything, and a
 * clean prune puts it back: a build that died between the two (puts no record names) leaves no mark, and
 * the next build walks every key.
 */
import type { CacheDb } from './cache-db.ts';

const PRUNED = 'pruned';

/**
 * Takes the mark away (committed before the build's first put); returns whether it named `recordId`,
 * the record this build starts from: then the store holds only that record's keys.
 */
export function takePruneMark(db: CacheDb, recordId: string | undefined): boolean {
  const meta = db.part<string>('meta');
  const mark = meta.get(PRUNED);
  if (mark === undefined) return false;
  meta.removeSync(PRUNED);
  return recordId !== undefined && mark === recordId;
}

/** Says the store now holds only the keys of the record `recordId`; undefined: it may hold others. */
export async function setPruneMark(db: CacheDb, recordId: string | undefined): Promise<void> {
  if (recordId === undefined && db.part<string>('meta').get(PRUNED) === undefined) return;
  await db.transaction(() => {
    const meta = db.part<string>('meta');
    if (recordId === undefined) meta.remove(PRUNED);
    else meta.put(PRUNED, recordId);
  });
}
