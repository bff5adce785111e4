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
  // Each post's rare terms, weighted tf × idf and normalised to length 1.
  const vectors = terms.map((counts) => {
    const vector = new Map<string, number>();
    for (const [term, count] of counts) if (isRare(term)) vector.set(term, count * Math.log(items.length / frequency.get(term)!));
    const length = Math.hypot(...vector.values());
    for (const [term, weight] of vector) vector.set(term, weight / length);
    return vector;
  });
  const holders = new Map<string, number[]>();
  vectors.forEach((vector, at) => {
    for (const term of vector.keys()) {
      const list = holders.get(term);
      if (list) list.push(at);
      else holders.set(term, [at]);
    }
  });

  const found = new Map<string, string[]>();
  items.forEach((item, at) => {
    if (item.ownLinks >= FEW_OWN_LINKS) return;
    const scores = new Map<number, { score: number; shared: number }>();
    for (const [term, weight] of vectors[at]!) {
      for (const other of holders.get(term)!) {
        if (other === at) continue;
        const entry = scores.get(other) ?? { score: 0, shared: 0 };
        entry.score += weight * vectors[other]!.get(term)!;
        entry.shared++;
        scores.set(other, entry);
      }
    }
    const excluded = exclude(item.id);
    const best = [...scores]
      .filter(([other, { score, shared }]) => shared >= MIN_SHARED_TERMS && score >= MIN_SCORE && !excluded.has(items[other]!.id))
      .sort((a, b) => b[1].score - a[1].score || (items[a[0]]!.id < items[b[0]]!.id ? -1 : 1))
      .slice(0, MAX_SUGGESTIONS)
      .map(([other]) => items[other]!.id);
    if (best.length > 0) found.set(item.id, best);
  });
  return found;
}
