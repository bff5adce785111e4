/**
 * Where a run of five or more CJK characters occurs: the tokens that make its match exact.
 *
 * A post holds a query's run of up to RUN_GRAM characters exactly where it holds the run's gram
 * (search-text.ts). A longer run is made of overlapping windows: the post holds the run when it holds
 * each window c[a..b] of it, and a window of five or more characters is held when the post holds its two
 * overlapping shorter windows c[a..b-1] and c[a+1..b] *at the same place*. They overlap in the inner
 * string u = c[a+1..b-1]. If every occurrence of u in the post has the same character before it (or
 * every one the same after it), the two shorter windows meet around one occurrence of u, and the window
 * is there. Otherwise u is *ambiguous* in the post (two different characters before it somewhere, two
 * different after it somewhere), and the build writes:
 *   - a marker token u + c + CONTEXT_MARK for each character c found after u: "u is ambiguous here";
 *   - the gram c[a-1] + u + c[b+1] around each occurrence of u inside a run: where u's context is.
 * A post then holds the window when it holds its two shorter windows and, if it has the marker of
 * u + c[b] (its right shorter window), the window's own gram. A post holding that shorter window has u
 * followed by c[b] somewhere, so it has this marker exactly when u is ambiguous in it. By induction over
 * the window's length, from the RUN_GRAM-grams up, a post holds a query's run exactly when it passes
 * every window's test: no positions are stored, and the extra tokens are few (ambiguous strings are
 * repeated ones; most posts repeat few strings in different contexts). A marker sorts right after its
 * window's right part and a gram right after its first RUN_GRAM characters, so both mostly lie in the
 * shards a query fetches for its grams anyway (a marker of u alone sorted before every gram beginning
 * with u, often in the shard before: see docs/search-exact.md).
 *
 * Inner strings are considered up to MAX_CONTEXT characters: a query's windows of up to
 * MAX_CONTEXT + 2 characters are exact, and a longer run is found where all of those are.
 */
import { isCjk, RUN_GRAM } from './search-text.ts';
import { growArray } from './grow-array.ts';

/** Ends a marker token: no other token holds it, and it sorts before every character of a token. */
export const CONTEXT_MARK = '\u0001';

/**
 * The longest inner string whose contexts are recorded, in characters. A query's run of up to
 * MAX_CONTEXT + 2 characters is matched exactly (a longer one by its windows of that many); the bound
 * keeps a post of long repeated passages from costing the build one step per character of the repeat.
 */
export const MAX_CONTEXT = 30;

/**
 * The marker of an inner string u followed by a character c (`innerAndNext` = u + c): "u has several
 * contexts in this post", written for each c that follows u in it.
 */
export function contextMarker(innerAndNext: string): string {
  return innerAndNext + CONTEXT_MARK;
}

/** Whether a token is a marker or a context gram (not a token a run's own grams or pairs are). */
export function isContextToken(token: string): boolean {
  if (token.endsWith(CONTEXT_MARK)) return true;
  let characters = 0;
  for (const char of token) {
    if (!isCjk(char.codePointAt(0)!)) return false;
    characters++;
  }
  return characters > RUN_GRAM;
}

/** One window test of a query's run: the post must lack `marker` (its right part's) or hold `gram`. */
export interface WindowTest {
  marker: string;
  gram: string;
}

/** The window tests of a run (folded, all CJK): one per window of 5 to MAX_CONTEXT + 2 characters. */
export function windowTests(run: string): WindowTest[] {
  const chars = [...run];
  const tests: WindowTest[] = [];
  for (let length = RUN_GRAM + 1; length <= Math.min(chars.length, MAX_CONTEXT + 2); length++) {
    for (let start = 0; start + length <= chars.length; start++) {
      tests.push({ marker: contextMarker(chars.slice(start + 1, start + length).join('')), gram: chars.slice(start, start + length).join('') });
    }
  }
  return tests;
}

/** A boundary in runPoints: the start or end of a run, or anything that is not a CJK character. */
export const NONE = -1;

/**
 * The CJK code points of a post's folded texts (title, then text), every other character and the
 * boundary between the texts as NONE: the sequence contextTokens reads.
 */
export function runPoints(foldedTexts: readonly string[]): Int32Array {
  let length = 0;
  for (const text of foldedTexts) length += text.length + 1;
  const points = new Int32Array(length);
  let n = 0;
  for (const text of foldedTexts) {
    for (let i = 0; i < text.length;) {
      const point = text.codePointAt(i)!;
      points[n++] = isCjk(point) ? point : NONE;
      i += point > 0xffff ? 2 : 1;
    }
    points[n++] = NONE;
  }
  return points.subarray(0, n);
}

/**
 * contextTokens's hash table, position chains and slot order (the order their strings first occur),
 * reused from post to post: one count at a time, as nothing here awaits. A slot of the table is two
 * numbers side by side, its chain's head (-1: empty) and its key: a probe reads one cache line, not two.
 */
let slots = new Int32Array(2 * 1024);
let nextPositions = new Int32Array(1024);
let slotOrder = new Int32Array(1024);

/**
 * Where a context token lies in a post's runPoints: the code points from `start` to `end`, then, for a
 * marker, the code point `next` and CONTEXT_MARK (`next` is NONE for a context gram).
 */
export type ContextTokenEmit = (start: number, end: number, next: number) => void;

/** Calls `emit` for a post's markers and context grams (see the module comment), given its runPoints. */
export function contextTokens(points: Int32Array, emit: (token: string) => void): void {
  contextTokenRanges(points, (start, end, next) => {
    const token = stringOf(points, start, end);
    emit(next === NONE ? token : contextMarker(token + String.fromCodePoint(next)));
  });
}

/**
 * contextTokens as ranges of `points`, in the same order: for a counter that looks its tokens up by
 * their code points, without a string each. Repeated strings are found by refining groups of
 * positions: first by their first three characters, then one character further each step while two
 * positions or more still agree, up to MAX_CONTEXT.
 */
export function contextTokenRanges(points: Int32Array, emit: ContextTokenEmit): void {
  const length = points.length;
  // Positions whose next three code points are CJK, chained by a hash of the three (collisions are
  // split apart exactly below), in a table of typed arrays rather than a Map, the costlier part of counting.
  let bits = 4;
  while (1 << bits < length * 2) bits++;
  const size = 1 << bits;
  if (slots.length < size * 2) slots = new Int32Array(size * 2);
  slots.fill(-1, 0, size * 2);
  nextPositions = growArray(nextPositions, length, 0);
  const next = nextPositions;
  next.fill(-1, 0, length);
  slotOrder = growArray(slotOrder, length, 0);
  const slotsInOrder = slotOrder;
  let slotCount = 0;
  for (let i = 0; i + 2 < length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const c = points[i + 2]!;
    if (a === NONE || b === NONE || c === NONE) continue;
    const key = Math.imul(Math.imul(a, 0x9e3779b1) ^ b, 0x85ebca6b) ^ c;
    let slot = Math.imul(key, 0x9e3779b1) >>> (32 - bits);
    while (slots[slot * 2] !== -1 && slots[slot * 2 + 1] !== key) slot = (slot + 1) & (size - 1);
    if (slots[slot * 2] === -1) {
      slots[slot * 2 + 1] = key;
      slotsInOrder[slotCount++] = slot;
    } else next[i] = slots[slot * 2]!;
    slots[slot * 2] = i;
  }
  for (let k = 0; k < slotCount; k++) {
    const head = slots[slotsInOrder[k]! * 2]!;
    if (next[head] === -1) continue; // a string that occurs once has one context
    const chain: number[] = [];
    for (let at = head; at !== -1; at = next[at]!) chain.push(at);
    // Nearly always one string, not a collision of the hash: no groups to split it into.
    if (isOneString(points, chain)) {
      refine(points, chain, 3, emit);
      continue;
    }
    for (const group of splitBy(chain, (at) => points[at]! * 0x40000 + points[at + 1]!)) {
      for (const same of splitBy(group, (at) => points[at + 2]!)) refine(points, same, 3, emit);
    }
  }
}

/** Whether the positions all begin the same three code points. */
function isOneString(points: Int32Array, positions: readonly number[]): boolean {
  const first = positions[0]!;
  for (let k = 1; k < positions.length; k++) {
    const at = positions[k]!;
    if (points[at] !== points[first] || points[at + 1] !== points[first + 1] || points[at + 2] !== points[first + 2]) return false;
  }
  return true;
}

/** Groups of positions that agree on `key`, only those of two positions or more. */
function splitBy(positions: readonly number[], key: (at: number) => number): number[][] {
  if (positions.length === 2) return key(positions[0]!) === key(positions[1]!) ? [positions as number[]] : [];
  const groups = new Map<number, number[]>();
  for (const at of positions) {
    const k = key(at);
    const group = groups.get(k);
    if (group) group.push(at);
    else groups.set(k, [at]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

/*
 * refine runs once per repeated string of a post, and deeper for each longer one: its helpers are plain
 * functions of (points, position, size), not closures made per call.
 */

/** The code point before position `at` (NONE at the start). */
function pointBefore(points: Int32Array, at: number): number {
  return at > 0 ? points[at - 1]! : NONE;
}

/** The code point after the string of `size` at `at` (NONE at the end). */
function pointAfter(points: Int32Array, at: number, size: number): number {
  return at + size < points.length ? points[at + size]! : NONE;
}

/** Whether two of the positions have different code points before them, and two different ones after. */
function isAmbiguous(points: Int32Array, positions: readonly number[], size: number): boolean {
  const first = positions[0]!;
  let before = false;
  let after = false;
  for (let k = 1; k < positions.length && !(before && after); k++) {
    before ||= pointBefore(points, positions[k]!) !== pointBefore(points, first);
    after ||= pointAfter(points, positions[k]!, size) !== pointAfter(points, first, size);
  }
  return before && after;
}

/** The groups of two positions or more that the same code point follows (not NONE), in order of first occurrence. */
function groupsByNext(points: Int32Array, positions: readonly number[], size: number): number[][] {
  if (positions.length === 2) {
    const next = pointAfter(points, positions[0]!, size);
    return next !== NONE && next === pointAfter(points, positions[1]!, size) ? [positions as number[]] : [];
  }
  const first = pointAfter(points, positions[0]!, size);
  let same = 1;
  while (same < positions.length && pointAfter(points, positions[same]!, size) === first) same++;
  // All followed by one code point: the one group, as the Map below would make it.
  if (same === positions.length) return first === NONE ? [] : [positions as number[]];
  const groups = new Map<number, number[]>();
  for (const at of positions) {
    const next = pointAfter(points, at, size);
    if (next === NONE) continue;
    const group = groups.get(next);
    if (group) group.push(at);
    else groups.set(next, [at]);
  }
  const kept: number[][] = [];
  for (const group of groups.values()) if (group.length > 1) kept.push(group);
  return kept;
}

/** The code points from `start` to `end` as a string (apply reads a typed array as it is; a spread iterates it). */
function stringOf(points: Int32Array, start: number, end: number): string {
  return String.fromCodePoint.apply(null, points.subarray(start, end) as unknown as number[]);
}

/** `positions` all begin the same string of `size` CJK characters, which occurs there and nowhere else. */
function refine(points: Int32Array, positions: readonly number[], size: number, emit: ContextTokenEmit): void {
  if (isAmbiguous(points, positions, size)) {
    const first = positions[0]!;
    const nexts = new Set(positions.map((at) => pointAfter(points, at, size)));
    for (const next of nexts) if (next !== NONE) emit(first, first + size, next);
    for (const at of positions) {
      if (pointBefore(points, at) !== NONE && pointAfter(points, at, size) !== NONE) emit(at - 1, at + size + 1, NONE);
    }
  }
  if (size >= MAX_CONTEXT) return;
  for (const longer of groupsByNext(points, positions, size)) refine(points, longer, size + 1, emit);
}

/** Tokens of a post's title and text (each folded), for tests and tools: as the build counts them. */
export function contextTokensOf(foldedTitle: string, foldedText: string): string[] {
  const tokens: string[] = [];
  contextTokens(runPoints([foldedTitle, foldedText]), (token) => tokens.push(token));
  return tokens;
}
