// @vitest-environment jsdom
import { findMatches, markMatches } from '../../../src/features/search/highlight.ts';

describe('highlighting', () => {
  it('finds folded needles in the original text', () => {
    expect(findMatches('習近平與ＡＰＥＣ', ['习近平', 'apec'])).toEqual([
      [0, 3],
      [4, 8],
    ]);
  });

  it('matches Latin needles as whole words only', () => {
    expect(findMatches('AI said: ai-chip, AI晶片', ['ai'])).toEqual([
      [0, 2],
      [9, 11],
      [18, 20],
    ]);
  });

  it('merges overlapping matches', () => {
    expect(findMatches('烏克蘭總統', ['乌克兰', '兰总统'])).toEqual([[0, 5]]);
  });

  it('wraps matches in marks inside a DOM tree, leaving markup intact', () => {
    const root = document.createElement('div');
    root.innerHTML = '<p>俄羅斯總統<a href="#x">蒲亭</a>表示，蒲亭將出席。</p>';
    const marks = markMatches(root, ['蒲亭']);
    expect(marks).toHaveLength(2);
    expect(root.innerHTML).toBe('<p>俄羅斯總統<a href="#x"><mark class="search-hit">蒲亭</mark></a>表示，<mark class="search-hit">蒲亭</mark>將出席。</p>');
  });
});
