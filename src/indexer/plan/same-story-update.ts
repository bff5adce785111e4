/**
 * The same-story pairs after posts were added, removed or changed, from the last build's pairs, exactly
 * as findStoryPairs (story-pairs.ts) finds them over all posts.
 *
 * A pair is found when its later post is taken, from the lists of that post's window (the 24 h before
 * it); a post in those lists can only change which others are candidates (a title bigram held by too
 * many posts is dropped). So the pairs whose later post is within a day after a change are found again,
 * over the posts within a day either side of the changes. The others' candidates are as they were, and
 * so is their verdict, but for the names rules: their idf is over all posts, and moves with any post
 * added, removed or retitled. So the candidate pairs those rules decided are weighed again: all of
 * them, or when the posts are as many as before, those of a post holding a term whose count moved.
 */
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { SAME_STORY_WINDOW_MS, storyTitle, type StoryTable } from './same-story.ts';
import type { TermFrequencies } from './term-frequencies.ts';
import { addPair, findStoryPairs, pairJudge, sortPairs, type SameStories, type StoryPairs } from './story-pairs.ts';

export type { SameStories };

/** What changed since the last build's pairs. */
export interface StoryChanges {
  /** Posts changed or removed: their last pairs are dropped. */
  gone: ReadonlySet<string>;
  /** The times of the posts added, removed and changed (a changed post's time before and after). */
  times: readonly number[];
  /**
   * The name terms held by another number of posts than at the last build, when it had as many posts
   * (see movedTerms): only they moved an idf. Absent: every idf may have moved.
   */
  termsMoved?: ReadonlySet<number>;
}

/**
 * `previous` (the last build's pairs) with every pair that `changes` may have turned weighed again;
 * `frequencies` are the table's term frequencies and `rowOf` its rows by id when the caller has them
 * (made here otherwise).
 */
export function updateStoryPairs(
  table: StoryTable,
  previous: StoryPairs,
  changes: StoryChanges,
  frequencies?: TermFrequencies,
  rowOf: ReadonlyMap<string, number> = new Map(table.ids.map((id, at) => [id, at])),
): StoryPairs {
  const times = [...changes.times].sort((a, b) => a - b);
  // Whether a post is within `before` ms before a change and `after` ms after it.
  const isNear = (at: number, before: number, after: number) => {
    const time = table.times[at]!;
    const next = firstIndexWhere(times.length, (n) => times[n]! >= time - after);
    return next < times.length && times[next]! - time <= before;
  };
  const isTaken = (at: number) => isNear(at, 0, SAME_STORY_WINDOW_MS);
  // One judge for the windows and the pairs weighed again: one idf, each post's length made once.
  const judge = pairJudge(table, frequencies);
  const again = findStoryPairs(table, { isListed: (at) => isNear(at, SAME_STORY_WINDOW_MS, SAME_STORY_WINDOW_MS), isTaken }, judge);

  const later = (a: number, b: number) => (table.times[a]! > table.times[b]! || (table.times[a] === table.times[b] && a > b) ? a : b);
  // A last pair stands when both posts are as they were and its later post was not taken again.
  const stands = (a: string, b: string) => {
    if (changes.gone.has(a) || changes.gone.has(b)) return false;
    const [rowA, rowB] = [rowOf.get(a), rowOf.get(b)];
    return rowA !== undefined && rowB !== undefined && !isTaken(later(rowA, rowB));
  };
  const key = (a: string, b: string) => (a < b ? `${a}\n${b}` : `${b}\n${a}`);
  const weighAgain = previous.byNames.filter(([a, b]) => stands(a, b));
  // A pair neither of whose posts holds a moved term has the same idf weights: its verdict stands too.
  const { termsMoved: moved } = changes;
  const holdsMoved = (id: string) => {
    const at = rowOf.get(id)!;
    for (let n = table.termStarts[at]!; n < table.termStarts[at + 1]!; n++) if (moved!.has(table.termHashes[n]!)) return true;
    return false;
  };
  const weighed = moved ? weighAgain.filter(([a, b]) => holdsMoved(a) || holdsMoved(b)) : weighAgain;
  const byNames = new Set(weighed.map(([a, b]) => key(a, b)));

  const found: SameStories = new Map();
  for (const [id, others] of previous.found)
    for (const other of others) if (id < other.id && stands(id, other.id) && !byNames.has(key(id, other.id))) addPair(found, id, other.id, other.similarity);
  for (const [a, b] of weighed) {
    const [rowA, rowB] = [rowOf.get(a)!, rowOf.get(b)!];
    const verdict = judge(rowA, storyTitle(table.titles[rowA]!), rowB, storyTitle(table.titles[rowB]!));
    if (verdict.same) addPair(found, a, b, verdict.score);
  }
  for (const [id, others] of again.found) for (const other of others) if (id < other.id) addPair(found, id, other.id, other.similarity);
  return { found: sortPairs(found), byNames: [...weighAgain, ...again.byNames] };
}
