/**
 * 「延伸閱讀」: for a post that links to few stories of its own, the posts that share its rare terms,
 * by tf-idf. Pure: the posts' titles and leads in, each such post's suggestions out.
 *
 * Kept small on purpose: terms are the search index's tokens (src/shared/search-text.ts: CJK bigrams,
 * Latin words) of the title and the lead (LEAD_CHARACTERS of the text), where a story names what it is
 * about; a term is rare when at most MAX_DOCUMENT_FREQUENCY posts hold it, and only rare terms are
 * indexed, so the work grows with the posts and not their square.
 */
import { PAIR_MARK, PAIR_MARK_UNIT } from '../../shared/search-format.ts';
import { foldText, isCjk, isJoiner, scanTokens, tokenizeFolded, type TokenSink } from '../../shared/search-text.ts';
import { growArray } from '../../shared/grow-array.ts';
import { hashUnits, TermNumbers } from './term-numbers.ts';
import { FNV_OFFSET, FNV_PRIME } from '../../shared/types.ts';

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
  tokenizeFolded(foldText(title), (token) => {
    if (isTerm(token)) add(withoutPairMark(token), TITLE_WEIGHT);
  });
  tokenizeFolded(foldText(lead), (token) => {
    if (isTerm(token)) add(withoutPairMark(token), 1);
  });
}

/**
 * forEachTerm's occurrences as fnv1a of each term (a pair's without its mark), with the term's length in
 * UTF-16 units: hashed where the term lies in the folded text, with no string made for any token.
 */
export function forEachTermHash(title: string, lead: string, add: (hash: number, length: number, weight: number) => void): void {
  const foldedTitle = foldText(title);
  scanTokens(foldedTitle, new TermHashes(foldedTitle, TITLE_WEIGHT, add));
  const foldedLead = foldText(lead);
  scanTokens(foldedLead, new TermHashes(foldedLead, 1, add));
}

/**
 * The terms among the search index's tokens (the ones isTerm keeps), hashed: a pair as its two characters;
 * of the grams only a run's last character alone (one code point: at most two units, as no gram is
 * two characters); no word triple.
 */
class TermHashes implements TokenSink {
  constructor(
    private readonly text: string,
    private readonly weight: number,
    private readonly add: (hash: number, length: number, weight: number) => void,
  ) {}

  gram(start: number, end: number): void {
    if (end - start <= 2) this.term(start, end);
  }

  pair(first: number, _second: number, end: number): void {
    this.term(first, end);
  }

  word(start: number, end: number): void {
    this.term(start, end);
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    const hash = hashUnits(this.text, start, end, Math.imul(hashUnits(this.text, firstStart, firstEnd, FNV_OFFSET | 0) ^ joiner, FNV_PRIME));
    this.add(hash >>> 0, firstEnd - firstStart + 1 + end - start, this.weight);
  }

  wordTriple(): void {}

  private term(start: number, end: number): void {
    this.add(hashUnits(this.text, start, end, FNV_OFFSET | 0) >>> 0, end - start, this.weight);
  }
}

/** A pair as two characters: the mark orders the search index's tokens (search-format.ts), terms are hashed as they were before it. */
function withoutPairMark(token: string): string {
  const mark = token.indexOf(PAIR_MARK);
  return mark < 0 ? token : token.slice(0, mark) + token.slice(mark + 1);
}

/** Which tokens are terms. TermHashes and PostTerms keep the same rule on their own (without the tokens): change all three. */
function isTerm(token: string): boolean {
  // Most tokens are pairs of one unit each: a term, with no scan.
  if (token.length === 3 && token.charCodeAt(1) === PAIR_MARK_UNIT) return true;
  return !isLongCjkGram(token) && !isWordTriple(token);
}

/** The search index's triples of Latin words (two joiners: words hold none), there for exact phrases as the grams are. */
function isWordTriple(token: string): boolean {
  let joiners = 0;
  for (let i = 0; i < token.length; i++) {
    const unit = token.charCodeAt(i);
    if (unit === 0x20 || isJoiner(unit)) joiners++;
  }
  return joiners >= 2;
}

/**
 * The search index's 3- and 4-character grams (there for exact phrases): as terms they only repeat the
 * pairs they contain, and made scoring four times slower.
 */
function isLongCjkGram(token: string): boolean {
  if (token.length < 3) return false;
  let length = 0;
  for (let i = 0; i < token.length; i++) {
    const point = token.codePointAt(i)!;
    if (!isCjk(point)) return false;
    if (point > 0xffff) i++;
    length++;
  }
  return length > 2;
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
  private numbers = new TermNumbers();
  /** Each term's last post + 1 (as `count` is while the post is added), and its place among that post's terms. */
  private lastPost = new Uint32Array(4096);
  private placeInPost = new Uint32Array(4096);
  private readonly sink = new PostTerms(this);

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
    const at = this.count++;
    this.wants = growArray(this.wants, at + 1);
    this.starts = growArray(this.starts, at + 2);
    this.wants[at] = ownLinks < FEW_OWN_LINKS ? 1 : 0;
    this.starts[at + 1] = this.starts[at]!;
    this.sink.scan(foldText(title), TITLE_WEIGHT);
    this.sink.scan(foldText(lead), 1);
    return at;
  }

  /** A term of the post being added met once more, with its weight: termCounts' sums, in first-seen order. */
  meet(text: string, start: number, end: number, weight: number): void {
    this.countTerm(this.numbers.of(text, start, end), weight);
  }

  /** meet for two words and the unit between them. */
  meetPair(text: string, firstStart: number, firstEnd: number, joiner: number, start: number, end: number, weight: number): void {
    this.countTerm(this.numbers.ofPair(text, firstStart, firstEnd, joiner, start, end), weight);
  }

  private countTerm(number: number, weight: number): void {
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
    this.numbers = new TermNumbers();
    this.lastPost = new Uint32Array(0);
    this.placeInPost = new Uint32Array(0);
  }
}

/**
 * A post's terms among the search index's tokens, told to its table where they lie: forEachTerm's, in its
 * order (the same rule as isTerm's, kept here on its own as TermHashes keeps it: a pair as its two
 * characters, of the grams only one or two characters, every word and word pair, no word triple).
 */
class PostTerms implements TokenSink {
  private text = '';
  private weight = 1;

  constructor(private readonly table: ReadingTable) {}

  scan(text: string, weight: number): void {
    this.text = text;
    this.weight = weight;
    scanTokens(text, this);
  }

  gram(start: number, end: number): void {
    if (end - start <= 2 || codePointsIn(this.text, start, end) <= 2) this.table.meet(this.text, start, end, this.weight);
  }

  pair(first: number, _second: number, end: number): void {
    this.table.meet(this.text, first, end, this.weight);
  }

  word(start: number, end: number): void {
    this.table.meet(this.text, start, end, this.weight);
  }

  wordPair(firstStart: number, firstEnd: number, joiner: number, start: number, end: number): void {
    this.table.meetPair(this.text, firstStart, firstEnd, joiner, start, end, this.weight);
  }

  wordTriple(): void {}
}

/** Code points in `text[start, end)`. */
function codePointsIn(text: string, start: number, end: number): number {
  let points = 0;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xdc00 || unit > 0xdfff || i === start) points++;
  }
  return points;
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

  const found = new Map<number, number[]>();
  const score = new Float64Array(count);
  const shared = new Int32Array(count);
  for (let at = 0; at < count; at++) {
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
    const excluded = exclude(at);
    const best = touched
      .filter((other) => shared[other]! >= MIN_SHARED_TERMS && score[other]! >= MIN_SCORE && !excluded.has(idOf(other)))
      .sort((a, b) => score[b]! - score[a]! || (idOf(a) < idOf(b) ? -1 : 1))
      .slice(0, MAX_SUGGESTIONS);
    for (const other of touched) {
      score[other] = 0;
      shared[other] = 0;
    }
    if (best.length > 0) found.set(at, best);
  }
  return found;
}
