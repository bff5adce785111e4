/**
 * Whether a build may prune the post store from its changes alone, rather than by walking every key.
 * After a clean prune, the `meta` database's `pruned` mark names the record of files seen (seen-files.ts)
 * whose keys are then all the store holds. A build that reads files takes the mark away before it puts
 * anything, and a clean prune that kept exactly the record's keys puts it back: a build that died between
 * the two (puts no record names) leaves no mark, and the next build walks every key.
 *
 * Left over: a checkout from before the mark, of the same cache format and parser fingerprint, takes no
 * mark, so one that dies after its puts leaves keys no record names under a matching mark. They stay
 * until a walk; the output never reads them.
 */
import type { CacheDb } from './cache-db.ts';

const PRUNED = 'pruned';

/** The record the mark names: the store holds only its keys. Undefined: no mark. */
export function readPruneMark(db: CacheDb): string | undefined {
  return db.part<string>('meta').get(PRUNED);
}

/** Takes the mark away, committed at once: before the build's first put. */
export function takePruneMark(db: CacheDb): void {
  const meta = db.part<string>('meta');
  if (meta.get(PRUNED) !== undefined) meta.removeSync(PRUNED);
}

/** Says the store now holds only the keys of the record `recordId`; undefined: it may hold others. */
export async function setPruneMark(db: CacheDb, recordId: string | undefined): Promise<void> {
  if (recordId === undefined && readPruneMark(db) === undefined) return;
  await db.transaction(() => {
    const meta = db.part<string>('meta');
    if (recordId === undefined) meta.remove(PRUNED);
    else meta.put(PRUNED, recordId);
  });
}

/**
 * Whether `keep` names exactly the record's keys (each once), which the mark then claims. A build keeps
 * them in the record's order: compared in step, with a set only for another order.
 */
export function isRecordExactly(recordKeys: readonly string[] | undefined, keep: readonly string[]): boolean {
  if (!recordKeys || recordKeys.length !== keep.length) return false;
  if (recordKeys.every((key, at) => key === keep[at])) return true;
  const kept = new Set(keep);
  return kept.size === keep.length && recordKeys.every((key) => kept.has(key));
}
