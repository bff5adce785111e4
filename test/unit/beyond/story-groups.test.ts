import { buildRowGroups, deltaEncode, MAX_STORY_GROUP } from '../../../src/indexer/plan/story-groups.ts';
import { collapsedRowsOf, collapseRows, positionGroups } from '../../../src/features/list/groups/collapse-rows.ts';
import { rowsOfOneTag } from '../../../src/features/list/rows.ts';
import { INDEX_FORMAT_VERSION } from '../../../src/shared/types.ts';

const rowOf = new Map(['a', 'b', 'c', 'd', 'e', 'f'].map((id, row) => [id, row]));
const pairs = (...links: [string, string][]) => {
  const map = new Map<string, { id: string }[]>();
  for (const [x, y] of links) {
    map.set(x, [...(map.get(x) ?? []), { id: y }]);
    map.set(y, [...(map.get(y) ?? []), { id: x }]);
  }
  return map;
};

describe('the groups of rows the build writes', () => {
  it('joins posts linked through a third into one story, rows ascending and delta-encoded', () => {
    const groups = buildRowGroups({ rowOf, versionsOf: new Map(), sameStoryOf: pairs(['a', 'c'], ['c', 'f']) });
    expect(groups.stories).toEqual([deltaEncode([0, 2, 5])]);
  });

  it('counts the versions of an article once in its story, by its newest row', () => {
    const groups = buildRowGroups({ rowOf, versionsOf: new Map([['b', ['d']]]), sameStoryOf: pairs(['b', 'a'], ['d', 'e']) });
    expect(groups.versions).toEqual([deltaEncode([1, 3])]);
    expect(groups.stories).toEqual([deltaEncode([0, 3, 4])]);
  });

  it('cuts a chain of reports longer than a story group may be', () => {
    const many = new Map(Array.from({ length: 20 }, (_, row) => [`p${row}`, row]));
    const chain = pairs(...Array.from({ length: 19 }, (_, row): [string, string] => [`p${row}`, `p${row + 1}`]));
    expect(buildRowGroups({ rowOf: many, versionsOf: new Map(), sameStoryOf: chain }).stories[0]).toHaveLength(MAX_STORY_GROUP);
  });
});

describe('collapsing a view', () => {
  // Ten posts; rows 9, 7 and 4 (positions 0, 2, 5) are one story; rows 1 and 2 (positions 8, 7) versions.
  const groups = positionGroups({ version: INDEX_FORMAT_VERSION, versions: [deltaEncode([1, 2])], stories: [deltaEncode([4, 7, 9])] }, 10);

  it("collapses an outlet's rows once for the page: the set worked out ahead is the one its click draws", () => {
    const outlet = [0, 2, 5, 7, 8];
    const ahead = collapsedRowsOf(rowsOfOneTag(outlet), groups, 10);
    expect(rowsOfOneTag(outlet)).toBe(rowsOfOneTag(outlet));
    expect(collapsedRowsOf(rowsOfOneTag(outlet), groups, 10)).toBe(ahead);
    expect(ahead).toEqual(collapseRows({ kind: 'list', rows: outlet }, groups, 10));
    const otherGroups = positionGroups({ version: INDEX_FORMAT_VERSION, versions: [], stories: [] }, 10);
    expect(collapsedRowsOf(rowsOfOneTag(outlet), otherGroups, 10).hidden).toHaveLength(0);
  });

  it('keeps the first listed report of a story and the newest version of an article', () => {
    const collapsed = collapseRows({ kind: 'range', start: 0, end: 10 }, groups, 10);
    expect(collapsed.rows).toEqual({ kind: 'range', start: 0, end: 10 });
    expect([...collapsed.hidden]).toEqual([2, 5, 8]);
    expect(collapsed.others.get(0)).toEqual([2, 5]);
    expect(collapsed.versions.get(7)).toBe(1);
  });

  it('leads a story with the report listed first in the view, whatever its date', () => {
    const collapsed = collapseRows({ kind: 'list', rows: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0] }, groups, 10);
    expect(collapsed.others.get(5)).toEqual([2, 0]);
    expect(collapsed.rows).toEqual({ kind: 'list', rows: [9, 7, 6, 5, 4, 3, 1] });
  });

  it('leaves a story whose other reports are filtered out as a plain row', () => {
    const collapsed = collapseRows({ kind: 'list', rows: [0, 1, 3] }, groups, 10);
    expect(collapsed.others.size).toBe(0);
    expect(collapsed.rows).toEqual({ kind: 'list', rows: [0, 1, 3] });
    expect(collapsed.hidden).toHaveLength(0);
  });

  it('keeps an ascending list whole, with its collapsed rows beside it', () => {
    const collapsed = collapseRows({ kind: 'list', rows: [0, 2, 3, 5, 7, 8] }, groups, 10);
    expect(collapsed.rows).toEqual({ kind: 'list', rows: [0, 2, 3, 5, 7, 8] });
    expect([...collapsed.hidden]).toEqual([2, 5, 8]);
    expect(collapsed.others.get(0)).toEqual([2, 5]);
  });
});
