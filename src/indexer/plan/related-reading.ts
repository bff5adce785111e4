/**
 * 「延伸閱讀」: for a post that links to few stories of its own, the posts that share its rare terms,
 * by tf-idf. Pure: the posts' titles and leads in, each such post's suggestions out.
 *
 * Kept small on purpose: terms are the search index's tokens (src/shared/search-text.ts: CJK bigrams,
 * Latin words) of the title and the lead (LEAD_CHARACTERS of the text), where a story names what it is
 * about; a term is rare when at most MAX_DOCUMENT_FREQUENCY posts hold it, and only rare terms are
 * indexed, so the work grows with the posts and not their square.
 */
import { foldText, isCjk, tokenizeFolded } from '../../shared/search-text.ts';

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
const TITLE_WEIGHT = 2;

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
  const add = (weight: number) => (token: string) => {
    if (!isLongCjkGram(token)) counts.set(token, (counts.get(token) ?? 0) + weight);
  };
  tokenizeFolded(foldText(title), add(TITLE_WEIGHT));
  tokenizeFolded(foldText(lead), add(1));
  return counts;
}

/**
 * The search index's 3- and 4-character grams (there for exact phrases): as terms they only repeat the
 * pairs they contain, and made scoring four times slower.
 */
function isLongCjkGram(token: string): boolean {
  let length = 0;
  for (const char of token) {
    if (!isCjk(char.codePointAt(0)!)) return false;
    length++;
  }
  return length > 2;
}

/**
 * Suggestions for each post with fewer than FEW_OWN_LINKS links of its own, best first; `exclude(id)`
 * names posts not to suggest for it (its other reports of the same story, the stories it links to).
 */
export function findFurtherReading(items: readonly ReadingItem[], exclude: (id: string) => ReadonlySet<string> = () => new Set()): Map<string, string[]> {
  const terms = items.map((item) => termCounts(item.title, item.lead));
  const frequency = new Map<string, number>();
  for (const counts of terms) for (const term of counts.keys()) frequency.set(term, (frequency.get(term) ?? 0) + 1);
  const isRare = (term: string) => {
    const df = frequency.get(term)!;
    return df >= 2 && df <= MAX_DOCUMENT_FREQUENCY;
  };
  // Each post's rare terms, weighted tf × idf and normalised to length 1; terms numbered, and each term's
  // holders kept with their weights, so that scoring is array walks (with maps per post it took ~7 s at 5.4k posts).
  const termIds = new Map<string, number>();
  const holders: { posts: number[]; weights: number[] }[] = [];
  const vectors = terms.map((counts, at) => {
    const ids: number[] = [];
    const weights: number[] = [];
    for (const [term, count] of counts) {
      if (!isRare(term)) continue;
      let id = termIds.get(term);
      if (id === undefined) {
        termIds.set(term, (id = holders.length));
        holders.push({ posts: [], weights: [] });
      }
      ids.push(id);
      weights.push(count * Math.log(items.length / frequency.get(term)!));
    }
    const length = Math.hypot(...weights);
    for (let n = 0; n < weights.length; n++) {
      weights[n]! /= length;
      holders[ids[n]!]!.posts.push(at);
      holders[ids[n]!]!.weights.push(weights[n]!);
    }
    return { ids, weights };
  });

  const found = new Map<string, string[]>();
  const score = new Float64Array(items.length);
  const shared = new Int32Array(items.length);
  items.forEach((item, at) => {
    if (item.ownLinks >= FEW_OWN_LINKS) return;
    const touched: number[] = [];
    const { ids, weights } = vectors[at]!;
    for (let n = 0; n < ids.length; n++) {
      const holder = holders[ids[n]!]!;
      for (let h = 0; h < holder.posts.length; h++) {
        const other = holder.posts[h]!;
        if (other === at) continue;
        if (shared[other] === 0) touched.push(other);
        score[other]! += weights[n]! * holder.weights[h]!;
        shared[other]!++;
      }
    }
    const excluded = exclude(item.id);
    const best = touched
      .filter((other) => shared[other]! >= MIN_SHARED_TERMS && score[other]! >= MIN_SCORE && !excluded.has(items[other]!.id))
      .sort((a, b) => score[b]! - score[a]! || (items[a]!.id < items[b]!.id ? -1 : 1))
      .slice(0, MAX_SUGGESTIONS)
      .map((other) => items[other]!.id);
    for (const other of touched) {
      score[other] = 0;
      shared[other] = 0;
    }
    if (best.length > 0) found.set(item.id, best);
  });
  return found;
}
