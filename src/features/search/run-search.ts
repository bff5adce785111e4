/**
 * Runs a query against the index: fetches the shards its tokens live in, intersects postings, ranks.
 *
 * Ranking: each term scores idf × tf/(tf + 1.2), tripled when the term is in the title; a post's score is
 * the sum over the query's terms, and posts of equal score come newest first. A term's tf in a post is
 * the smallest count among its tokens (a word is there as often as its rarest piece), and its idf comes
 * from the number of posts matching the whole term, not its pieces.
 */
import { isContextToken } from '../../shared/search-contexts.ts';
import { isTokenOfRun, MAX_OCCURRENCES, runTokensEnd, TITLE_BIT, type Postings } from '../../shared/search-format.ts';
import { markMatches, splitMatches } from './highlight.ts';
import type { MatchSplitter } from './highlighted.tsx';
import { parseQuery, type ParsedQuery, type QueryTerm, type Spelling } from './parse-query.ts';
import { loadIndex } from './load-index.ts';
import { loadSearchMeta } from './search-client.ts';

export interface SearchResult {
  query: ParsedQuery;
  /** Matching rows, best first. */
  rows: number[];
  /** Matching rows, ascending (newest first). */
  rowsByDate: number[];
  /** The pieces of every spelling of every positive term, folded: what to highlight. */
  needles: string[];
  /** Cuts a title or excerpt into plain and matched pieces. */
  split: MatchSplitter;
}

/** A term's matching posts: rows ascending, with tf and title flag per row. */
interface TermMatches {
  rows: Int32Array;
  tf: Uint8Array;
  title: Uint8Array;
}

export class SearchCancelled extends Error {
  constructor() {
    super('search cancelled');
  }
}

export async function runSearch(queryText: string, signal?: AbortSignal): Promise<SearchResult> {
  const meta = await loadSearchMeta();
  const query = parseQuery(queryText, meta.variants);
  const spellings = query.terms.flatMap((term) => term.spellings);
  // A window test needs its gram only where its marker is: the marker sorts beside a gram the query
  // reads anyway, the gram often in a shard of its own (see search-contexts.ts). So the grams come second.
  const tokens = new Set(spellings.flatMap((spelling) => [...spelling.tokens, ...spelling.windows.map((test) => test.marker)]));
  const prefixes = new Set(spellings.flatMap((spelling) => spelling.prefixes));
  let index = await loadIndex(meta, tokens, prefixes);
  const windowGrams = spellings.flatMap((spelling) => spelling.windows.filter((test) => index.postingsOf(test.marker)).map((test) => test.gram));
  if (windowGrams.some((gram) => !tokens.has(gram))) index = await loadIndex(meta, new Set([...tokens, ...windowGrams]), prefixes);
  if (signal?.aborted) throw new SearchCancelled();
  const { postingsOf } = index;
  // A run's postings: those of every token it stands for, found in the headers of the shards fetched
  // (a character's pairs, a run's grams; not the markers and context grams that begin with it too).
  const postingsOfPrefix = (prefix: string): Postings | undefined => {
    const held = new Set<string>();
    const end = runTokensEnd(prefix);
    for (const token of index.tokensHeld()) if (isTokenOfRun(token, prefix, end) && !isContextToken(token)) held.add(token);
    const lists = [...held].flatMap((token) => postingsOf(token) ?? []);
    return lists.length > 0 ? mergePostings(lists, meta.postCount) : undefined;
  };
  const listsOf = (spelling: Spelling) => [...spelling.tokens.map(postingsOf), ...spelling.prefixes.map(postingsOfPrefix)];
  // Posts failing a window test of a long run: they hold the window's marker and not its gram.
  const failingWindows = (spelling: Spelling): Int32Array[] =>
    spelling.windows.flatMap((test) => {
      const marked = postingsOf(test.marker);
      if (!marked) return [];
      const held = postingsOf(test.gram);
      return [held ? subtract(marked.rows, held.rows) : marked.rows];
    });

  const positive = query.terms.filter((term) => !term.negated);
  const negative = query.terms.filter((term) => term.negated);
  const needles = needlesOf(positive);
  const split: MatchSplitter = (text) => splitMatches(text, needles);
  if (positive.length === 0) return { query, rows: [], rowsByDate: [], needles, split };

  const matches = positive.map((term) => matchTerm(term, listsOf, failingWindows));
  // Posts holding every positive term, none of the negated ones.
  let rows = [...matches].sort((a, b) => a.rows.length - b.rows.length)[0]!.rows;
  for (const match of matches) rows = intersect(rows, match.rows);
  for (const term of negative) rows = subtract(rows, matchTerm(term, listsOf, failingWindows).rows);

  const scores = new Float64Array(rows.length);
  matches.forEach((match) => {
    const idf = Math.log(1 + meta.postCount / Math.max(1, match.rows.length));
    let at = 0;
    for (let i = 0; i < rows.length; i++) {
      while (match.rows[at]! < rows[i]!) at++;
      const tf = match.tf[at]!;
      scores[i]! += idf * (tf / (tf + 1.2)) * (match.title[at] ? 3 : 1);
    }
  });
  const order = Array.from(rows.keys()).sort((a, b) => scores[b]! - scores[a]! || rows[a]! - rows[b]!);
  return { query, rows: order.map((i) => rows[i]!), rowsByDate: Array.from(rows), needles, split };
}

/** Posts matching any spelling of a term (all of its tokens and runs, and its runs' window tests). */
function matchTerm(
  term: QueryTerm,
  listsOf: (spelling: Spelling) => (Postings | undefined)[],
  failingWindows: (spelling: Spelling) => Int32Array[],
): TermMatches {
  const perSpelling = term.spellings.map((spelling) => {
    const lists = listsOf(spelling);
    if (lists.length === 0 || lists.some((list) => !list)) return empty();
    const sorted = (lists as Postings[]).sort((a, b) => a.rows.length - b.rows.length);
    let rows = sorted[0]!.rows;
    for (const list of sorted.slice(1)) rows = intersect(rows, list.rows);
    for (const failing of failingWindows(spelling)) rows = subtract(rows, failing);
    const tf = new Uint8Array(rows.length).fill(255);
    const title = new Uint8Array(rows.length).fill(1);
    for (const list of sorted) {
      let at = 0;
      for (let i = 0; i < rows.length; i++) {
        while (list.rows[at]! < rows[i]!) at++;
        const weight = list.weights[at]!;
        tf[i] = Math.min(tf[i]!, weight >> 1);
        if (!(weight & TITLE_BIT)) title[i] = 0;
      }
    }
    return { rows, tf, title };
  });
  return perSpelling.length === 1 ? perSpelling[0]! : union(perSpelling);
}

/**
 * Several tokens' postings as one list (the tokens beginning with a run): a post's occurrences are
 * summed, and it is in the title when any of them is. Gathered over the rows, not merged pairwise: a
 * single character's tokens may be thousands.
 */
function mergePostings(lists: readonly Postings[], postCount: number): Postings {
  const occurrences = new Uint16Array(postCount);
  const inTitle = new Uint8Array(postCount);
  const held = new Uint8Array(postCount);
  let count = 0;
  for (const list of lists) {
    for (let i = 0; i < list.rows.length; i++) {
      const row = list.rows[i]!;
      if (!held[row]) count++;
      held[row] = 1;
      occurrences[row] = Math.min(MAX_OCCURRENCES, occurrences[row]! + (list.weights[i]! >> 1));
      inTitle[row]! |= list.weights[i]! & TITLE_BIT;
    }
  }
  const rows = new Int32Array(count);
  const weights = new Uint8Array(count);
  for (let row = 0, n = 0; n < count; row++) {
    if (!held[row]) continue;
    rows[n] = row;
    weights[n++] = (occurrences[row]! << 1) | inTitle[row]!;
  }
  return { rows, weights };
}

function empty(): TermMatches {
  return { rows: new Int32Array(0), tf: new Uint8Array(0), title: new Uint8Array(0) };
}

function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

function subtract(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length);
  let n = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    while (j < b.length && b[j]! < a[i]!) j++;
    if (j >= b.length || b[j] !== a[i]) out[n++] = a[i]!;
  }
  return out.subarray(0, n);
}

/** Posts matching any of several spellings; a post matching two keeps the better tf and title flag. */
function union(parts: TermMatches[]): TermMatches {
  const best = new Map<number, { tf: number; title: number }>();
  for (const part of parts) {
    for (let i = 0; i < part.rows.length; i++) {
      const known = best.get(part.rows[i]!);
      if (!known) best.set(part.rows[i]!, { tf: part.tf[i]!, title: part.title[i]! });
      else {
        known.tf = Math.max(known.tf, part.tf[i]!);
        known.title = Math.max(known.title, part.title[i]!);
      }
    }
  }
  const rows = Int32Array.from([...best.keys()].sort((a, b) => a - b));
  const tf = new Uint8Array(rows.length);
  const title = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    tf[i] = best.get(row)!.tf;
    title[i] = best.get(row)!.title;
  });
  return { rows, tf, title };
}

function needlesOf(terms: readonly QueryTerm[]): string[] {
  return [...new Set(terms.flatMap((term) => term.spellings.flatMap((spelling) => spelling.needles)))];
}

/** What to highlight for a query, without running it: for an article opened from the results. */
export async function highlighterFor(queryText: string): Promise<{ needles: string[]; split: MatchSplitter; markIn: (root: HTMLElement) => HTMLElement[] }> {
  const meta = await loadSearchMeta();
  const query = parseQuery(queryText, meta.variants);
  const needles = needlesOf(query.terms.filter((term) => !term.negated));
  return { needles, split: (text) => splitMatches(text, needles), markIn: (root) => markMatches(root, needles) };
}

/** Loads what every query needs (meta.json) ahead of the first one; failures surface on the query itself. */
export function prepareSearch(): void {
  loadSearchMeta().catch(() => undefined);
}
