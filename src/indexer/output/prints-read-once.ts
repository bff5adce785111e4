/**
 * The store's story prints of the rows whose buckets a pass reads, parsed once and kept until each row's
 * turn takes its print (write-story-extras.ts).
 */
import { parseStoryPrint, type StoryPrint } from '../plan/same-story.ts';

// Prints read between two drops of the store's map: each read maps the file around it; drops bound that (docs/build-speed.md).
const PRINTS_BETWEEN_DROPS = 2048;

/**
 * The store's print of each row whose bucket was read, parsed when first read and kept until the row's
 * turn: both the bucket's check and the row's turn need it, and the store is read once for the two.
 * A parsed print holds no more than the table it goes into; the rows take them in order. Only rows whose
 * turn takes one are kept (not those the saved table holds): none is left when the rows are done.
 * A row the store has no print of is kept as null: its turn does not ask again.
 */
export class PrintsReadOnce {
  // By row: undefined, not asked (or taken); null, asked and the store has none; else the parsed print.
  private readonly parsed: (StoryPrint | null | undefined)[];

  constructor(
    count: number,
    private readonly read: (row: number | undefined) => Promise<string | undefined>,
  ) {
    this.parsed = Array.from({ length: count }, () => undefined);
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
   * With `keep`, a row already kept (or kept as none) answers from there: the store is not read again.
   */
  async has(row: number, keep: boolean): Promise<boolean> {
    const kept = this.parsed[row];
    if (keep && kept !== undefined) return kept !== null;
    const line = await this.read(row);
    const print = line === undefined ? undefined : parseStoryPrint(line);
    if (keep) this.parsed[row] = print ?? null;
    return print !== undefined;
  }

  /** The row's print parsed from the store's line, if a bucket's read found one (null: found none); let go here. */
  take(row: number): StoryPrint | null | undefined {
    const print = this.parsed[row];
    this.parsed[row] = undefined;
    return print;
  }
}
