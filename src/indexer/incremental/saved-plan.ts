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
 * in UTF-16; 4: the head's own fields apart from the snapshot's, each column naming the build that wrote it.
 */
const PLAN_FORMAT = 4;

/** The snapshot's columns of one value a row, each kept under `<id>/<column>`. */
const ROW_COLUMNS = ['paths', 'ids', 'dates'] as const;
type RowColumn = (typeof ROW_COLUMNS)[number];

/** A plan as the build cache keeps it: a snapshot and the build that made it. */
export type StoredPlan = PlanSnapshot & { buildId: string };

/**
 * The plan's value under `<id>`. The snapshot less its row columns is nested, so that none of its fields
 * can stand for the head's; and with no `buildId` of its own, code that read the whole snapshot here
 * (layout 1) refuses the head.
 */
interface PlanHead {
  format: number;
  rowCount: number;
  /** Each column's writer: a column value of another build is not this plan's. */
  columnsBy: Record<RowColumn, string>;
  /** The snapshot less its row columns, with the build that made it. */
  snapshot: Omit<StoredPlan, RowColumn>;
}

/** A column's value under `<id>/<column>`: its bytes and the build that wrote them. */
interface StoredColumn {
  by: string;
  bytes: Uint8Array;
}

/**
 * Puts the plan under `id`, in the caller's write transaction. `last`: the plan this build read; while
 * it is still the one held under `id` (no other build recorded since), its columns that are the same
 * arrays are left as they are.
 */
export function putPlan(plans: Database<unknown, string>, id: string, plan: StoredPlan, last: StoredPlan | undefined): void {
  const { paths, ids, dates, ...snapshot } = plan;
  const held = plans.get(id) as Partial<PlanHead> | undefined;
  const lastColumnsBy = last && held?.format === PLAN_FORMAT && held.snapshot?.buildId === last.buildId ? held.columnsBy : undefined;
  const columnsBy = { paths: plan.buildId, ids: plan.buildId, dates: plan.buildId };
  const put = (column: RowColumn, isLasts: boolean, bytes: () => Uint8Array) => {
    if (isLasts && lastColumnsBy) columnsBy[column] = lastColumnsBy[column];
    else plans.put(columnKey(id, column), { by: plan.buildId, bytes: bytes() } satisfies StoredColumn);
  };
  put('paths', paths === last?.paths, () => encodeStrings(paths));
  put('ids', ids === last?.ids, () => encodeStrings(ids));
  put('dates', dates === last?.dates, () => encodeNumbers(dates));
  plans.put(id, { format: PLAN_FORMAT, rowCount: ids.length, columnsBy, snapshot } satisfies PlanHead);
}

/** Why there is no plan to read under `id`: none, one of another layout, or a column that is not its own. */
export type NoPlan = 'none' | 'older-layout' | 'columns-not-its-own';

/** The plan under `id`, or why there is none to read. */
export function getPlan(plans: Database<unknown, string>, id: string): StoredPlan | NoPlan {
  const head = plans.get(id) as PlanHead | undefined;
  if (!head) return 'none';
  if (head.format !== PLAN_FORMAT) return 'older-layout';
  const { rowCount, columnsBy, snapshot } = head;
  // Each decoded before the next get: a value read may be a view of lmdb's read buffer.
  const paths = decodeStrings(columnBytes(plans, id, 'paths', columnsBy), rowCount);
  const ids = decodeStrings(columnBytes(plans, id, 'ids', columnsBy), rowCount);
  const dates = decodeNumbers(columnBytes(plans, id, 'dates', columnsBy), rowCount);
  if (!paths || !ids || !dates) return 'columns-not-its-own';
  return { ...snapshot, paths, ids, dates };
}

/** Removes the plan under `id` and its columns, in the caller's write transaction. */
export function removePlan(plans: Database<unknown, string>, id: string): void {
  plans.remove(id);
  for (const column of ROW_COLUMNS) plans.remove(columnKey(id, column));
}

function columnKey(id: string, column: RowColumn): string {
  return `${id}/${column}`;
}

/** A column's bytes, when the build the head names wrote them. */
function columnBytes(plans: Database<unknown, string>, id: string, column: RowColumn, columnsBy: PlanHead['columnsBy']): unknown {
  const stored = plans.get(columnKey(id, column)) as Partial<StoredColumn> | undefined;
  return stored?.by === columnsBy[column] ? stored.bytes : undefined;
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
