/**
 * 「延伸閱讀」: for a post that links to few stories of its own, the posts that share its rare terms,
 * by tf-idf. Pure: the posts' titles and leads in, each such post's suggestions out.
 *
 * Kept small on purpose: terms are the search index's tokens (src/shared/search-text.ts: CJK bigrams,
 * Latin words) of the title and the lead (LEAD_CHARACTERS of the text), where a story names what it is
 * about; a term is rare when at most MAX_DOCUMENT_FREQUENCY posts hold it, and only rare terms are
 * indexed, so the work grows with the posts and not their square.
 */
import { foldText, scanTokens, type TokenSink } from '../../shared/search-text.ts';
import { growArray } from '../../shared/grow-array.ts';
import { hashTerm, hashWordPair, TermNumbers } from './term-numbers.ts';

/** Characters of the text, after the title, that make a post's terms. @default 160 */
export const LEAD_CHARACTERS = 160;
/** A post with fewer related links of its own than this gets further reading. @default 2 */
export const FEW_OWN_LINKS = 2;
/** Posts holding a term, at most, for it to count as rare (and at least 2, for it to be shared). @default 40 */
export const MAX_DOCUMENT_FREQUENCY = 40;
/** Rare terms two posts must share. @default 3 */
export const MIN_SHARED_TERMS = 3;
/** Cosine similarity of the rare-term vectors, at least. @default 0.2 */
export const MIN_SCORE = 0.2;
/** Suggestions per post. @default 3 */
export const MAX_SUGGESTIONS = 3;
/** A title's terms count this many times a lead's: a title names the story. @default 2 */
export const TITLE_WEIGHT = 2;

export interface ReadingItem {
  id: string;
  title: string;
  /** The start of the text (LEAD_CHARACTERS). */
  lead: string;
  /** Related links the post carries itself. */
  ownLinks: number;
}

/** A post's terms and their counts: the title's weighted above the lead's. */
export function termCounts(title: string, lead: string): Map<string, number> {
  const counts = new Map<string, number>();
  forEachTerm(title, lead, (term, weight) => counts.set(term, (counts.get(term) ?? 0) + weight));
  return counts;
}

/** Calls `add` for each occurrence of a term of the title and the lead, with its weight (termCounts sums them). */
export function forEachTerm(title: string, lead: string, add: (term: string, weight: number) => void): void {
  const terms = new TermStrings(add);
  terms.scan(foldText(title), TITLE_WEIGHT);
  terms.scan(foldText(lead), 1);
}

/**
 * forEachTerm's occurrences as fnv1a of each term (a pair's without its mark), with the term's length in
 * UTF-16 units: hashed where the term lies in the folded text, with no string made for any token.
 */
export function forEachTermHash(title: string, lead: string, add: (hash: number, length: number, weight: number) => void): void {
  const terms = new TermHashes(add);
  terms.scan(foldText(title), TITLE_WEIGHT);
  terms.scan(foldText(lead), 1);
}

/**
 * Which of the search index's tokens are terms, told where they lie: a CJK pair as its two characters (the
 * search index's mark orders its tokens, search-format.ts: terms are hashed as they were before it); of the
 * grams only a run's last character alone; every Latin word and word pair; no word triple. The 3- and
 * 4-character grams and the word triples are there for exact phrases: as terms they only repeat the pairs
 * they contain, and the grams made scoring four times slower.
 */
abstract class TermScan implements TokenSink {
  protected text = '';
  protected weight = 1;

  scan(text: string, weight: number): void {
    this.text = text;
    this.weight = weight;
    scanTokens(text, this);
  }

  gram(start: number, end: number): void {
    // Grams are of 1, 3 or 4 characters: only one character alone fits in two units.
    if (end - start <= 2) this.term(start, end);
  }

  pair(first: number, _second: number, end: number): void {
    this.term(first, end);
  }

  word(start: number, end: number): void {
    this.term(start, end);
  }

  wordTriple(): void {}

  /** A term, `text[start, end)`. */
  protected abstract term(start: number, end: number): void;

  /** A term of two words and the unit between them (`text[firstStart, firstEnd)`, `joiner`, `text[start, end)`). */
  abstract wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void;
}

/** forEachTerm's terms as strings. */
class TermStrings extends TermScan {
  constructor(private readonly add: (term: string, weight: number) => void) {
    super();
  }

  protected term(start: number, end: number): void {
    this.add(this.text.slice(start, end), this.weight);
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    this.add(this.text.slice(firstStart, firstEnd) + String.fromCharCode(joiner) + this.text.slice(start, end), this.weight);
  }
}

/** forEachTermHash's terms: hashed where they lie. */
class TermHashes extends TermScan {
  constructor(private readonly add: (hash: number, length: number, weight: number) => void) {
    super();
  }

  protected term(start: number, end: number): void {
    this.add(hashTerm(this.text, start, end), end - start, this.weight);
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    this.add(hashWordPair(this.text, firstStart, firstEnd, joiner, start, end), firstEnd - firstStart + 1 + end - start, this.weight);
  }
}

/**
 * The posts' terms, numbered and packed in flat arrays as the posts are added (a post's title and lead
 * are not kept): at 200k posts, a Map of terms a post took ~1 GB; these take ~0.5 KB a post. Terms are
 * numbered where they lie in the folded text (TermNumbers), with no string made for any token: a Map of
 * term strings, and a token's string and a term's for each, were most of further reading's time.
 */
export class ReadingTable {
  count = 0;
  /** Whether a post gets suggestions (fewer than FEW_OWN_LINKS links of its own). */
  wants: Uint8Array;
  /** A post's terms are `terms`/`counts` from `starts[post]` to `starts[post + 1]`, in first-seen order. */
  starts: Uint32Array;
  terms: Uint32Array;
  counts: Uint16Array;
  /** Posts holding each term (by number). */
  frequency: Uint32Array;
  /** Each term's last post + 1 (as `count` is while the post is added), and its place among that post's terms. */
  private lastPost = new Uint32Array(4096);
  private placeInPost = new Uint32Array(4096);
  /** Numbers the terms of the posts added, and holds their text: let go by forgetTermText. */
  private termNumbering: PostTerms | undefined = new PostTerms(this);

  constructor(capacity = 1024) {
    capacity = Math.max(1, capacity);
    this.wants = new Uint8Array(capacity);
    this.starts = new Uint32Array(capacity + 1);
    this.terms = new Uint32Array(capacity * 64);
    this.counts = new Uint16Array(capacity * 64);
    this.frequency = new Uint32Array(4096);
  }

  /** Adds a post (its title, the start of its text, its own related links' count); returns its number. */
  add(title: string, lead: string, ownLinks: number): number {
    // Numbered anew from 0, its terms would take others' numbers.
    const numbering = this.termNumbering;
    if (!numbering) throw new Error("ReadingTable: a post added after forgetTermText (the terms' text is gone)");
    const at = this.count++;
    this.wants = growArray(this.wants, at + 1);
    this.starts = growArray(this.starts, at + 2);
    this.wants[at] = ownLinks < FEW_OWN_LINKS ? 1 : 0;
    this.starts[at + 1] = this.starts[at]!;
    numbering.scan(foldText(title), TITLE_WEIGHT);
    numbering.scan(foldText(lead), 1);
    return at;
  }

  /** A term (by number) of the post being added met once more, with its weight: termCounts' sums, in first-seen order. */
  countTerm(number: number, weight: number): void {
    if (number >= this.lastPost.length) {
      this.lastPost = growArray(this.lastPost, number + 1);
      this.placeInPost = growArray(this.placeInPost, number + 1);
    }
    if (this.lastPost[number] === this.count) {
      this.counts[this.placeInPost[number]!]! += weight;
      return;
    }
    const end = this.starts[this.count]!;
    if (end >= this.terms.length) {
      this.terms = growArray(this.terms, end + 1);
      this.counts = growArray(this.counts, end + 1);
    }
    if (number >= this.frequency.length) this.frequency = growArray(this.frequency, number + 1);
    this.lastPost[number] = this.count;
    this.placeInPost[number] = end;
    this.frequency[number]!++;
    this.terms[end] = number;
    this.counts[end] = weight;
    this.starts[this.count] = end + 1;
  }

  /** Lets go of the terms' text once every post is added: scoring needs only their numbers (millions of terms at 200k posts). */
  forgetTermText(): void {
    this.termNumbering = undefined;
    this.lastPost = new Uint32Array(0);
    this.placeInPost = new Uint32Array(0);
  }
}

/** A post's terms, numbered where they lie and counted by its table: forEachTerm's, in its order. */
class PostTerms extends TermScan {
  private readonly numbers = new TermNumbers();

  constructor(private readonly table: ReadingTable) {
    super();
  }

  protected term(start: number, end: number): void {
    this.table.countTerm(this.numbers.of(this.text, start, end), this.weight);
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    this.table.countTerm(this.numbers.ofPair(this.text, firstStart, firstEnd, joiner, start, end), this.weight);
  }
}

/**
 * Suggestions for each post with fewer than FEW_OWN_LINKS links of its own, best first; `exclude(id)`
 * names posts not to suggest for it (its other reports of the same story, the stories it links to).
 */
export function findFurtherReading(items: readonly ReadingItem[], exclude: (id: string) => ReadonlySet<string> = () => new Set()): Map<string, string[]> {
  const table = new ReadingTable(items.length);
  for (const item of items) table.add(item.title, item.lead, item.ownLinks);
  const idOf = (at: number) => items[at]!.id;
  const found = findFurtherReadingIn(table, (at) => exclude(idOf(at)), idOf);
  return new Map([...found].map(([at, others]) => [idOf(at), others.map(idOf)]));
}

/**
 * findFurtherReading over a table: each wanting post's suggestions by number, best first (ties by
 * `idOf`); `exclude(post)` gives the ids not to suggest for it.
 */
export function findFurtherReadingIn(
  table: ReadingTable,
  exclude: (at: number) => ReadonlySet<string> = () => new Set(),
  idOf: (at: number) => string = String,
): Map<number, number[]> {
  return pickFurtherReading(rankFurtherReading(table, idOf), exclude, idOf);
}

/**
 * Every post a wanting post may be given, ranked: the posts of `others` from `starts[post]` to
 * `starts[post + 1]`, best first. Flat, so that a worker thread hands it back in two transfers.
 */
export interface RankedReading {
  starts: Uint32Array;
  others: Int32Array;
}

/**
 * Each wanting post's candidates (MIN_SHARED_TERMS and MIN_SCORE met), best first, ties by `idOf`: all of
 * them, as what a post excludes may be known only later (its other reports of the same story).
 */
export function rankFurtherReading(table: ReadingTable, idOf: (at: number) => string = String): RankedReading {
  const { count, frequency } = table;
  const isRare = (term: number) => frequency[term]! >= 2 && frequency[term]! <= MAX_DOCUMENT_FREQUENCY;
  // Each post's rare terms, weighted tf × idf and normalised to length 1, and each rare term's holders
  // with their weights, all in flat arrays, so that scoring is array walks (with maps per post it took
  // ~7 s at 5.4k posts).
  const rareStarts = new Uint32Array(count + 1);
  let rareTotal = 0;
  const holderStarts = new Uint32Array(frequency.length + 1);
  for (let at = 0; at < count; at++) {
    for (let n = table.starts[at]!; n < table.starts[at + 1]!; n++) {
      const term = table.terms[n]!;
      if (!isRare(term)) continue;
      rareTotal++;
      holderStarts[term + 1]!++;
    }
    rareStarts[at + 1] = rareTotal;
  }
  for (let term = 0; term < frequency.length; term++) holderStarts[term + 1]! += holderStarts[term]!;
  const rareTerms = new Uint32Array(rareTotal);
  const rareWeights = new Float64Array(rareTotal);
  const holderPosts = new Int32Array(rareTotal);
  const holderWeights = new Float64Array(rareTotal);
  const filled = holderStarts.slice(0, frequency.length);
  for (let at = 0; at < count; at++) {
    const weights: number[] = [];
    for (let n = table.starts[at]!, r = rareStarts[at]!; n < table.starts[at + 1]!; n++) {
      const term = table.terms[n]!;
      if (!isRare(term)) continue;
      rareTerms[r++] = term;
      weights.push(table.counts[n]! * Math.log(count / frequency[term]!));
    }
    const length = Math.hypot(...weights);
    for (let n = 0; n < weights.length; n++) {
      const weight = weights[n]! / length;
      const r = rareStarts[at]! + n;
      rareWeights[r] = weight;
      const slot = filled[rareTerms[r]!]!++;
      holderPosts[slot] = at;
      holderWeights[slot] = weight;
    }
  }

  const starts = new Uint32Array(count + 1);
  let others = new Int32Array(1024);
  let total = 0;
  const score = new Float64Array(count);
  const shared = new Int32Array(count);
  for (let at = 0; at < count; at++) {
    starts[at] = total;
    if (!table.wants[at]) continue;
    const touched: number[] = [];
    for (let r = rareStarts[at]!; r < rareStarts[at + 1]!; r++) {
      const term = rareTerms[r]!;
      for (let h = holderStarts[term]!; h < holderStarts[term + 1]!; h++) {
        const other = holderPosts[h]!;
        if (other === at) continue;
        if (shared[other] === 0) touched.push(other);
        score[other]! += rareWeights[r]! * holderWeights[h]!;
        shared[other]!++;
      }
    }
    const ranked = touched
      .filter((other) => shared[other]! >= MIN_SHARED_TERMS && score[other]! >= MIN_SCORE)
      .sort((a, b) => score[b]! - score[a]! || (idOf(a) < idOf(b) ? -1 : 1));
    for (const other of touched) {
      score[other] = 0;
      shared[other] = 0;
    }
    others = growArray(others, total + ranked.length);
    others.set(ranked, total);
    total += ranked.length;
  }
  starts[count] = total;
  return { starts, others: others.slice(0, total) };
}

/** Each post's first MAX_SUGGESTIONS candidates it does not exclude (`exclude(post)`: ids), by number. */
export function pickFurtherReading(
  ranked: RankedReading,
  exclude: (at: number) => ReadonlySet<string> = () => new Set(),
  idOf: (at: number) => string = String,
): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (let at = 0; at + 1 < ranked.starts.length; at++) {
    const [start, end] = [ranked.starts[at]!, ranked.starts[at + 1]!];
    if (start === end) continue;
    const excluded = exclude(at);
    const best: number[] = [];
    for (let n = start; n < end && best.length < MAX_SUGGESTIONS; n++) if (!excluded.has(idOf(ranked.others[n]!))) best.push(ranked.others[n]!);
    if (best.length > 0) found.set(at, best);
  }
  return found;
}
