/**
 * A post's text as a small print of its clauses, to tell how much of one copy of an article another
 * holds (see mergeDuplicates in plan/build-index.ts) without keeping either text in memory.
 *
 * The print is a sample of the text's clauses: the PRINT_CLAUSES with the smallest hashes, each as its
 * 24-bit hash and its length (capped at 255). Two prints sample alike, so comparing them below the smaller
 * of their largest hashes compares the same clauses of both texts (a bottom-k sketch); a text of up to
 * PRINT_CLAUSES clauses is compared whole, a longer one on a sample of PRINT_CLAUSES.
 */
import { growArray } from '../../shared/grow-array.ts';

/** Clauses kept in a print: at most 256 base64 characters a post, against ~0.5 KB for the rest of its summary. */
export const PRINT_CLAUSES = 48;

/**
 * Clause ends in Chinese and Latin text; every line (paragraph) ends one too. Clauses, not sentences: an
 * early wire copy often stops a sentence short (`…延長至明年2月。` where the later copy goes on `，每逢…`),
 * and is still wholly in the later copy. White space after a full stop (`. `) ends one too.
 */
const CLAUSE_ENDS = '。！？!?；;，,、：:';
/** Left out of a clause: a clause ends in `。` in one copy and goes on after `，` in the next. */
const LEFT_OUT = /^[\s\u00a0\u200b\p{P}]$/u;
const SPACE = /^\s$/u;

const KEPT = 1;
const LEFT_OUT_CHAR = 2;
const LEFT_OUT_SPACE = 3;
const CLAUSE_END = 4;
/** Each BMP code point's class, found once by the expressions above (0: not yet); astral ones each time. */
const classes = new Uint8Array(0x10000);

function classify(point: number): number {
  const char = String.fromCodePoint(point);
  if (CLAUSE_ENDS.includes(char)) return CLAUSE_END;
  if (!LEFT_OUT.test(char)) return KEPT;
  return SPACE.test(char) ? LEFT_OUT_SPACE : LEFT_OUT_CHAR;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The text's clauses (see textPrint), reused from text to text: nothing here awaits. */
let clauses = new Uint32Array(1024);
/** Clauses kept for the next text at most: a huge text's scratch goes after it. */
const KEPT_CLAUSES = 1 << 16;

/**
 * The print of a text, as base64 (empty for a text without clauses). One pass over the code points,
 * each clause hashed (fnv1a of its kept characters) as it is read: no string per clause. A clause is
 * kept as one number, the top 24 bits of its hash above its length (capped at 255), so that one
 * numeric sort orders them by hash and brings a repeated clause's entries together.
 */
export function textPrint(text: string): string {
  let count = 0;
  let hash = FNV_OFFSET;
  let length = 0;
  let afterFullStop = false;
  let afterLoneHigh = false;
  for (let i = 0; i <= text.length;) {
    const point = i < text.length ? text.codePointAt(i)! : 0x0a;
    const kind = point < 0x10000 ? (classes[point] ||= classify(point)) : classify(point);
    if (kind === KEPT) {
      hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
      if (point > 0xffff) hash = Math.imul(hash ^ text.charCodeAt(i + 1), FNV_PRIME) >>> 0;
      // A lone low surrogate after a lone high one makes one character with it once what was between is left out.
      if (!(afterLoneHigh && point >= 0xdc00 && point <= 0xdfff)) length++;
      afterLoneHigh = point >= 0xd800 && point <= 0xdbff;
    } else if ((kind === CLAUSE_END || point === 0x0a || (kind === LEFT_OUT_SPACE && afterFullStop)) && length > 0) {
      // The text's end is read as a line break: it ends the last clause.
      if (count === clauses.length) clauses = growArray(clauses, count + 1);
      clauses[count++] = ((hash >>> 8) * 256 + Math.min(255, length)) >>> 0;
      hash = FNV_OFFSET;
      length = 0;
      afterLoneHigh = false;
    }
    afterFullStop = point === 0x2e;
    i += point > 0xffff ? 2 : 1;
  }
  const print = encodePrint(clauses.subarray(0, count).sort());
  if (clauses.length > KEPT_CLAUSES) clauses = new Uint32Array(1024);
  return print;
}

/**
 * The first PRINT_CLAUSES distinct hashes of sorted clauses, each with its clauses' lengths summed
 * (capped at 255: capping each length first gives the same sum's cap), as base64.
 */
function encodePrint(sorted: Uint32Array): string {
  const bytes = new Uint8Array(Math.min(sorted.length, PRINT_CLAUSES) * 4);
  let kept = 0;
  for (let k = 0; k < sorted.length;) {
    const key = sorted[k]! >>> 8;
    let clauseLength = 0;
    for (; k < sorted.length && sorted[k]! >>> 8 === key; k++) clauseLength = Math.min(255, clauseLength + (sorted[k]! & 0xff));
    bytes[kept * 4] = key >>> 16;
    bytes[kept * 4 + 1] = (key >>> 8) & 0xff;
    bytes[kept * 4 + 2] = key & 0xff;
    bytes[kept * 4 + 3] = clauseLength;
    if (++kept === PRINT_CLAUSES) break;
  }
  return Buffer.from(bytes.buffer, 0, kept * 4).toString('base64');
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
