/**
 * A pass's story prints packed in flat columns, found by row: what the story table is filled from
 * (story-table-cache.ts, fillPrints and leadsOf) once every row's print is in.
 */
import { growArray } from '../../shared/grow-array.ts';
import { SIGNATURE_SIZE, type StoryPrint } from './same-story.ts';

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
  private leadBytes = new Uint8Array(0);

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
    if (leadEnd > this.leadBytes.length) this.leadBytes = growArray(this.leadBytes, leadEnd, leadStart);
    this.leadView(leadStart, leadEnd).write(lead, 0, 'utf16le');
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
    return this.leadView(this.leadStart(slot), this.leadEnds[slot]!);
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
    this.leadBytes = new Uint8Array(0);
  }

  /** The lead bytes from `start` to `end` as a Buffer over the column (not a copy). */
  private leadView(start: number, end: number): Buffer {
    return Buffer.from(this.leadBytes.buffer, this.leadBytes.byteOffset + start, end - start);
  }

  private termStart(slot: number): number {
    return slot === 0 ? 0 : this.termEnds[slot - 1]!;
  }

  private leadStart(slot: number): number {
    return slot === 0 ? 0 : this.leadEnds[slot - 1]!;
  }

  /** Room for `slots` prints' fixed parts, never more than a print a row (~15 MiB of signatures spared at 200k rows). */
  private grow(slots: number): void {
    const rows = this.slotOf.length;
    this.signatures = growArray(this.signatures, slots * SIGNATURE_SIZE, undefined, rows * SIGNATURE_SIZE);
    this.hasSignature = growArray(this.hasSignature, slots, undefined, rows);
    this.shingles = growArray(this.shingles, slots, undefined, rows);
    this.termEnds = growArray(this.termEnds, slots, undefined, rows);
    this.leadEnds = growArray(this.leadEnds, slots, undefined, rows);
  }
}
