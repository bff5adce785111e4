/**
 * The ids of TokenIds's other tokens (five UTF-16 units or more, and the few shorter ones its numbers
 * cannot hold): an open-addressing table whose slots point into one buffer of the tokens' units. A
 * lookup hashes the units where they lie in the post's joined tokens: no string is made for it, nor
 * hashed again by a Map.
 */
import { growArray } from '../../shared/grow-array.ts';
import { FNV_OFFSET, FNV_PRIME } from '../../shared/types.ts';
import { isCrowded, SPREAD } from './open-addressing.ts';
import { keyHalves } from './packed-keys.ts';

/** A slot's numbers: the token's hash, where its units start in `units`, how many, and its id + 1 (0: an empty slot). */
const STRIDE = 4;

export class LongTokenIds {
  private slots: Uint32Array;
  private units = new Uint16Array(1 << 16);
  private unitsUsed = 0;
  /** 32 − log2 of the table's size. */
  private shift: number;
  private held = 0;

  /** `slotCount`: a power of two. */
  constructor(slotCount: number) {
    this.slots = new Uint32Array(slotCount * STRIDE);
    this.shift = 32 - Math.log2(slotCount);
  }

  get slotCount(): number {
    return this.slots.length / STRIDE;
  }

  /** How many tokens are held. */
  get size(): number {
    return this.held;
  }

  /** The id of the token `text.slice(start, end)`, if held. */
  get(text: string, start: number, end: number): number | undefined {
    const idPlusOne = this.slots[this.place(hashUnits(text, start, end), text, start, end) + 3]!;
    return idPlusOne === 0 ? undefined : idPlusOne - 1;
  }

  /** Holds a token not held yet under `id`. */
  add(token: string, id: number): void {
    this.idOf(token, 0, token.length, id);
  }

  /** The id of the token `text.slice(start, end)`, holding it under `id` when it is not held yet: one probe for both. */
  idOf(text: string, start: number, end: number, id: number): number {
    if (isCrowded(this.held + 1, this.slots.length / STRIDE)) this.grow();
    const hash = hashUnits(text, start, end);
    const slots = this.slots;
    const at = this.place(hash, text, start, end);
    if (slots[at + 3] !== 0) return slots[at + 3]! - 1;
    const length = end - start;
    const offset = this.unitsUsed;
    if (offset + length > this.units.length) this.units = growArray(this.units, offset + length);
    for (let k = 0; k < length; k++) this.units[offset + k] = text.charCodeAt(start + k);
    this.unitsUsed += length;
    slots[at] = hash;
    slots[at + 1] = offset;
    slots[at + 2] = length;
    slots[at + 3] = id + 1;
    this.held++;
    return id;
  }

  /** Every token held, with its id. */
  *entries(): IterableIterator<[token: string, id: number]> {
    const slots = this.slots;
    for (let at = 0; at < slots.length; at += STRIDE) {
      if (slots[at + 3] === 0) continue;
      const offset = slots[at + 1]!;
      yield [String.fromCharCode(...this.units.subarray(offset, offset + slots[at + 2]!)), slots[at + 3]! - 1];
    }
  }

  /**
   * The held tokens in code-unit order (the order of `<`), as their slots' places (see `offsetAt`, `lengthAt`,
   * `idAt`): compared where they lie in the units buffer, with no string made for each.
   */
  sortedSlots(): Uint32Array {
    const slots = this.slots;
    const order = new Uint32Array(this.held);
    let n = 0;
    for (let at = 0; at < slots.length; at += STRIDE) if (slots[at + 3] !== 0) order[n++] = at;
    sortByUnits({ slots, units: this.units }, order, { keys: new BigUint64Array(n), moved: new Uint32Array(n) }, 0, n, 0);
    return order;
  }

  /** The buffer of every token's units: the token of slot place `at` starts at `offsetAt(at)`, `lengthAt(at)` units long. */
  get heldUnits(): Uint16Array {
    return this.units;
  }

  offsetAt(at: number): number {
    return this.slots[at + 1]!;
  }

  lengthAt(at: number): number {
    return this.slots[at + 2]!;
  }

  idAt(at: number): number {
    return this.slots[at + 3]! - 1;
  }

  /** How many units the held tokens have in all. */
  get unitCount(): number {
    return this.unitsUsed;
  }

  private holds(offset: number, text: string, start: number, length: number): boolean {
    const units = this.units;
    for (let k = 0; k < length; k++) if (units[offset + k] !== text.charCodeAt(start + k)) return false;
    return true;
  }

  /** Where the token `text.slice(start, end)` (hashed to `hash`) lies, or the empty slot it would take: the one probe of a lookup. */
  private place(hash: number, text: string, start: number, end: number): number {
    const slots = this.slots;
    const mask = slots.length / STRIDE - 1;
    const length = end - start;
    for (let slot = Math.imul(hash, SPREAD) >>> this.shift; ; slot = (slot + 1) & mask) {
      const at = slot * STRIDE;
      if (slots[at + 3] === 0) return at;
      if (slots[at] === hash && slots[at + 2] === length && this.holds(slots[at + 1]!, text, start, length)) return at;
    }
  }

  private grow(): void {
    const old = this.slots;
    const slots = (this.slots = new Uint32Array(old.length * 2));
    this.shift--;
    const mask = slots.length / STRIDE - 1;
    // The tokens held are distinct: each takes the first empty slot from its own, no units compared.
    for (let from = 0; from < old.length; from += STRIDE) {
      if (old[from + 3] === 0) continue;
      let slot = Math.imul(old[from]!, SPREAD) >>> this.shift;
      while (slots[slot * STRIDE + 3] !== 0) slot = (slot + 1) & mask;
      slots.set(old.subarray(from, from + STRIDE), slot * STRIDE);
    }
  }
}

/** FNV-1a over a token's UTF-16 units, then its bits mixed down (the slot is taken from the top bits). */
function hashUnits(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let k = start; k < end; k++) hash = Math.imul(hash ^ text.charCodeAt(k), FNV_PRIME);
  return (hash ^ (hash >>> 15)) >>> 0;
}

/**
 * Ranges at most this long are sorted by comparing whole tokens, longer ones by two units at a time.
 * 8, 16 and 32 sort a 2,048-row builder's 359k real long tokens alike (0.13-0.20 CPU s, 6 rounds each at
 * load 16-23): the sort is flat in it, and 16 keeps few typed-array sorts of a handful of keys.
 */
const COMPARED_AT_MOST = 16;

/** The tokens sorted: `slots` as LongTokenIds's (see STRIDE), their units in `units`. */
interface HeldTokens {
  slots: Uint32Array;
  units: Uint16Array;
}

/** Space the sort reuses at every level, one place beside each place of the order sorted. */
interface SortScratch {
  /** Beside each place of the range sorted: its two units at the depth sorted (high half), its place in the range (low half). */
  keys: BigUint64Array;
  /** The range's slot places before the keys' sort, read while the range is rewritten in the keys' order. */
  moved: Uint32Array;
}

/**
 * Sorts `order` (slot places) from `from` to `to` (tokens whose first `depth` units are equal) in the
 * order of `<`: by their next two units as numbers (a typed array's own sort, no comparator call), then
 * each run of equal units the same way one level down. A comparator on every pair of ~360k tokens a
 * 2,048-row builder took ~0.45 CPU s, half its export.
 */
function sortByUnits(tokens: HeldTokens, order: Uint32Array, scratch: SortScratch, from: number, to: number, depth: number): void {
  if (to - from <= COMPARED_AT_MOST) return sortWhole(tokens, order, from, to, depth);
  const { slots, units } = tokens;
  const keys = scratch.keys.subarray(from, to);
  const halves = keyHalves(keys);
  for (let k = 0; k < to - from; k++) {
    const at = order[from + k]!;
    const offset = slots[at + 1]! + depth;
    const left = slots[at + 2]! - depth;
    // A token past its end reads as 0, as U+0000 does: equal keys whose second unit is 0 are compared whole below.
    halves[2 * k] = k;
    halves[2 * k + 1] = ((left > 0 ? units[offset]! << 16 : 0) | (left > 1 ? units[offset + 1]! : 0)) >>> 0;
  }
  keys.sort();
  const moved = scratch.moved;
  for (let k = from; k < to; k++) moved[k] = order[k]!;
  for (let k = 0; k < to - from; k++) order[from + k] = moved[from + halves[2 * k]!]!;
  for (let start = 0; start < to - from;) {
    const high = halves[2 * start + 1]!;
    let end = start + 1;
    while (end < to - from && halves[2 * end + 1] === high) end++;
    // A run whose tokens end here (or hold U+0000): compared whole.
    if (end - start > 1 && (high & 0xffff) === 0) sortWhole(tokens, order, from + start, from + end, depth);
    else if (end - start > 1) sortByUnits(tokens, order, scratch, from + start, from + end, depth + 2);
    start = end;
  }
}

/** Sorts `order` from `from` to `to` by comparing tokens whole, past their first `depth` units (known equal). */
function sortWhole({ slots, units }: HeldTokens, order: Uint32Array, from: number, to: number, depth: number): void {
  if (to - from > COMPARED_AT_MOST) {
    order.subarray(from, to).sort((a, b) => compareUnits(units, slots[a + 1]! + depth, slots[a + 2]! - depth, slots[b + 1]! + depth, slots[b + 2]! - depth));
    return;
  }
  // By insertion: most ranges hold a few tokens, and a comparator's sort makes an array a range and a
  // call a comparison (measured in docs/build-speed.md, stop 45).
  for (let k = from + 1; k < to; k++) {
    const place = order[k]!;
    const start = slots[place + 1]! + depth;
    const length = slots[place + 2]! - depth;
    let j = k - 1;
    for (; j >= from; j--) {
      const other = order[j]!;
      if (compareUnits(units, slots[other + 1]! + depth, slots[other + 2]! - depth, start, length) <= 0) break;
      order[j + 1] = other;
    }
    order[j + 1] = place;
  }
}

/** Two tokens of `units` (at `a` and `b`, `aLength` and `bLength` units), in the order of `<` on strings. */
function compareUnits(units: Uint16Array, a: number, aLength: number, b: number, bLength: number): number {
  const length = Math.min(aLength, bLength);
  for (let k = 0; k < length; k++) {
    const difference = units[a + k]! - units[b + k]!;
    if (difference !== 0) return difference;
  }
  return aLength - bLength;
}
