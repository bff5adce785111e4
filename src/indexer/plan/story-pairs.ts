/**
 * The same-story pass of a build (findStoryPairs): every pair of posts that are one story, and the
 * candidate pairs the names rules decided, over all posts or only those around a rebuild's changes
 * (plan/same-story-update.ts). Rules, titles and prints are same-story.ts's.
 */
import { growArray } from '../../shared/grow-array.ts';
import { countTermFrequencies, frequencyOf, type TermFrequencies } from './term-frequencies.ts';
import {
  BANDS,
  estimatedContainment,
  isSameStory,
  jaccard,
  mix32,
  ROWS,
  SAME_STORY_WINDOW_MS,
  similarity,
  storyTableOf,
  storyTitle,
  type PairLikeness,
  type StoryItem,
  type StoryTable,
  type StoryTitle,
} from './same-story.ts';

/**
 * A title bigram found in more posts of a time window than this is left out of the search for title
 * pairs (台灣, 中國…): it finds no story, and its lists would make the search quadratic. @default 32
 */
const COMMON_BIGRAM = 32;
/** Title bigrams two posts share before their titles are compared. @default 3 */
const MIN_SHARED_BIGRAMS = 3;

/** Each post's others (by id), most alike first. */
export type SameStories = Map<string, { id: string; similarity: number }[]>;

/** What a pass over the posts found: the pairs, and the candidate pairs the names rules decide. */
export interface StoryPairs {
  found: SameStories;
  /**
   * The candidate pairs (ids) whose verdict the names rules give: the only ones an idf moved by posts
   * added or removed elsewhere can turn (plan/same-story-update.ts weighs them again).
   */
  byNames: [string, string][];
}

/** Which posts a pass reads (all by default): a rebuild pairs again only the posts around its changes. */
export interface PairScope {
  /** Posts put in the candidate lists; a post not listed is in no pair of the pass. */
  isListed?: (at: number) => boolean;
  /** Posts paired with the earlier listed posts of their window (a pair is found when its later post is taken). */
  isTaken?: (at: number) => boolean;
}

/** Weighs a pair of a table's posts (`at` and `other`, with their titles). */
export type PairJudge = (at: number, title: StoryTitle, other: number, otherTitle: StoryTitle) => PairVerdict;

/** A pair's verdict: one story or not, whether the names rules decided it, and how alike the two are. */
export interface PairVerdict {
  same: boolean;
  byNames: boolean;
  score: number;
}

/**
 * Weighs pairs of a table's posts (isSameStory). The names likeness is computed only for a pair that the
 * other rules leave to it (names only ever add a verdict, so a pair that is one story without them, or
 * not one at the best names, needs none).
 */
export function pairJudge(table: StoryTable, frequencies: TermFrequencies = countTermFrequencies(table)): PairJudge {
  const names = nameRarity(table, frequencies);
  return (at, title, other, otherTitle) => {
    const first = table.signatureOf(at);
    const second = table.signatureOf(other);
    const text = first && second ? similarity(first, second) : 0;
    const pair: PairLikeness = {
      hours: Math.abs(table.times[at]! - table.times[other]!) / 3_600_000,
      sameOutlet: table.outlets[at]! >= 0 && table.outlets[at] === table.outlets[other],
      text,
      contained: estimatedContainment(text, table.shingles[at]!, table.shingles[other]!),
      names: 0,
    };
    const score = Math.max(text, jaccard(title.bigrams, otherTitle.bigrams));
    if (isSameStory(title, otherTitle, pair)) return { same: true, byNames: false, score };
    if (!isSameStory(title, otherTitle, { ...pair, names: Infinity })) return { same: false, byNames: false, score };
    pair.names = nameLikeness(table, at, names.lengthOf(at), other, names.lengthOf(other), names.idf);
    return { same: isSameStory(title, otherTitle, pair), byNames: true, score };
  };
}

/** Adds a pair to each post's list. */
export function addPair(found: SameStories, a: string, b: string, similarity: number): void {
  for (const [from, to] of [
    [a, b],
    [b, a],
  ] as const) {
    let list = found.get(from);
    if (!list) found.set(from, (list = []));
    list.push({ id: to, similarity });
  }
}

/** Each post's list most alike first (ties by id), as every pass leaves it. */
export function sortPairs(found: SameStories): SameStories {
  for (const list of found.values()) list.sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : 1));
  return found;
}

/**
 * Every pair of posts that are one story (isSameStory) within SAME_STORY_WINDOW_MS of each other.
 * Candidates come from LSH bands of the texts' signatures (pairs sharing a band's rows) and from the
 * titles' bigrams within the window, so the cost grows with the posts, not their square. The posts are
 * taken in time order, each paired with the earlier posts of its window, so that only a window's
 * lists and titles are held at once.
 */
export function findStoryPairs(table: StoryTable, scope: PairScope = {}, judge: PairJudge = pairJudge(table)): StoryPairs {
  const { count, times } = table;
  const { isListed = () => true, isTaken = () => true } = scope;
  // The listed posts in time order (a stable sort: ties by number), all others being in no pair of the pass.
  const order: number[] = [];
  for (let at = 0; at < count; at++) if (isListed(at)) order.push(at);
  order.sort((a, b) => times[a]! - times[b]!);
  const byBand = Array.from({ length: BANDS }, () => new WindowChains<number>(times));
  const byBigram = new WindowChains<string>(times);
  // Titles of the window's posts: made when a post comes, dropped when the window passes it.
  const titles = new Map<number, StoryTitle>();
  let oldest = 0;

  const found: SameStories = new Map();
  const byNames: [string, string][] = [];
  for (const at of order) {
    const time = times[at]!;
    while (time - times[order[oldest]!]! > SAME_STORY_WINDOW_MS) titles.delete(order[oldest++]!);
    const title = storyTitle(table.titles[at]!);
    titles.set(at, title);
    const taken = isTaken(at);
    const candidates = new Set<number>();
    // Each band's rows hashed to one number: a rare collision only adds a candidate, which is then compared.
    const signature = table.signatureOf(at);
    if (signature) {
      for (let band = 0; band < BANDS; band++) {
        let key = 0;
        for (let row = band * ROWS; row < (band + 1) * ROWS; row++) key = mix32(key ^ signature[row]!);
        if (taken) byBand[band]!.forEachRecent(key, time, Infinity, (other) => void candidates.add(other));
        byBand[band]!.push(key, at);
      }
    }
    // Title pairs: the earlier posts of the window sharing MIN_SHARED_BIGRAMS title bigrams.
    const shared = new Map<number, number>();
    for (const bigram of title.bigrams) {
      if (taken) {
        const recent = byBigram.recent(bigram, time, COMMON_BIGRAM + 1);
        if (recent.length <= COMMON_BIGRAM) for (const other of recent) shared.set(other, (shared.get(other) ?? 0) + 1);
      }
      byBigram.push(bigram, at);
    }
    for (const [other, sharedCount] of shared) if (sharedCount >= MIN_SHARED_BIGRAMS) candidates.add(other);

    for (const other of candidates) {
      const verdict = judge(at, title, other, titles.get(other)!);
      if (verdict.byNames) byNames.push([table.ids[at]!, table.ids[other]!]);
      if (verdict.same) addPair(found, table.ids[at]!, table.ids[other]!, verdict.score);
    }
  }
  return { found: sortPairs(found), byNames };
}

/** The pairs of a list of posts (findStoryPairs over all of them): each post's others, most alike first. */
export function findSameStories(items: readonly StoryItem[]): SameStories {
  return findStoryPairs(storyTableOf(items)).found;
}

/**
 * How rare each term is (its idf over the posts: a name held by few posts weighs most), and each post's
 * length of count × idf weights, made when a pair first needs it: a rebuild weighs the pairs of a few
 * posts, and a full pass judges by names only the pairs the other rules leave to them.
 */
function nameRarity(table: StoryTable, frequencies: TermFrequencies): { idf: (hash: number) => number; lengthOf: (at: number) => number } {
  const idf = (hash: number) => Math.log(table.count / frequencyOf(frequencies, hash));
  const lengths = new Float64Array(table.count).fill(-1);
  const lengthOf = (at: number) => {
    if (lengths[at]! >= 0) return lengths[at]!;
    let squares = 0;
    for (let n = table.termStarts[at]!; n < table.termStarts[at + 1]!; n++) squares += (table.termCounts[n]! * idf(table.termHashes[n]!)) ** 2;
    return (lengths[at] = Math.sqrt(squares));
  };
  return { idf, lengthOf };
}

/** Cosine of two posts' count × idf weighted terms: a walk along both ascending hash lists. */
function nameLikeness(table: StoryTable, a: number, lengthA: number, b: number, lengthB: number, idf: (hash: number) => number): number {
  if (lengthA === 0 || lengthB === 0) return 0;
  const { termHashes: hashes, termCounts: counts, termStarts: starts } = table;
  let sum = 0;
  for (let i = starts[a]!, j = starts[b]!; i < starts[a + 1]! && j < starts[b + 1]!;) {
    if (hashes[i]! < hashes[j]!) i++;
    else if (hashes[i]! > hashes[j]!) j++;
    else sum += counts[i++]! * counts[j++]! * idf(hashes[i - 1]!) ** 2;
  }
  return sum / (lengthA * lengthB);
}

/**
 * Earlier posts by key (a band's rows, a title bigram), newest first, each key's a chain through a pool
 * of nodes: a list per key cost an array for every key (most band keys are held by one post) and a
 * splice whenever its head went stale. Nodes are pushed in time order, so those before the window are
 * the pool's first: a sweep drops them, and the keys whose newest post they were, when the map has
 * doubled since the last sweep or the pool is full. Both hold about a window's posts, not the archive's.
 */
class WindowChains<K> {
  private readonly heads = new Map<K, number>();
  private nodePosts = new Int32Array(1024);
  private nodeNext = new Int32Array(1024);
  private nodes = 0;
  private swept = 1024;
  private readonly found: number[] = [];

  constructor(private readonly times: Float64Array) {}

  /** The posts of `key` within the window before `time`, newest first, `most` at the most (a view reused by the next call). */
  recent(key: K, time: number, most: number): readonly number[] {
    this.found.length = 0;
    this.forEachRecent(key, time, most, (post) => void this.found.push(post));
    return this.found;
  }

  forEachRecent(key: K, time: number, most: number, visit: (post: number) => void): void {
    let seen = 0;
    for (let node = this.heads.get(key) ?? -1; node >= 0 && seen < most; node = this.nodeNext[node]!, seen++) {
      const post = this.nodePosts[node]!;
      if (time - this.times[post]! > SAME_STORY_WINDOW_MS) return;
      visit(post);
    }
  }

  push(key: K, post: number): void {
    if (this.nodes === this.nodePosts.length) {
      this.sweep(this.times[post]!);
      // At most half full after a sweep: a pool of live nodes only would be swept again at once.
      this.nodePosts = growArray(this.nodePosts, 2 * this.nodes, this.nodes);
      this.nodeNext = growArray(this.nodeNext, 2 * this.nodes, this.nodes);
    }
    const node = this.nodes++;
    this.nodePosts[node] = post;
    this.nodeNext[node] = this.heads.get(key) ?? -1;
    const isNew = !this.heads.has(key);
    this.heads.set(key, node);
    if (isNew && this.heads.size > 2 * this.swept) this.sweep(this.times[post]!);
  }

  private sweep(time: number): void {
    let stale = 0;
    while (stale < this.nodes && time - this.times[this.nodePosts[stale]!]! > SAME_STORY_WINDOW_MS) stale++;
    this.nodePosts.copyWithin(0, stale, this.nodes);
    this.nodeNext.copyWithin(0, stale, this.nodes);
    this.nodes -= stale;
    for (let node = 0; node < this.nodes; node++) this.nodeNext[node] = this.nodeNext[node]! >= stale ? this.nodeNext[node]! - stale : -1;
    for (const [key, node] of this.heads) {
      if (node < stale) this.heads.delete(key);
      else this.heads.set(key, node - stale);
    }
    this.swept = Math.max(1024, this.heads.size);
  }
}
