/**
 * The story prints a pass reads from the post store, parsed once and packed in the order read, found by
 * row (PrintColumns), until the story table is filled from them (story-table-cache.ts, fillPrints and
 * leadsOf).
 */
import { growArray } from '../../shared/grow-array.ts';
import { parseStoryPrint, SIGNATURE_SIZE, type StoryPrint } from '../plan/same-story.ts';

// Prints read between two drops of the store's map: each read maps the file around it; drops bound that (docs/build-speed.md).
const PRINTS_BETWEEN_DROPS = 2048;

/** What the table takes of a print. */
export type PrintParts = Pick<StoryPrint, 'signature' | 'shingles' | 'terms' | 'lead'>;

/**
 * Story prints in flat columns, a row's print put once and in any row order: a cold pass holds every
 * post's print until the table is filled, and flat columns hold them in less memory than an object a
 * print (docs/build-speed.md, "A cold pass's prints packed in columns").
 */
export class PrintColumns {
  /** By row: where its print is in the columns (the order prints were put in), -1 for none. */
  private readonly slotOf: Int32Array;
  private slots = 0;
  private signatures = new Uint32Array(0);
  private hasSignature = new Uint8Array(0);
  private shingles = new Uint32Array(0);
  /** A slot's terms run to `termEnds[slot]` from the slot before's end; its lead's bytes likewise. */
  private termEnds = new Uint32Array(0);
  private termHashes = new Uint32Array(0);
  private termCounts = new Uint8Array(0);
  private leadEnds = new Uint32Array(0);
  /** Leads as UTF-16LE bytes, as the saved table keeps them (a lead cut inside a surrogate pair keeps its half). */
  private leadBytes = Buffer.alloc(0);

  constructor(rows: number) {
    this.slotOf = new Int32Array(rows).fill(-1);
  }

  /** Prints held. */
  get size(): number {
    return this.slots;
  }

  holds(row: number): boolean {
    return this.slotOf[row]! >= 0;
  }

  /** Where the row's print is: a row without one throws (slot -1 would read as the columns whole). */
  private slotOfRow(row: number): number {
    const slot = this.slotOf[row];
    if (slot === undefined || slot < 0) throw new Error(`PrintColumns: row ${row} holds no print`);
    return slot;
  }

  put(row: number, { signature, shingles, terms, lead }: PrintParts): void {
    if (this.holds(row)) throw new Error(`PrintColumns: row ${row} holds a print already`);
    const slot = this.slots++;
    this.slotOf[row] = slot;
    if (slot === this.shingles.length) this.grow(slot + 1);
    if (signature) {
      this.signatures.set(signature, slot * SIGNATURE_SIZE);
      this.hasSignature[slot] = 1;
    }
    this.shingles[slot] = shingles;
    const termStart = this.termStart(slot);
    const termEnd = termStart + terms.hashes.length;
    if (termEnd > this.termHashes.length) {
      this.termHashes = growArray(this.termHashes, termEnd, termStart);
      this.termCounts = growArray(this.termCounts, termEnd, termStart);
    }
    this.termHashes.set(terms.hashes, termStart);
    this.termCounts.set(terms.counts, termStart);
    this.termEnds[slot] = termEnd;
    const leadStart = this.leadStart(slot);
    const leadEnd = leadStart + 2 * lead.length;
    if (leadEnd > this.leadBytes.length) {
      const larger = Buffer.alloc(Math.max(leadEnd, 2 * this.leadBytes.length));
      this.leadBytes.copy(larger, 0, 0, leadStart);
      this.leadBytes = larger;
    }
    this.leadBytes.write(lead, leadStart, 'utf16le');
    this.leadEnds[slot] = leadEnd;
  }

  signatureOf(row: number): Uint32Array | undefined {
    const slot = this.slotOfRow(row);
    return this.hasSignature[slot] ? this.signatures.subarray(slot * SIGNATURE_SIZE, (slot + 1) * SIGNATURE_SIZE) : undefined;
  }

  shinglesOf(row: number): number {
    return this.shingles[this.slotOfRow(row)]!;
  }

  termHashesOf(row: number): Uint32Array {
    const slot = this.slotOfRow(row);
    return this.termHashes.subarray(this.termStart(slot), this.termEnds[slot]);
  }

  termCountsOf(row: number): Uint8Array {
    const slot = this.slotOfRow(row);
    return this.termCounts.subarray(this.termStart(slot), this.termEnds[slot]);
  }

  /** The row's lead as UTF-16LE bytes (a view: copy it to keep it past the next put). */
  leadBytesOf(row: number): Buffer {
    const slot = this.slotOfRow(row);
    return this.leadBytes.subarray(this.leadStart(slot), this.leadEnds[slot]);
  }

  /** The row's print, its arrays views of the columns. */
  printOf(row: number): PrintParts {
    return {
      signature: this.signatureOf(row),
      shingles: this.shinglesOf(row),
      terms: { hashes: this.termHashesOf(row), counts: this.termCountsOf(row) },
      lead: this.leadBytesOf(row).toString('utf16le'),
    };
  }

  /** Lets every print go (no row holds one after). */
  clear(): void {
    this.slotOf.fill(-1);
    this.slots = 0;
    this.signatures = new Uint32Array(0);
    this.hasSignature = new Uint8Array(0);
    this.shingles = new Uint32Array(0);
    this.termEnds = new Uint32Array(0);
    this.termHashes = new Uint32Array(0);
    this.termCounts = new Uint8Array(0);
    this.leadEnds = new Uint32Array(0);
    this.leadBytes = Buffer.alloc(0);
  }

  private termStart(slot: number): number {
    return slot === 0 ? 0 : this.termEnds[slot - 1]!;
  }

  private leadStart(slot: number): number {
    return slot === 0 ? 0 : this.leadEnds[slot - 1]!;
  }

  /** Room for `slots` prints' fixed parts. */
  private grow(slots: number): void {
    this.signatures = growArray(this.signatures, slots * SIGNATURE_SIZE);
    this.hasSignature = growArray(this.hasSignature, slots);
    this.shingles = growArray(this.shingles, slots);
    this.termEnds = growArray(this.termEnds, slots);
    this.leadEnds = growArray(this.leadEnds, slots);
  }
}

/** Whether a bucket's read asked the store for a row's print: not asked, asked and none there, or kept. */
const NOT_ASKED = 0;
const NONE = 1;
const KEPT = 2;

/**
 * The store's print of each row whose bucket was read, parsed when first read and kept (in `kept`) for
 * the row's turn: both the bucket's check and the row's turn need it, and the store is read once for the
 * two. Only rows whose turn takes one are kept (not those the saved table holds). A row the store has no
 * print of is marked: its turn does not ask again.
 */
export class PrintsReadOnce {
  readonly kept: PrintColumns;
  private readonly asked: Uint8Array;

  constructor(
    count: number,
    private readonly read: (row: number | undefined) => Promise<string | undefined>,
  ) {
    this.kept = new PrintColumns(count);
    this.asked = new Uint8Array(count);
  }

  /**
   * Reads and keeps the rows' prints in their store keys' order, the order of the store's B-tree: each leaf
   * page is read in one run, so the map let go every `between` prints seldom maps a page again.
   */
  async keepInKeyOrder(rows: readonly number[], keyOf: (row: number) => string, dropMap: () => Promise<void>, between = PRINTS_BETWEEN_DROPS) {
    // Keys are hex digests: code-unit order is the store's byte order.
    const ordered = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (let at = 0; at < ordered.length; at++) {
      if (at > 0 && at % between === 0) await dropMap();
      await this.has(ordered[at]!.row, true);
    }
  }

  /**
   * Whether the store keeps a print of the row that parses (of this version, not damaged); kept when `keep`.
   * With `keep`, a row already asked answers from there: the store is not read again.
   */
  async has(row: number, keep: boolean): Promise<boolean> {
    if (keep && this.asked[row] !== NOT_ASKED) return this.asked[row] === KEPT;
    const line = await this.read(row);
    const print = line === undefined ? undefined : parseStoryPrint(line);
    if (keep) {
      this.asked[row] = print ? KEPT : NONE;
      if (print) this.kept.put(row, print);
    }
    return print !== undefined;
  }

  /** Whether a bucket's read kept the row's print (in `kept`), found none, or did not ask (undefined). */
  keptOf(row: number): boolean | undefined {
    return this.asked[row] === NOT_ASKED ? undefined : this.asked[row] === KEPT;
  }

  /** Lets every print kept go, and forgets which rows were asked: a row is not answered from prints let go. */
  clear(): void {
    this.kept.clear();
    this.asked.fill(NOT_ASKED);
  }
}
