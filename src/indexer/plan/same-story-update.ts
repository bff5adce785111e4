/**
 * The same-story pairs after a few posts changed, from the last build's pairs, exactly as
 * findSameStoriesIn finds them over all posts. Valid only when the posts' name terms are the last
 * build's (so every term's idf is): the caller checks that (output/extras-state.ts).
 *
 * A pair is found when its later post is taken, from the lists of that post's window (the 24 h before
 * it). So every pair holding a changed post is found again from the posts within a window either side of
 * it, and the pairs holding none stand as they were.
 */
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { findSameStoriesIn, SAME_STORY_WINDOW_MS, StoryTable } from './same-story.ts';

export type SameStories = ReturnType<typeof findSameStoriesIn>;

/** `previous` (the pairs over the same posts before `changed` changed) with the changed posts' pairs found again. */
export function updateSameStories(table: StoryTable, previous: SameStories, changed: ReadonlySet<number>): SameStories {
  const changedIds = new Set([...changed].map((at) => table.ids[at]!));
  const found: SameStories = new Map();
  for (const [id, others] of previous) {
    if (changedIds.has(id)) continue;
    const kept = others.filter((other) => !changedIds.has(other.id));
    if (kept.length > 0) found.set(id, kept);
  }
  const times = [...changed].map((at) => table.times[at]!).sort((a, b) => a - b);
  const isNearChange = (at: number) => {
    const time = table.times[at]!;
    const next = firstIndexWhere(times.length, (n) => times[n]! >= time);
    return (next < times.length && times[next]! - time <= SAME_STORY_WINDOW_MS) || (next > 0 && time - times[next - 1]! <= SAME_STORY_WINDOW_MS);
  };
  for (const [id, others] of findSameStoriesIn(windowsOnly(table, isNearChange))) {
    const isChanged = changedIds.has(id);
    const added = others.filter((other) => isChanged || changedIds.has(other.id));
    if (added.length === 0) continue;
    const list = found.get(id);
    if (list) list.push(...added);
    else found.set(id, added);
  }
  for (const list of found.values()) list.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
  return found;
}

/**
 * The table with the posts outside the windows kept only for their name terms: no title and no
 * signature, so that they are in no candidate list, while every term's idf stays what it is over all posts.
 */
function windowsOnly(table: StoryTable, isKept: (at: number) => boolean): StoryTable {
  const only = new StoryTable(table.count);
  for (let at = 0; at < table.count; at++) {
    const kept = isKept(at);
    const terms = {
      hashes: table.termHashes.subarray(table.termStarts[at], table.termStarts[at + 1]),
      counts: table.termCounts.subarray(table.termStarts[at], table.termStarts[at + 1]),
    };
    const outlet = table.outlets[at]! < 0 ? undefined : table.outletNames[table.outlets[at]!];
    only.add(table.ids[at]!, kept ? table.titles[at]! : '', table.times[at]!, outlet, {
      signature: kept ? table.signatureOf(at) : undefined,
      shingles: kept ? table.shingles[at]! : 0,
      terms,
    });
  }
  return only;
}
