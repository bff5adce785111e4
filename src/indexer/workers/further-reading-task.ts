/**
 * Further reading's ranking (plan/related-reading.ts) as a task of the build's workers: it reads the
 * rows' titles, leads and links, not the same story's pairs, so a build ranks it on a free worker while
 * the main thread finds the pairs, and takes out each post's exclusions after (pickFurtherReading).
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { rankFurtherReading, ReadingTable, type RankedReading } from '../plan/related-reading.ts';
import { leadAt } from '../output/story-table-cache.ts';
import { INLINE_AT_MOST } from './inline-at-most.ts';
import type { WorkerPool } from './worker-pool.ts';

/** Every row's inputs, in row order. */
export interface ReadingRequest {
  ids: readonly string[];
  titles: readonly string[];
  /** Each row's lead, UTF-16: its bytes, and where each ends in them (as the story table keeps them). */
  leads: { bytes: Uint8Array; ends: Uint32Array };
  /** Each row's own related links. */
  links: Uint32Array;
}

/** Each row's further-reading candidates, ranked: on this thread. */
export function rankFurtherReadingHere(request: ReadingRequest): RankedReading {
  const { ids, titles, links } = request;
  // A Buffer crosses to a worker as a plain Uint8Array: leadAt decodes with Buffer's toString.
  const { bytes, ends } = request.leads;
  const leads = { ends, bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
  const table = new ReadingTable(ids.length);
  for (let row = 0; row < ids.length; row++) table.add(titles[row]!, leadAt(leads, row), links[row]!);
  table.forgetTermText();
  return rankFurtherReading(table, (at) => ids[at]!);
}

/** A worker's reply: the ranking, its two arrays moved back to the main thread rather than copied. */
export function movedRanking(ranked: RankedReading): ReturnType<typeof move> {
  return move({ [transferableSymbol]: [ranked.starts.buffer, ranked.others.buffer], [valueSymbol]: ranked });
}

/**
 * rankFurtherReadingHere on a thread of `pool`, given only when one is free for it (see
 * WriteIndexOptions.besideSearch); here without a pool or at INLINE_AT_MOST rows or fewer (sending
 * costs more than it saves).
 * A failed task rejects (WorkerTaskError): the build fails rather than write extras without it.
 */
export async function rankFurtherReadingOnPool(request: ReadingRequest, pool: WorkerPool | undefined): Promise<RankedReading> {
  if (!pool || request.ids.length <= INLINE_AT_MOST) return rankFurtherReadingHere(request);
  // The leads are often views into the whole saved story table, whose buffer a clone would copy whole:
  // only their own range is copied, into fresh buffers moved to the thread.
  const leads = { bytes: new Uint8Array(request.leads.bytes), ends: new Uint32Array(request.leads.ends) };
  return pool.run({ type: 'further-reading', ...request, leads }, [leads.bytes.buffer, leads.ends.buffer]);
}
