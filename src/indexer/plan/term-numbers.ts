/**
 * Numbers for further reading's terms (plan/related-reading.ts), met where they lie in a folded text: no
 * string is made for a term. Each distinct term's units are kept once in a pool and its number in an
 * open-addressing table of its fnv1a hash; a term met again is compared unit by unit with its pool copy,
 * so two terms are one number exactly when their strings are equal, as with a Map of strings.
 */
import { growArray } from '../../shared/grow-array.ts';
import { FNV_OFFSET, FNV_PRIME } from '../../shared/types.ts';
import { SPREAD } from '../search/open-addressing.ts';

/** Slots the table starts with (a power of two). */
const START_SLOTS = 1 << 16;
/** Slots per term, at least, before the table doubles: at ¾ full (isCrowded) numbering was ~20 % slower. @default 2 */
const SLOTS_PER_TERM = 2;

export class TermNumbers {
  /** Terms numbered so far. */
  size = 0;
  /**
   * Two numbers a slot: a term's number + 1 (0: empty) and its hash, side by side so that a probe reads one
   * place; a term's slot is picked by its hash's top bits (see SPREAD), or the next free one.
   */
  private slots = new Uint32Array(2 * START_SLOTS);
  /** 32 − log2 of the table's size. */
  private shift = 32 - Math.log2(START_SLOTS);
  /** A term's units are `pool` from `starts[number]` to `starts[number + 1]`. */
  private starts = new Uint32Array(1025);
  private pool = new Uint16Array(1 << 16);

  /** The number of `text[start, end)`, made when the term is new. */
  of(text: string, start: number, end: number): number {
    return this.find(hashTerm(text, start, end), text, start, end, -1, 0, 0);
  }

  /** The number of two words and the unit between them (`text[firstStart, firstEnd)`, `joiner`, `text[start, end)`). */
  ofPair(text: string, firstStart: number, firstEnd: number, joiner: number, start: number, end: number): number {
    return this.find(hashWordPair(text, firstStart, firstEnd, joiner, start, end), text, firstStart, firstEnd, joiner, start, end);
  }

  /** The term's number: `text[start, end)`, then (with `joiner` ≥ 0) the joiner and `text[secondStart, secondEnd)`. */
  private find(hash: number, text: string, start: number, end: number, joiner: number, secondStart: number, secondEnd: number): number {
    const length = end - start + (joiner >= 0 ? 1 + secondEnd - secondStart : 0);
    const { slots } = this;
    const mask = (slots.length >> 1) - 1;
    for (let slot = Math.imul(hash, SPREAD) >>> this.shift; ; slot = (slot + 1) & mask) {
      const held = slots[slot << 1]!;
      if (held === 0) return this.add(slot, hash, length, text, start, end, joiner, secondStart, secondEnd);
      const number = held - 1;
      if (
        slots[(slot << 1) + 1] === hash &&
        this.starts[number + 1]! - this.starts[number]! === length &&
        this.holds(number, text, start, end, joiner, secondStart, secondEnd)
      ) {
        return number;
      }
    }
  }

  private holds(number: number, text: string, start: number, end: number, joiner: number, secondStart: number, secondEnd: number): boolean {
    let at = this.starts[number]!;
    for (let i = start; i < end; i++) if (this.pool[at++] !== text.charCodeAt(i)) return false;
    if (joiner < 0) return true;
    if (this.pool[at++] !== joiner) return false;
    for (let i = secondStart; i < secondEnd; i++) if (this.pool[at++] !== text.charCodeAt(i)) return false;
    return true;
  }

  private add(
    slot: number,
    hash: number,
    length: number,
    text: string,
    start: number,
    end: number,
    joiner: number,
    secondStart: number,
    secondEnd: number,
  ): number {
    const number = this.size++;
    this.slots[slot << 1] = number + 1;
    this.slots[(slot << 1) + 1] = hash;
    if (number + 2 > this.starts.length) this.starts = growArray(this.starts, number + 2);
    let at = this.starts[number]!;
    if (at + length > this.pool.length) this.pool = growArray(this.pool, at + length);
    for (let i = start; i < end; i++) this.pool[at++] = text.charCodeAt(i);
    if (joiner >= 0) {
      this.pool[at++] = joiner;
      for (let i = secondStart; i < secondEnd; i++) this.pool[at++] = text.charCodeAt(i);
    }
    this.starts[number + 1] = at;
    // After placing it: a crowded table is grown before the next term looks for its slot.
    if (this.size * SLOTS_PER_TERM > this.slots.length >> 1) this.grow();
    return number;
  }

  /** Doubles the table and places every term again by its hash. */
  private grow(): void {
    const old = this.slots;
    const slots = new Uint32Array(old.length * 2);
    const mask = (slots.length >> 1) - 1;
    const shift = --this.shift;
    for (let at = 0; at < old.length; at += 2) {
      if (old[at] === 0) continue;
      let slot = Math.imul(old[at + 1]!, SPREAD) >>> shift;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = old[at]!;
      slots[(slot << 1) + 1] = old[at + 1]!;
    }
    this.slots = slots;
  }
}

/** fnv1a of `text[start, end)`, as `fnv1a` of that string gives it (unsigned). */
export function hashTerm(text: string, start: number, end: number): number {
  return hashUnits(text, start, end, FNV_OFFSET | 0) >>> 0;
}

/** fnv1a of two words and the unit between them (`text[firstStart, firstEnd)`, `joiner`, `text[start, end)`), as of their string. */
export function hashWordPair(text: string, firstStart: number, firstEnd: number, joiner: number, start: number, end: number): number {
  return hashUnits(text, start, end, Math.imul(hashUnits(text, firstStart, firstEnd, FNV_OFFSET | 0) ^ joiner, FNV_PRIME)) >>> 0;
}

/** fnv1a's steps over `text[start, end)` from `hash`, as a signed 32-bit number (see shingle-hashes.ts). */
function hashUnits(text: string, start: number, end: number, hash: number): number {
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}
