/**
 * Rows shown as one (data/groups.json, RowGroups): the versions of an article show as its newest row in
 * view, and the reports of one story under the first listed, which offers the others (「另有 N 家媒體報導」).
 * Works on list positions, before any shard arrives, so the list's height stays exact.
 */
import { GROUPS_FILE, type Manifest, type RowGroups } from '../../../shared/types.ts';
import { fetchJson } from '../../data/data-client.ts';
import type { RowSet } from '../rows.ts';

/** The groups as list positions (rows counted from the newest), each ascending. */
export interface PositionGroups {
  versions: number[][];
  stories: number[][];
}

export interface CollapsedRows {
  /** The rows to list: the view's, less the collapsed ones, in the view's order. */
  rows: RowSet;
  /** A story's first listed row → its other reports in view, in the view's order. */
  others: Map<number, number[]>;
  /** An article's row in view → how many other versions it has. */
  versions: Map<number, number>;
}

const NO_GROUPS: PositionGroups = { versions: [], stories: [] };
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

/**
 * The view's rows with each article's older versions and each story's later-listed reports taken out.
 * Places and hidden rows are typed arrays indexed by position, and a view without a list is read as its
 * range: at 64k posts the first list drawn (every post) spent ~15 ms here on arrays and sets of numbers.
 */
export function collapseRows(set: RowSet, groups: PositionGroups, postCount: number): CollapsedRows {
  const others = new Map<number, number[]>();
  const versions = new Map<number, number>();
  if (groups.versions.length === 0 && groups.stories.length === 0) return { rows: set, others, versions };
  // Each position's place in the view, or -1: a range's is arithmetic, a list's is looked up once.
  let placeOf: (position: number) => number;
  if (set.kind === 'range') placeOf = (position) => (position >= set.start && position < set.end ? position - set.start : -1);
  else {
    const places = new Int32Array(postCount).fill(-1);
    set.rows.forEach((position, place) => (places[position] = place));
    placeOf = (position) => places[position] ?? -1;
  }
  const hidden = new Uint8Array(postCount);
  let hiddenCount = 0;
  const hide = (position: number) => {
    if (hidden[position]) return;
    hidden[position] = 1;
    hiddenCount++;
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
    if (set.kind === 'list') shown.sort((a, b) => placeOf(a) - placeOf(b));
    others.set(shown[0]!, shown.slice(1));
    for (let n = 1; n < shown.length; n++) hide(shown[n]!);
  }
  if (hiddenCount === 0) return { rows: set, others, versions };
  return { rows: { kind: 'list', rows: visibleRows(set, hidden, hiddenCount) }, others, versions };
}

/** The set's rows, in its order, less the hidden positions. */
function visibleRows(set: RowSet, hidden: Uint8Array, hiddenCount: number): number[] {
  const rows: number[] = [];
  if (set.kind === 'range') {
    rows.length = Math.max(0, set.end - set.start - hiddenCount);
    let n = 0;
    for (let position = set.start; position < set.end; position++) if (!hidden[position]) rows[n++] = position;
    rows.length = n;
    return rows;
  }
  for (const position of set.rows) if (!hidden[position]) rows.push(position);
  return rows;
}
