/**
 * A post's text as a small print of its clauses, to tell how much of one copy of an article another
 * holds (see mergeDuplicates in plan/build-index.ts) without keeping either text in memory.
 *
 * The print is a sample of the text's clauses: the PRINT_CLAUSES with the smallest hashes, each as its
 * 24-bit hash and its length (capped at 255). Two prints sample alike, so comparing them below the smaller
 * of their largest hashes compares the same clauses of both texts (a bottom-k sketch); a text of up to
 * PRINT_CLAUSES clauses is compared whole, a longer one on a sample of PRINT_CLAUSES.
 */
import { fnv1a } from '../../shared/types.ts';

/** Clauses kept in a print: at most 256 base64 characters a post, against ~0.5 KB for the rest of its summary. */
export const PRINT_CLAUSES = 48;

/**
 * Clause ends in Chinese and Latin text; every line (paragraph) ends one too. Clauses, not sentences: an
 * early wire copy often stops a sentence short (`…延長至明年2月。` where the later copy goes on `，每逢…`),
 * and is still wholly in the later copy.
 */
const SENTENCE_END = /(?<=[。！？!?；;，,、：:])|(?<=\.)\s+|\n/u;

/** The print of a text, as base64 (empty for a text without clauses). */
export function textPrint(text: string): string {
  const entries = new Map<number, number>();
  for (const raw of text.split(SENTENCE_END)) {
    // Without its punctuation: a clause ends in `。` in one copy and goes on after `，` in the next.
    const clause = raw.replace(/[\s\u00a0\u200b\p{P}]+/gu, '');
    if (clause === '') continue;
    const hash = fnv1a(clause) >>> 8;
    entries.set(hash, Math.min(255, (entries.get(hash) ?? 0) + [...clause].length));
  }
  const kept = [...entries].sort((a, b) => a[0] - b[0]).slice(0, PRINT_CLAUSES);
  const bytes = new Uint8Array(kept.length * 4);
  kept.forEach(([hash, length], n) => {
    bytes[n * 4] = hash >>> 16;
    bytes[n * 4 + 1] = (hash >>> 8) & 0xff;
    bytes[n * 4 + 2] = hash & 0xff;
    bytes[n * 4 + 3] = length;
  });
  return Buffer.from(bytes).toString('base64');
}

/** Clauses of a print: hash → length, in hash order. */
function readPrint(print: string): { hashes: number[]; lengths: number[] } {
  const bytes = Buffer.from(print, 'base64');
  const hashes: number[] = [];
  const lengths: number[] = [];
  for (let at = 0; at + 3 < bytes.length; at += 4) {
    hashes.push((bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!);
    lengths.push(bytes[at + 3]!);
  }
  return { hashes, lengths };
}

/**
 * How much of text `a` (by characters) is in text `b`, from 0 to 1, from their prints. An empty text is
 * wholly contained in any other.
 */
export function containment(a: string, b: string): number {
  const printA = readPrint(a);
  const printB = readPrint(b);
  if (printA.hashes.length === 0) return 1;
  // Compared below the largest hash both prints are sure to hold (see the module's comment).
  const full = (print: typeof printA) => print.hashes.length < PRINT_CLAUSES;
  const limit = Math.min(full(printA) ? Infinity : printA.hashes.at(-1)!, full(printB) ? Infinity : printB.hashes.at(-1)!);
  const inB = new Set(printB.hashes);
  let total = 0;
  let shared = 0;
  printA.hashes.forEach((hash, n) => {
    if (hash > limit) return;
    total += printA.lengths[n]!;
    if (inB.has(hash)) shared += printA.lengths[n]!;
  });
  return total === 0 ? 0 : shared / total;
}
