/**
 * The list's groups of rows (RowGroups): versions of one article, and the articles reporting one story.
 * Pure: pairs and ids in, rows out. Story groups are the connected parts of the same-story pairs, with
 * the versions of an article counted as one article, so that a row is in one story group at most.
 */
import type { RowGroups } from '../../shared/types.ts';

/**
 * A story group larger than this is cut (rows kept in time order, the rest left ungrouped): a chain of
 * pairs that long has drifted from one event to the next. @default 12
 */
export const MAX_STORY_GROUP = 12;

export interface GroupInput {
  /** Each post's row (counted from the oldest). */
  rowOf: ReadonlyMap<string, number>;
  /** Each versioned post's other versions' ids. */
  versionsOf: ReadonlyMap<string, readonly string[]>;
  /** Each post's other reports of its story. */
  sameStoryOf: ReadonlyMap<string, readonly { id: string }[]>;
}

export function buildRowGroups({ rowOf, versionsOf, sameStoryOf }: GroupInput): Omit<RowGroups, 'version'> {
  // Versions: each article's rows; its newest row stands for it in the story groups.
  const articleOf = new Map<number, number>();
  const versions: number[][] = [];
  for (const [id, others] of versionsOf) {
    const rows = [id, ...others].flatMap((other) => (rowOf.has(other) ? [rowOf.get(other)!] : [])).sort((a, b) => a - b);
    if (rows.length < 2 || articleOf.has(rows[0]!)) continue;
    const newest = rows[rows.length - 1]!;
    for (const row of rows) articleOf.set(row, newest);
    versions.push(rows);
  }
  const article = (row: number) => articleOf.get(row) ?? row;

  const parent = new Map<number, number>();
  const find = (row: number): number => {
    let root = row;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(row, root);
    return root;
  };
  for (const [id, others] of sameStoryOf) {
    const row = rowOf.get(id);
    if (row === undefined) continue;
    for (const other of others) {
      const otherRow = rowOf.get(other.id);
      if (otherRow === undefined) continue;
      const [a, b] = [find(article(row)), find(article(otherRow))];
      if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
    }
  }
  const members = new Map<number, number[]>();
  for (const row of parent.keys()) {
    const root = find(row);
    const list = members.get(root);
    if (list) list.push(row);
    else members.set(root, [row]);
  }
  const stories = [...members.values()]
    .filter((rows) => rows.length > 1)
    .map((rows) => rows.sort((a, b) => a - b).slice(0, MAX_STORY_GROUP))
    .sort((a, b) => a[0]! - b[0]!);
  versions.sort((a, b) => a[0]! - b[0]!);
  return { versions: versions.map(deltaEncode), stories: stories.map(deltaEncode) };
}

/** Ascending rows as the first row and the steps after it. */
export function deltaEncode(rows: readonly number[]): number[] {
  return rows.map((row, n) => (n === 0 ? row : row - rows[n - 1]!));
}
