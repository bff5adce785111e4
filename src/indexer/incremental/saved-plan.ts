/**
 * A plan snapshot (see last-build.ts) as the `plans` database keeps it: the row columns (`paths`, `ids`,
 * `dates`) each in a value of its own, as bytes, beside the rest of the plan. A rebuild that leaves a
 * column as the last build's (an edit moves no row) does not write it again, and a column reads back as
 * one string split, not as 64k strings unpacked one by one (docs/build-speed.md, "One edit, stop 40").
 */
import type { Database } from 'lmdb';
import { decodeStrings, encodeStrings } from './joined-strings.ts';
import type { PlanSnapshot } from './last-build.ts';

/**
 * The layout of a plan in `plans`; a plan of another layout is not read (the next build plans from
 * scratch). 1: the whole snapshot in one value; 2: its row columns apart (ROW_COLUMNS); 3: their strings
 * in UTF-16.
 */
const PLAN_FORMAT = 3;

/** The snapshot's columns of one value a row, each kept under `<id>/<column>`. */
const ROW_COLUMNS = ['paths', 'ids', 'dates'] as const;
type RowColumn = (typeof ROW_COLUMNS)[number];

type StoredPlan = PlanSnapshot & { buildId: string };
/** The plan's value under `<id>`: the snapshot less its row columns, with its layout and row count. */
type PlanHead = Omit<StoredPlan, RowColumn> & { format: number; rows: number };

/**
 * Puts the plan under `id`, in the caller's write transaction. `last`: the plan this database holds under
 * `id` now (read by this build), whose columns that are the same arrays are left as they are.
 */
export function putPlan(plans: Database<unknown, string>, id: string, plan: StoredPlan, last: StoredPlan | undefined): void {
  const { paths, ids, dates, ...rest } = plan;
  const head: PlanHead = { ...rest, format: PLAN_FORMAT, rows: ids.length };
  plans.put(id, head);
  if (paths !== last?.paths) plans.put(columnKey(id, 'paths'), encodeStrings(paths));
  if (ids !== last?.ids) plans.put(columnKey(id, 'ids'), encodeStrings(ids));
  if (dates !== last?.dates) plans.put(columnKey(id, 'dates'), encodeNumbers(dates));
}

/** The plan under `id`, or undefined when there is none, of another layout, or its columns do not fit it. */
export function getPlan(plans: Database<unknown, string>, id: string): StoredPlan | undefined {
  const head = plans.get(id) as PlanHead | undefined;
  if (head?.format !== PLAN_FORMAT) return undefined;
  const { format: _format, rows, ...rest } = head;
  // Each decoded before the next get: a value read may be a view of lmdb's read buffer.
  const paths = decodeStrings(plans.get(columnKey(id, 'paths')), rows);
  const ids = decodeStrings(plans.get(columnKey(id, 'ids')), rows);
  const dates = decodeNumbers(plans.get(columnKey(id, 'dates')), rows);
  if (!paths || !ids || !dates) return undefined;
  return { ...rest, paths, ids, dates };
}

/** Removes the plan under `id` and its columns, in the caller's write transaction. */
export function removePlan(plans: Database<unknown, string>, id: string): void {
  plans.remove(id);
  for (const column of ROW_COLUMNS) plans.remove(columnKey(id, column));
}

function columnKey(id: string, column: RowColumn): string {
  return `${id}/${column}`;
}

function encodeNumbers(numbers: readonly number[]): Buffer {
  const floats = Float64Array.from(numbers);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
}

function decodeNumbers(value: unknown, count: number): number[] | undefined {
  if (!(value instanceof Uint8Array) || value.byteLength !== count * Float64Array.BYTES_PER_ELEMENT) return undefined;
  // Copied to a buffer of its own: the bytes read need not sit at a multiple of 8.
  const floats = new Float64Array(count);
  new Uint8Array(floats.buffer).set(value);
  // A plain loop into an array of that length: Array.from took ~4× as long on 64k numbers.
  // oxlint-disable-next-line unicorn/no-new-array
  const numbers = new Array<number>(count);
  for (let at = 0; at < count; at++) numbers[at] = floats[at]!;
  return numbers;
}
