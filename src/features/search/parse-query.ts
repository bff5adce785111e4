/**
 * A query as typed → the terms to look up. Syntax, as readers know it from web search:
 *   烏克蘭 總統      both words (in any order, anywhere in the post)
 *   "hong kong"     a phrase (also 「」, “” and 『』 quotes)
 *   -颱風            posts without the word
 * Each term is folded and tokenized exactly as the index was (src/shared/search-text.ts), and a
 * term naming something with a regional variant (普京/蒲亭) searches every variant.
 */
import { foldText, isCjk, tokenizeFolded } from '../../shared/search-text.ts';

export interface QueryTerm {
  /** The term as typed, for messages. */
  text: string;
  phrase: boolean;
  negated: boolean;
  /** One entry per spelling searched (the term itself, then its variants): its folded text and its tokens. */
  spellings: { folded: string; tokens: string[] }[];
}

export interface ParsedQuery {
  terms: QueryTerm[];
  /** Terms that cannot be searched: a single Chinese character matches too much to be indexed alone. */
  tooShort: string[];
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
  const tooShort: string[] = [];
  const seen = new Set<string>();
  for (const { text, phrase, negated } of raw) {
    const folded = normalizeTerm(foldText(text));
    const tokens = tokensOf(folded);
    if (tokens.length === 0) continue;
    if (tokens.length === 1 && [...tokens[0]!].length === 1 && isCjk(tokens[0]!.codePointAt(0)!)) {
      tooShort.push(text);
      continue;
    }
    const key = `${negated ? '-' : ''}${folded}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const spellings = [{ folded, tokens }];
    for (const alternative of variantSpellings(folded, variants)) {
      if (spellings.length >= MAX_SPELLINGS) break;
      spellings.push({ folded: alternative, tokens: tokensOf(alternative) });
    }
    terms.push({ text, phrase, negated, spellings });
  }
  return { terms, tooShort };
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

function tokensOf(folded: string): string[] {
  const tokens = new Set<string>();
  tokenizeFolded(folded, (token) => tokens.add(token));
  return [...tokens];
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
