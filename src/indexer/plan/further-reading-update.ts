/**
 * Further reading after what some posts exclude changed (their other reports of the same story), from
 * the last build's suggestions, when every post's further-reading inputs (title, lead, own links) are
 * the last build's, so that each post's ranking is too. Exactly what pickFurtherReading gives from a new ranking, or
 * undefined when that cannot be told without ranking again.
 *
 * A post's suggestions are the first of its ranking not excluded: excluding more leaves them as they
 * were unless it excludes one of them; excluding less may let an earlier candidate in, which only a
 * new ranking tells.
 */

/** A post whose exclusions changed: its row, what it excluded at the last build, what it excludes now. */
export type ExclusionChange = [row: number, before: ReadonlySet<string>, now: ReadonlySet<string>];

export function keptFurtherReading(
  previous: ReadonlyMap<number, readonly number[]>,
  changes: Iterable<ExclusionChange>,
  idOf: (row: number) => string,
): ReadonlyMap<number, readonly number[]> | undefined {
  for (const [row, before, now] of changes) {
    for (const id of before) if (!now.has(id)) return undefined;
    if (previous.get(row)?.some((other) => now.has(idOf(other)) && !before.has(idOf(other)))) return undefined;
  }
  // The last build's own map, not a copy: ~47k posts' suggestions at 64k.
  return previous;
}
