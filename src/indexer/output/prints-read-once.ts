/**
 * The story prints a pass reads from the post store while reading the buckets, each parsed once and put
 * into the pass's PrintColumns for its row's turn.
 */
import type { PrintColumns } from '../plan/print-columns.ts';
import { parseStoryPrint } from '../plan/same-story.ts';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';

// Prints read between two drops of the store's map: each read maps the file around it; drops bound that (docs/build-speed.md).
const PRINTS_BETWEEN_DROPS = 2048;

/** Whether a bucket's read asked the store for a row's print: not asked, asked and none there, or kept. */
const NOT_ASKED = 0;
const NONE = 1;
const KEPT = 2;

/**
 * The store's print of each row whose bucket was read, parsed when first read and put into `into` (the
 * pass's columns, where the row loop puts every other print too) for the row's turn: both the bucket's
 * check and the row's turn need it, and the store is read once for the two. Only rows whose turn takes
 * one are kept (not those the saved table holds). A row the store has no print of is marked: its turn
 * does not ask again.
 */
export class PrintsReadOnce {
  private readonly asked: Uint8Array;

  constructor(
    count: number,
    private readonly read: (row: number | undefined) => Promise<string | undefined>,
    private readonly into: PrintColumns,
  ) {
    this.asked = new Uint8Array(count);
  }

  /**
   * Reads and keeps the rows' prints in their store keys' order, the order of the store's B-tree: each leaf
   * page is read in one run, so the map let go every `between` prints seldom maps a page again.
   */
  async keepInKeyOrder(rows: readonly number[], keyOf: (row: number) => string, dropMap: () => Promise<void>, between = PRINTS_BETWEEN_DROPS) {
    // Keys are hex digests: code-unit order is the store's byte order.
    const ordered = rows.map((row) => ({ row, key: keyOf(row) })).sort((a, b) => compareCodeUnits(a.key, b.key));
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
      if (print) this.into.put(row, print);
    }
    return print !== undefined;
  }

  /** Whether a bucket's read kept the row's print (in `into`), found none, or did not ask (undefined). */
  keptOf(row: number): boolean | undefined {
    return this.asked[row] === NOT_ASKED ? undefined : this.asked[row] === KEPT;
  }

  /**
   * Lets every print in `into` go (those kept here and those put by the row loop), and forgets which rows
   * were asked: a row is not answered from prints let go.
   */
  clear(): void {
    this.into.clear();
    this.asked.fill(NOT_ASKED);
  }
}
