/**
 * How many posts hold each name term (story-pairs.ts weighs names by their idf over all posts). Counted
 * over a whole table by one sort of every post's term hashes; a rebuild moves the last build's counts by
 * the terms of the posts added and removed only, and gets the same counts (a post's hashes are distinct).
 */
import { firstIndexWhere } from '../../shared/binary-search.ts';
import type { StoryTable } from './same-story.ts';

export interface TermFrequencies {
  /** Distinct term hashes, ascending. */
  hashes: Uint32Array;
  /** Posts holding each of them (at least 1). */
  counts: Uint32Array;
}

/** The frequencies of every term of the table's posts. */
export function countTermFrequencies(table: Pick<StoryTable, 'count' | 'termStarts' | 'termHashes'>): TermFrequencies {
  return movedTermFrequencies(
    { hashes: new Uint32Array(0), counts: new Uint32Array(0) },
    new Uint32Array(0),
    table.termHashes.slice(0, table.termStarts[table.count]),
  )!;
}

/**
 * `last` with the terms of posts removed (`removed`: their hashes, one per post holding it) and of posts
 * added; undefined when a removed term was not counted (a `last` not of the posts it is said to be).
 */
export function movedTermFrequencies(last: TermFrequencies, removed: Uint32Array, added: Uint32Array): TermFrequencies | undefined {
  if (removed.length + added.length <= FEW_MOVES) {
    const moved = countsMovedInPlace(last, removed, added);
    if (moved) return moved;
  }
  removed.sort();
  added.sort();
  const hashes = new Uint32Array(last.hashes.length + added.length);
  const counts = new Uint32Array(last.hashes.length + added.length);
  let size = 0;
  let [l, r, a] = [0, 0, 0];
  while (l < last.hashes.length || a < added.length || r < removed.length) {
    // The smallest hash left in any of the three, and its count after the move.
    const hash = Math.min(last.hashes[l] ?? Infinity, added[a] ?? Infinity, removed[r] ?? Infinity);
    let count = 0;
    if (last.hashes[l] === hash) count += last.counts[l++]!;
    for (; added[a] === hash; a++) count++;
    for (; removed[r] === hash; r++) count--;
    if (count < 0) return undefined;
    if (count > 0) {
      hashes[size] = hash;
      counts[size++] = count;
    }
  }
  return { hashes: hashes.slice(0, size), counts: counts.slice(0, size) };
}

/**
 * Terms moved at most this many times are looked up one by one (an edit moves ~100), not merged with
 * every distinct term (docs/build-speed.md, "One edit, stop 38").
 */
const FEW_MOVES = 4096;

/**
 * `last`'s counts moved by each term looked up, its hashes shared; undefined when a term comes or goes
 * (the hashes change) or a removal is not counted: the merge then decides.
 */
function countsMovedInPlace(last: TermFrequencies, removed: Uint32Array, added: Uint32Array): TermFrequencies | undefined {
  const counts = last.counts.slice();
  const find = (hash: number) => {
    const at = firstIndexWhere(last.hashes.length, (n) => last.hashes[n]! >= hash);
    return last.hashes[at] === hash ? at : -1;
  };
  for (const hash of added) {
    const at = find(hash);
    if (at < 0) return undefined;
    counts[at]!++;
  }
  for (const hash of removed) {
    const at = find(hash);
    if (at < 0) return undefined;
    // A term no post holds any longer goes: the hashes change.
    if (--counts[at]! === 0) return undefined;
  }
  return { hashes: last.hashes, counts };
}

/** The term hashes whose count differs between two builds' frequencies (in one and not the other, or not as often). */
export function movedTerms(last: TermFrequencies, now: TermFrequencies): Set<number> {
  const moved = new Set<number>();
  let [l, n] = [0, 0];
  while (l < last.hashes.length || n < now.hashes.length) {
    const hash = Math.min(last.hashes[l] ?? Infinity, now.hashes[n] ?? Infinity);
    const before = last.hashes[l] === hash ? last.counts[l++]! : 0;
    const after = now.hashes[n] === hash ? now.counts[n++]! : 0;
    if (before !== after) moved.add(hash);
  }
  return moved;
}

/** Posts holding a term (0 for one no post holds). */
export function frequencyOf({ hashes, counts }: TermFrequencies, hash: number): number {
  const at = firstIndexWhere(hashes.length, (n) => hashes[n]! >= hash);
  return hashes[at] === hash ? counts[at]! : 0;
}
