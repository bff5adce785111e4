/**
 * Rows shown as one (data/groups.json, RowGroups): the versions of an article show as its newest row in
 * view, and the reports of one story under the first listed, which offers the others (「另有 N 家媒體報導」).
 * Works on list positions, before any shard arrives, so the list's height stays exact.
 */
import { GROUPS_FILE, type Manifest, type RowGroups } from '../../../shared/types.ts';
import { fetchJson } from '../../data/data-client.ts';
import { firstIndexWhere } from '../../../shared/binary-search.ts';
import type { RowSet } from '../rows.ts';

/** The groups as list positions (rows counted from the newest), each ascending. */
export interface PositionGroups {
  versions: number[][];
  stories: number[][];
}

export interface CollapsedRows {
  /**
   * The rows to list, in the view's order. Rows in archive order (a range, an ascending list) are the
   * view's, with the collapsed ones in `hidden` (listing the rest would be a step per row); a list in
   * another order comes without its collapsed rows.
   */
  rows: RowSet;
  /** The rows of `rows` not listed, ascending. */
  hidden: Int32Array;
  /** A story's first listed row → its other reports in view, in the view's order. */
  others: Map<number, number[]>;
  /** An article's row in view → how many other versions it has. */
  versions: Map<number, number>;
}

const NO_GROUPS: PositionGroups = { versions: [], stories: [] };
const NO_ROWS = new Int32Array(0);
let file: Promise<RowGroups> | undefined;
let loaded: Promise<PositionGroups> | undefined;
/** The groups once decoded: a list drawn after they arrived takes them in its first render. */
let arrived: PositionGroups | undefined;

/**
 * The groups file as written. Its name is fixed, so it is asked for with the manifest rather than a
 * round trip after it (see first-screen.ts); decoding it needs the manifest.
 */
export function fetchRowGroupsFile(): Promise<RowGroups> {
  file ??= fetchJson<RowGroups>(GROUPS_FILE);
  file.catch(() => (file = undefined));
  return file;
}

/** The archive's groups, fetched once; none when the build wrote no groups file (or it failed to arrive). */
export function loadRowGroups(manifest: Manifest): Promise<PositionGroups> {
  loaded ??= fetchRowGroupsFile()
    .then((groups) => (arrived = positionGroups(groups, manifest.postCount)))
    .catch(() => {
      loaded = undefined;
      return NO_GROUPS;
    });
  return loaded;
}

/** The groups if they have arrived (see loadRowGroups), else undefined. */
export function peekRowGroups(): PositionGroups | undefined {
  return arrived;
}

/** For tests: forget the fetched groups. */
export function resetRowGroups(): void {
  file = undefined;
  loaded = undefined;
  arrived = undefined;
}

/** Delta-encoded rows from the oldest (RowGroups) as ascending list positions. */
export function positionGroups(groups: RowGroups, postCount: number): PositionGroups {
  const decode = (deltas: readonly number[]) => {
    let row = 0;
    return deltas.map((delta, n) => postCount - 1 - (row = n === 0 ? delta : row + delta)).reverse();
  };
  return { versions: groups.versions.map(decode), stories: groups.stories.map(decode) };
}

/** Row sets collapsed once (see collapsedRowsOf), with the groups they were collapsed by. */
const collapsedSets = new WeakMap<RowSet, { groups: PositionGroups; collapsed: CollapsedRows }>();

/**
 * collapseRows, once per set and groups: an outlet's set is one object for the page's life (rowsOfOneTag),
 * so the largest outlet's, worked out as the list first shows, costs its click nothing (10–20 ms at 64k posts).
 */
export function collapsedRowsOf(set: RowSet, groups: PositionGroups, postCount: number): CollapsedRows {
  const known = collapsedSets.get(set);
  if (known?.groups === groups) return known.collapsed;
  const collapsed = collapseRows(set, groups, postCount);
  collapsedSets.set(set, { groups, collapsed });
  return collapsed;
}

/**
 * The view's rows with each article's older versions and each story's later-listed reports taken out.
 * Places and hidden rows are typed arrays indexed by position, and a view without a list is read as its
 * range: at 64k posts the first list drawn (every post) spent ~15 ms here on arrays and sets of numbers.
 * Rows in archive order stay whole, with their hidden rows beside them: the work is then a step (or a
 * binary search) per grouped row, not a step per row.
 */
export function collapseRows(set: RowSet, groups: PositionGroups, postCount: number): CollapsedRows {
  const others = new Map<number, number[]>();
  const versions = new Map<number, number>();
  if (groups.versions.length === 0 && groups.stories.length === 0) return { rows: set, hidden: NO_ROWS, others, versions };
  // Each position's place in the view, or -1: a range's is arithmetic, an ascending list's a binary
  // search, another list's looked up once.
  let placeOf: (position: number) => number;
  const sorted = set.kind === 'range' || isAscending(set.rows);
  if (set.kind === 'range') placeOf = (position) => (position >= set.start && position < set.end ? position - set.start : -1);
  else if (sorted) {
    const rows = set.rows;
    placeOf = (position) => {
      const place = firstIndexWhere(rows.length, (n) => rows[n]! >= position);
      return rows[place] === position ? place : -1;
    };
  } else {
    const places = new Int32Array(postCount).fill(-1);
    set.rows.forEach((position, place) => (places[position] = place));
    placeOf = (position) => places[position] ?? -1;
  }
  const hidden = new Uint8Array(postCount);
  const hiddenRows: number[] = [];
  const hide = (position: number) => {
    if (hidden[position]) return;
    hidden[position] = 1;
    hiddenRows.push(position);
  };
  for (const group of groups.versions) {
    const shown = group.filter((position) => placeOf(position) >= 0);
    if (shown.length === 0) continue;
    // The newest version in view stands for the article.
    versions.set(shown[0]!, group.length - 1);
    for (let n = 1; n < shown.length; n++) hide(shown[n]!);
  }
  for (const group of groups.stories) {
    const shown = group.filter((position) => placeOf(position) >= 0 && !hidden[position]);
    if (shown.length < 2) continue;
    // Groups ascend by position, which is the view's order unless the view is reordered (oldest first, ranked).
    if (!sorted) shown.sort((a, b) => placeOf(a) - placeOf(b));
    others.set(shown[0]!, shown.slice(1));
    for (let n = 1; n < shown.length; n++) hide(shown[n]!);
  }
  if (hiddenRows.length === 0) return { rows: set, hidden: NO_ROWS, others, versions };
  if (sorted) return { rows: set, hidden: Int32Array.from(hiddenRows).sort(), others, versions };
  return { rows: { kind: 'list', rows: set.rows.filter((position) => !hidden[position]) }, hidden: NO_ROWS, others, versions };
}

function isAscending(rows: readonly number[]): boolean {
  for (let i = 1; i < rows.length; i++) if (rows[i]! <= rows[i - 1]!) return false;
  return true;
}
