/**
 * A patch's lookup of the last build's rows by path (RowsOfPaths in incremental/patch-plan.ts): the
 * same row, or none, whether the rows are searched for a few paths or mapped past that many.
 */
import { describe, expect, it } from 'vitest';
import { ROWS_SEARCHED_AT_MOST, RowsOfPaths } from '../../src/indexer/incremental/patch-plan.ts';

const paths = Array.from({ length: 300 }, (_, row) => `${2026 - (row % 3)}/第${row}篇.md`);

describe("a patch's rows by path", () => {
  it.each([
    ['searched for', 10],
    ['mapped', ROWS_SEARCHED_AT_MOST + 10],
  ])('gives each path its row and a path of no row none, when %s (%i asks)', (_, asks) => {
    const rows = new RowsOfPaths(paths);
    const asked = Array.from({ length: asks }, (_, n) => (n % 5 === 4 ? `new-${n}.md` : paths[(n * 37) % paths.length]!));
    // Copies, not the rows' own strings: a listing's paths are strings of their own.
    expect(asked.map((path) => rows.get(path.split('').join('')))).toEqual(asked.map((path) => (path.startsWith('new-') ? undefined : paths.indexOf(path))));
  });
});
