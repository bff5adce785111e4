// @vitest-environment jsdom
import { findMatches, markMatches } from '../../../src/features/search/highlight.ts';
import { parseQuery } from '../../../src/features/search/parse-query.ts';

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

  it('marks the words of a query holding punctuation in an article, without the punctuation (《國安法》, 習近平，蔡英文)', () => {
    const root = document.createElement('div');
    root.innerHTML = '<p>《國安法》上路後，習近平與蔡英文都有回應。</p>';
    const needles = (query: string) => parseQuery(query).terms.flatMap((term) => term.spellings.flatMap((spelling) => spelling.needles));
    expect(markMatches(root, [...needles('《國安法》'), ...needles('習近平，蔡英文')]).map((mark) => mark.textContent)).toEqual(['國安法', '習近平', '蔡英文']);
  });
});
