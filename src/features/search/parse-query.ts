/**
 * A query as typed → the terms to look up. Syntax, as readers know it from web search:
 *   烏克蘭 總統      both words (in any order, anywhere in the post)
 *   立法院           a run of Chinese characters: found only where the run occurs
 *   "hong kong"     a phrase (also 「」, “” and 『』 quotes)
 *   -颱風            posts without the word
 * Each term is folded and tokenized as the index was (src/shared/search-text.ts), and a term naming
 * something with a regional variant (普京/蒲亭) searches every variant.
 */
import { windowTests, type WindowTest } from '../../shared/search-contexts.ts';
import { PAIR_MARK } from '../../shared/search-format.ts';
import { foldText, isCjk, isJoiner, isWordChar, pairToken, RUN_GRAM, tokenizeFolded } from '../../shared/search-text.ts';

export interface QueryTerm {
  /** The term as typed, for messages. */
  text: string;
  phrase: boolean;
  negated: boolean;
  /** One entry per spelling searched (the term itself, then its variants). */
  spellings: Spelling[];
}

/** What a post must hold to match one spelling of a term. */
export interface Spelling {
  /** The spelling, folded. */
  folded: string;
  /** Tokens the post must hold, every one. */
  tokens: string[];
  /**
   * Runs of CJK characters (of one or three: see search-text.ts) that the post must hold: it holds a
   * run where it holds one of the tokens the run stands for (isTokenOfRun in search-format.ts).
   */
  prefixes: string[];
  /**
   * For runs of more than RUN_GRAM characters: tests that make the run's grams meet where the run
   * occurs (search-contexts.ts). A post passes each when it lacks the marker or holds the gram.
   */
  windows: WindowTest[];
  /** The pieces of the spelling to mark in a text: its runs and words, without the punctuation around them. */
  needles: string[];
}

export interface ParsedQuery {
  terms: QueryTerm[];
}

const QUOTED = /"([^"]*)"|「([^」]*)」|『([^』]*)』|“([^”]*)”/g;
/** Variants searched for one term at most, so that a term holding several variant words stays cheap. */
const MAX_SPELLINGS = 6;

export function parseQuery(query: string, variants: readonly (readonly string[])[] = []): ParsedQuery {
  const raw: { text: string; phrase: boolean; negated: boolean; at: number }[] = [];
  const unquoted = query.replace(QUOTED, (match, ...groups: (string | undefined)[]) => {
    const text = groups.slice(0, 4).find((group) => group !== undefined) ?? '';
    const offset = groups[4] as unknown as number;
    const negated = offset > 0 && query[offset - 1] === '-';
    if (text.trim()) raw.push({ text: text.trim(), phrase: true, negated, at: offset });
    return ' '.repeat(match.length);
  });
  for (const { 0: word, index } of unquoted.matchAll(/\S+/g)) {
    if (word === '-') continue;
    const negated = word.startsWith('-') && word.length > 1;
    raw.push({ text: negated ? word.slice(1) : word, phrase: false, negated, at: index });
  }
  raw.sort((a, b) => a.at - b.at); // terms in the order typed

  const terms: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const { text, phrase, negated } of raw) {
    const folded = normalizeTerm(foldText(text));
    const first = spellingOf(folded);
    if (first.tokens.length === 0 && first.prefixes.length === 0) continue;
    const key = `${negated ? '-' : ''}${folded}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spellings = [first];
    for (const alternative of variantSpellings(folded, variants)) {
      if (spellings.length >= MAX_SPELLINGS) break;
      spellings.push(spellingOf(alternative));
    }
    terms.push({ text, phrase, negated, spellings });
  }
  return { terms };
}

/** Inside a term, white space between Chinese characters is dropped (Chinese text has none) and runs of it become one space. */
function normalizeTerm(folded: string): string {
  return folded
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/(\S) (?=\S)/gu, (match, before: string, offset: number, whole: string) => {
      const after = whole.codePointAt(offset + match.length)!;
      return isCjk(before.codePointAt(0)!) && isCjk(after) ? before : match;
    });
}

/**
 * What a post must hold to match a folded term: each CJK run of it (see runRequirement), and the
 * term's other tokens (words, their pairs, their joins with an adjacent CJK character).
 */
export function spellingOf(folded: string): Spelling {
  const tokens = new Set<string>();
  const prefixes = new Set<string>();
  const windows: WindowTest[] = [];
  tokenizeFolded(folded, (token) => {
    if (!isOfRun(token)) tokens.add(token);
  });
  for (const { run, start, end } of cjkRuns(folded)) {
    // A lone character joined to a word (AI晶) is required by the join already.
    const joined =
      end - start <= 2 &&
      [...run].length === 1 &&
      ((start > 0 && isWordChar(folded.codePointAt(start - 1)!)) || (end < folded.length && isWordChar(folded.codePointAt(end)!)));
    if (!joined) runRequirement(run, tokens, prefixes, windows);
  }
  return { folded, tokens: [...tokens], prefixes: [...prefixes], windows, needles: needlesOf(folded) };
}

/** The maximal runs of CJK characters in a text, with where each starts and ends (UTF-16 indexes). */
function cjkRuns(text: string): { run: string; start: number; end: number }[] {
  const runs: { run: string; start: number; end: number }[] = [];
  let start = -1;
  for (let i = 0; i <= text.length;) {
    const point = i < text.length ? text.codePointAt(i)! : 0;
    if (i < text.length && isCjk(point)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      runs.push({ run: text.slice(start, i), start, end: i });
      start = -1;
    }
    i += point > 0xffff ? 2 : 1;
  }
  return runs;
}

/** Whether a token is a run's own (a lone character, a pair, a gram): runRequirement makes those. */
function isOfRun(token: string): boolean {
  for (const char of token) if (char !== PAIR_MARK && !isCjk(char.codePointAt(0)!)) return false;
  return true;
}

/**
 * How a run is found exactly where it occurs: a pair or a gram of RUN_GRAM characters is a token; a
 * shorter run is the start of the grams that hold it; a longer one, each of its grams, and its window
 * tests so that the grams meet where the run is.
 */
function runRequirement(run: string, tokens: Set<string>, prefixes: Set<string>, windows: WindowTest[]): void {
  const chars = [...run];
  if (chars.length === 2) tokens.add(pairToken(chars[0]!, chars[1]!));
  else if (chars.length === RUN_GRAM) tokens.add(run);
  else if (chars.length < RUN_GRAM) prefixes.add(run);
  else {
    for (let k = 0; k + RUN_GRAM <= chars.length; k++) tokens.add(chars.slice(k, k + RUN_GRAM).join(''));
    const known = new Set(windows.map((test) => test.gram));
    for (const test of windowTests(run)) if (!known.has(test.gram)) windows.push(test);
  }
}

/**
 * The pieces of a folded term to highlight: its runs of letters and digits, with the white space and
 * joiners between Latin words (hong kong, covid-19, u.s), and no punctuation (《国安法》 → 国安法).
 */
function needlesOf(folded: string): string[] {
  const needles: string[] = [];
  let piece = '';
  const chars = [...folded];
  chars.forEach((char, k) => {
    const point = char.codePointAt(0)!;
    const between = k > 0 && k + 1 < chars.length && isWordChar(chars[k - 1]!.codePointAt(0)!) && isWordChar(chars[k + 1]!.codePointAt(0)!);
    if (isCjk(point) || isWordChar(point) || (between && (char === ' ' || isJoiner(point)))) piece += char;
    else {
      if (piece) needles.push(piece);
      piece = '';
    }
  });
  if (piece) needles.push(piece);
  return needles;
}

function variantSpellings(folded: string, variants: readonly (readonly string[])[]): string[] {
  const out: string[] = [];
  for (const group of variants) {
    for (const member of group) {
      if (!folded.includes(member)) continue;
      for (const other of group) if (other !== member) out.push(folded.replace(member, other));
      break;
    }
  }
  return [...new Set(out)].filter((spelling) => spelling !== folded);
}
