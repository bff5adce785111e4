/**
 * The same story across outlets: posts whose texts are near-duplicates (a wire story run by several
 * outlets, or rewritten by one), found by MinHash over shingles of the posts' text (story-signature.ts) and LSH banding,
 * and reports of one event in other words, found by their titles and the rare names they share.
 *
 * A post's print (signature, name terms, lead) depends on the post alone: it is made where the post is
 * parsed (parse/post-digest.ts) and kept with it in the build cache. Pure: text in, prints and pairs out.
 *
 * Text is folded as search folds it (NFKC, lower case, Traditional → Simplified), so that a story
 * in either script matches; a shingle is SHINGLE_UNITS consecutive units, a unit being a CJK
 * character or a Latin word (punctuation and spaces are not units).
 */
import { decodeHTML } from 'entities/decode';
import { mix32 } from '../../shared/types.ts';
import { growArray } from '../../shared/grow-array.ts';
import { foldText, isCjk, isWordChar } from '../../shared/search-text.ts';
import { forEachTermHash, LEAD_CHARACTERS, TITLE_WEIGHT } from './related-reading.ts';
import { shingleHashes, type ShingleScratch } from './shingle-hashes.ts';
import { SIGNATURE_SIZE, similarity, storySignatureOf } from './story-signature.ts';

/** story-pairs.ts takes these from here, with the rest of a print. */
export { mix32, SIGNATURE_SIZE, similarity };

/** Units per shingle: five CJK characters rarely repeat by chance across unrelated news. @default 5 */
export const SHINGLE_UNITS = 5;
/** LSH: the signature cut in BANDS bands of ROWS rows; a pair shares a band with probability 1 − (1 − s^ROWS)^BANDS. */
export const BANDS = 16;
export const ROWS = SIGNATURE_SIZE / BANDS;
/**
 * When two posts are one story: the rules, tried in turn (see isSameStory). Chosen by a grid search on
 * the even-indexed half of the labelled sample and checked on the odd half (docs/same-story.md). Hours
 * are the time between the posts; `text` is the MinHash Jaccard estimate of their shingle sets,
 * `contained` the share of the smaller text's shingles found in the other (a digest, an expanded
 * rewrite), `title` the share of the shorter title's bigrams found in the other.
 */
export const SAME_STORY_RULES = {
  /** Titles whose numbers differ are another day's figures, unless the texts are this alike within an hour (a revision). */
  revision: { text: 0.7, hours: 1 },
  /** Same outlet, titles this alike but texts unlike: parts of a series (上/下, 第N期), not one story. */
  series: { titleJaccard: 0.9, contained: 0.3 },
  /** A copy or a rewrite: most of one text in the other, within hours. */
  copy: { contained: 0.5, hours: 6 },
  /** A text largely shared, within a day (a wire story run again, an evening update). */
  shared: { text: 0.4, hours: 24 },
  /** Another report under a like title, the same half-day (text shares little: another outlet's words, a follow-up within hours). */
  sameTitle: { title: 0.4, hours: 12 },
  /** A title nearly repeated within the day: the outlet's next-morning digest of its own story. */
  digest: { title: 0.7, hours: 18 },
  /** Another outlet under a like title within a day. */
  otherOutlet: { title: 0.5, hours: 24 },
  /** Titles whose numbers differ are one story when both report a toll rising (增至…死), within hours. */
  toll: { hours: 12 },
  /**
   * Another outlet, titles partly alike, and the rare names of title and lead shared (`names`: cosine of
   * their idf-weighted terms): one event in other words (BBC and CNA on one trial, RFA and CNA on one sentence).
   */
  otherOutletNames: { title: 0.3, names: 0.25, hours: 12 },
  /** The same outlet, within hours: titles partly alike and the rare names shared (another angle of one event). */
  sameOutletNames: { title: 0.3, names: 0.3, hours: 6 },
} as const;

/** A title reports a toll rising: a rising word and a casualty word (香港宏福苑大火增至75死), as folded (Simplified). */
const TOLL_RISING = /增至|升至|增加至|增加到|上升至|上升到|攀升至|增为|升到/;
const TOLL_CASUALTY = /死|伤|罹难|丧生|失踪|遇难/;

/** At most this far apart in time: the longest window of SAME_STORY_RULES. @default 24 hours */
export const SAME_STORY_WINDOW_MS = 24 * 3600 * 1000;
/** Texts with fewer shingles than this are too short to tell (a photo caption, a one-line brief). @default 30 */
export const MIN_SHINGLES = 30;
/** Posts listed with an article, at most. @default 8 */
export const MAX_SAME_STORY = 8;

export interface StoryItem {
  id: string;
  /** Epoch ms. */
  time: number;
  title: string;
  signature: Uint32Array | undefined;
  /** Distinct shingles of the text (with the signature, estimates how much of one text the other holds). */
  shingles?: number;
  /** The outlet (first tag key): one outlet's later report of a story is usually a new development. */
  outlet?: string;
  /** Its name terms (storyTerms of the title and lead): what it names, compared by rarity. */
  terms?: StoryTerms;
}

/** A post's terms as hashes, ascending, with their counts (title terms counted twice, see termCounts). */
export interface StoryTerms {
  hashes: Uint32Array;
  counts: Uint8Array;
}

export interface StoryTitle {
  bigrams: Set<string>;
  /** The numbers in the title (counts, dates, figures), as written. */
  numbers: Set<string>;
  /** It reports a toll rising (TOLL_RISING and TOLL_CASUALTY). */
  toll: boolean;
}

/** A title's bigrams of folded letters and digits, and its numbers. */
export function storyTitle(title: string): StoryTitle {
  const folded = foldText(title);
  const text = [...folded].filter((char) => isCjk(char.codePointAt(0)!) || isWordChar(char.codePointAt(0)!) || char === '.').join('');
  // Pairs of units (CJK characters, Latin words): letter pairs made any two English titles alike.
  const units = foldedUnits(folded);
  const bigrams = new Set<string>();
  for (let at = 0; at + 2 <= units.length; at++) bigrams.add(`${units[at]} ${units[at + 1]}`);
  return { bigrams, numbers: new Set(text.match(/\d+(?:\.\d+)?/g) ?? []), toll: TOLL_RISING.test(text) && TOLL_CASUALTY.test(text) };
}

/**
 * Whether two titles' numbers allow one story: one's numbers all in the other's. Recurring reports
 * (a day's case count, a day's rate, a quake's magnitude) share their wording and differ in numbers.
 */
export function numbersAgree(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const number of small) if (!large.has(number)) return false;
  return true;
}

/** Jaccard similarity of two sets. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 0 : shared / union;
}

/**
 * Items shared over the geometric mean of the sizes (Ochiai): near the share of the smaller set held in
 * the other when the sets are alike in size, but a short title is not "contained" in a long programme
 * listing's.
 */
export function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  let shared = 0;
  for (const item of a) if (b.has(item)) shared++;
  return a.size === 0 || b.size === 0 ? 0 : shared / Math.sqrt(a.size * b.size);
}

/** What isSameStory weighs of a pair of posts (see SAME_STORY_RULES). */
export interface PairLikeness {
  hours: number;
  sameOutlet: boolean;
  /** Estimated Jaccard similarity of the texts' shingles (0 when either has no signature). */
  text: number;
  /** Estimated share of the smaller text's shingles in the other. */
  contained: number;
  /** Cosine of the two posts' idf-weighted title and lead terms (0 when either has none). */
  names: number;
}

/** Whether two posts are one story, from their titles and how alike their texts are (SAME_STORY_RULES, in turn). */
export function isSameStory(a: StoryTitle, b: StoryTitle, pair: PairLikeness): boolean {
  const rules = SAME_STORY_RULES;
  const { hours, text, contained } = pair;
  const isRevision = text >= rules.revision.text && hours <= rules.revision.hours;
  const isTollRising = a.toll && b.toll && hours <= rules.toll.hours;
  if (!numbersAgree(a.numbers, b.numbers) && !isRevision && !isTollRising) return false;
  if (pair.sameOutlet && jaccard(a.bigrams, b.bigrams) >= rules.series.titleJaccard && contained < rules.series.contained) return false;
  const title = overlap(a.bigrams, b.bigrams);
  return (
    (contained >= rules.copy.contained && hours <= rules.copy.hours) ||
    (text >= rules.shared.text && hours <= rules.shared.hours) ||
    (title >= rules.sameTitle.title && hours <= rules.sameTitle.hours) ||
    (title >= rules.digest.title && hours <= rules.digest.hours) ||
    (!pair.sameOutlet && title >= rules.otherOutlet.title && hours <= rules.otherOutlet.hours) ||
    (!pair.sameOutlet && title >= rules.otherOutletNames.title && pair.names >= rules.otherOutletNames.names && hours <= rules.otherOutletNames.hours) ||
    (pair.sameOutlet && title >= rules.sameOutletNames.title && pair.names >= rules.sameOutletNames.names && hours <= rules.sameOutletNames.hours)
  );
}

/**
 * The share of the smaller shingle set found in the other, from the Jaccard estimate and the two sets'
 * sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
 */
export function estimatedContainment(text: number, shinglesA: number, shinglesB: number): number {
  const smaller = Math.min(shinglesA, shinglesB);
  if (smaller === 0) return 0;
  return Math.min(1, (text * (shinglesA + shinglesB)) / (1 + text) / smaller);
}

/** The units of a text as search folds it: CJK characters and Latin words. */
export function storyUnits(text: string): string[] {
  return foldedUnits(foldText(text));
}

function foldedUnits(folded: string): string[] {
  const units: string[] = [];
  let word = '';
  for (const char of folded) {
    const point = char.codePointAt(0)!;
    if (isCjk(point)) {
      if (word) units.push(word);
      word = '';
      units.push(char);
    } else if (isWordChar(point)) word += char;
    else if (word) {
      units.push(word);
      word = '';
    }
  }
  if (word) units.push(word);
  return units;
}

/** A text's MinHash signature, or undefined for one too short to tell (see MIN_SHINGLES). */
export function storySignature(text: string, scratch: ShingleScratch): Uint32Array | undefined {
  return storyPrint(text, scratch)?.signature;
}

/** A text's MinHash signature and its count of distinct shingles, or undefined for one too short to tell. */
export function storyPrint(text: string, scratch: ShingleScratch): { signature: Uint32Array; shingles: number } | undefined {
  scratch.folded.length = 0;
  scratch.folded.append(text);
  return printOfFolded(scratch);
}

/** storyPrint of the text folded into `scratch.folded`. */
function printOfFolded(scratch: ShingleScratch): { signature: Uint32Array; shingles: number } | undefined {
  const shingles = shingleHashes(scratch.folded, SHINGLE_UNITS, scratch);
  if (shingles.length < MIN_SHINGLES) return undefined;
  return { signature: storySignatureOf(shingles), shingles: shingles.length };
}

/** An occurrence's weight (1, or TITLE_WEIGHT) is below this: it rides in the low digit of hash × WEIGHT_SPAN. */
const WEIGHT_SPAN = TITLE_WEIGHT + 1;

/**
 * A post's name terms: the search tokens of its title and lead (termCounts: the title's counted twice),
 * hashed, without single characters (一 字 names nothing). Depends on the post alone, so it is made with
 * the post's signature and kept with it.
 */
export function storyTerms(title: string, lead: string, scratch: ShingleScratch): StoryTerms {
  // Each occurrence as hash × WEIGHT_SPAN + weight (exact in a double), sorted: a term's occurrences
  // end up adjacent and are summed there, with no Map of terms.
  let occurrences = 0;
  forEachTermHash(title, lead, (hash, length, weight) => {
    if (length < 2) return;
    if (occurrences === scratch.termOccurrences.length) scratch.termOccurrences = growArray(scratch.termOccurrences, occurrences + 1);
    scratch.termOccurrences[occurrences++] = hash * WEIGHT_SPAN + weight;
  });
  const sorted = scratch.termOccurrences.subarray(0, occurrences).sort();
  let distinct = 0;
  for (let k = 0; k < occurrences; k++) if (k === 0 || Math.floor(sorted[k]! / WEIGHT_SPAN) !== Math.floor(sorted[k - 1]! / WEIGHT_SPAN)) distinct++;
  const hashes = new Uint32Array(distinct);
  const termCounts = new Uint8Array(distinct);
  let n = -1;
  let count = 0;
  for (let k = 0; k < occurrences; k++) {
    const hash = Math.floor(sorted[k]! / WEIGHT_SPAN);
    if (n < 0 || hash !== hashes[n]) {
      if (n >= 0) termCounts[n] = Math.min(255, count);
      hashes[++n] = hash;
      count = 0;
    }
    count += sorted[k]! % WEIGHT_SPAN;
  }
  if (n >= 0) termCounts[n] = Math.min(255, count);
  return { hashes, counts: termCounts };
}

/**
 * What the grouping needs of a post's text, made where the post is parsed (parse/post-digest.ts) and kept
 * with it in the build cache: its signature and shingle count, its name terms, and its lead (the start
 * of its text, for further reading).
 */
export interface StoryPrint {
  signature: Uint32Array | undefined;
  shingles: number;
  terms: StoryTerms;
  lead: string;
}

/**
 * Bumped when what a story print is made of changes (the text, the shingles, the terms): a print of
 * another version in the build cache is made again from the written post.
 */
export const STORY_PRINT_VERSION = 3;

/**
 * The text a story print is made of: the post's clean HTML without its tags, so that figure captions
 * (often the lead's summary of the event) count as they did when prints were made from written posts.
 */
export function storyTextOfHtml(html: string): string {
  return decodeHTML(html.replace(/<[^>]*>/g, ' '));
}

/** A post's story print, from its title and its text (storyTextOfHtml). */
export function storyPrintOf(title: string, text: string, scratch: ShingleScratch): StoryPrint {
  // storyPrint(`${title}\n${text}`): folded one part after another, as folding is per character.
  scratch.folded.length = 0;
  scratch.folded.append(title);
  scratch.folded.append('\n');
  scratch.folded.append(text);
  const print = printOfFolded(scratch);
  const lead = text.slice(0, LEAD_CHARACTERS);
  return { signature: print?.signature, shingles: print?.shingles ?? 0, terms: storyTerms(title, lead, scratch), lead };
}

/** A story print as one line of JSON (no raw line break): the version, then its parts, arrays in base64. */
export function serializeStoryPrint({ signature, shingles, terms, lead }: StoryPrint): string {
  const base64 = (array: Uint32Array | Uint8Array | undefined) =>
    array ? Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64') : '';
  return JSON.stringify([STORY_PRINT_VERSION, base64(signature), shingles, base64(terms.hashes), base64(terms.counts), lead]);
}

/** A serialized story print, or undefined for one of another version (or damaged). */
export function parseStoryPrint(line: string): StoryPrint | undefined {
  try {
    const [version, signature, shingles, hashes, counts, lead] = JSON.parse(line) as [number, string, number, string, string, string];
    if (version !== STORY_PRINT_VERSION) return undefined;
    return {
      signature: signature ? uint32s(signature) : undefined,
      shingles,
      terms: { hashes: uint32s(hashes), counts: new Uint8Array(Buffer.from(counts, 'base64')) },
      lead,
    };
  } catch {
    return undefined;
  }
}

/** Little-endian 32-bit words from base64 (copied: a Buffer's bytes may not be aligned for a Uint32Array). */
function uint32s(base64: string): Uint32Array {
  return new Uint32Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer);
}

/**
 * The posts' grouping inputs packed in flat arrays, a post a number (the order it was added in): at 200k
 * posts, one object and three typed arrays a post (StoryItem) held ~0.7 GB; these hold ~0.5 KB a post.
 */
export class StoryTable {
  count = 0;
  readonly ids: string[] = [];
  readonly titles: string[] = [];
  /** Epoch ms. */
  times: Float64Array;
  /** Index in `outletNames`, -1 for none. */
  outlets: Int32Array;
  readonly outletNames: string[] = [];
  /** SIGNATURE_SIZE words a post; `hasSignature` 0 for a text too short to tell. */
  signatures: Uint32Array;
  hasSignature: Uint8Array;
  shingles: Uint32Array;
  /** A post's terms (StoryTerms) are `termHashes`/`termCounts` from `termStarts[post]` to `termStarts[post + 1]`. */
  termStarts: Uint32Array;
  termHashes: Uint32Array;
  termCounts: Uint8Array;
  private readonly outletIndex = new Map<string, number>();

  constructor(capacity = 1024) {
    capacity = Math.max(1, capacity);
    this.times = new Float64Array(capacity);
    this.outlets = new Int32Array(capacity);
    this.signatures = new Uint32Array(capacity * SIGNATURE_SIZE);
    this.hasSignature = new Uint8Array(capacity);
    this.shingles = new Uint32Array(capacity);
    this.termStarts = new Uint32Array(capacity + 1);
    this.termHashes = new Uint32Array(capacity * 32);
    this.termCounts = new Uint8Array(capacity * 32);
  }

  /** Adds a post; returns its number. */
  add(id: string, title: string, time: number, outlet: string | undefined, print: Pick<StoryPrint, 'signature' | 'shingles' | 'terms'>): number {
    const at = this.count++;
    if (at === this.times.length) this.grow(at);
    this.ids.push(id);
    this.titles.push(title);
    this.times[at] = time;
    this.outlets[at] = outlet === undefined ? -1 : this.outletNumber(outlet);
    if (print.signature) {
      this.signatures.set(print.signature, at * SIGNATURE_SIZE);
      this.hasSignature[at] = 1;
    }
    this.shingles[at] = print.shingles;
    const start = this.termStarts[at]!;
    const end = start + print.terms.hashes.length;
    this.termHashes = growArray(this.termHashes, end);
    this.termCounts = growArray(this.termCounts, end);
    this.termHashes.set(print.terms.hashes, start);
    this.termCounts.set(print.terms.counts, start);
    this.termStarts[at + 1] = end;
    return at;
  }

  signatureOf(at: number): Uint32Array | undefined {
    return this.hasSignature[at] ? this.signatures.subarray(at * SIGNATURE_SIZE, (at + 1) * SIGNATURE_SIZE) : undefined;
  }

  private outletNumber(outlet: string): number {
    let number = this.outletIndex.get(outlet);
    if (number === undefined) this.outletIndex.set(outlet, (number = this.outletNames.push(outlet) - 1));
    return number;
  }

  /** Room for post `at`. */
  private grow(at: number): void {
    this.times = growArray(this.times, at + 1);
    this.outlets = growArray(this.outlets, at + 1);
    this.signatures = growArray(this.signatures, (at + 1) * SIGNATURE_SIZE);
    this.hasSignature = growArray(this.hasSignature, at + 1);
    this.shingles = growArray(this.shingles, at + 1);
    this.termStarts = growArray(this.termStarts, at + 2);
  }
}

/** StoryItems packed in a table, in their order. */
export function storyTableOf(items: readonly StoryItem[]): StoryTable {
  const table = new StoryTable(items.length);
  const none: StoryTerms = { hashes: new Uint32Array(0), counts: new Uint8Array(0) };
  for (const item of items)
    table.add(item.id, item.title, item.time, item.outlet, { signature: item.signature, shingles: item.shingles ?? 0, terms: item.terms ?? none });
  return table;
}
