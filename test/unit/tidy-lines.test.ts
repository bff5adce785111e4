/**
 * tidyLines (src/indexer/parse/html/html-tree.ts) does in one pass what the text of a post was once made with: split
 * into lines, each line's white space collapsed and trimmed (collapseWhitespace), blank lines dropped.
 */
import { collapseWhitespace, tidyLines } from '../../src/indexer/parse/html/html-tree.ts';

function tidyLineByLine(text: string): string {
  return text.split('\n').map(collapseWhitespace).filter(Boolean).join('\n');
}

const PIECES = [
  '台灣',
  'news',
  ' ',
  '  ',
  '\n',
  '\n\n',
  '\t',
  '\r',
  '\r\n',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u3000',
  '\ufeff',
  '\u2003',
  '。',
  'a',
  '',
];

describe('tidyLines', () => {
  it('agrees with collapsing line by line on written cases', () => {
    for (const text of [
      '',
      ' ',
      '\n',
      ' \n ',
      'a',
      ' a ',
      '\na\n',
      'a \n b',
      'a\n\n\nb',
      'a\u2028b',
      'a \u00a0 b\n\n c ',
      '\u200b\n\u200b',
      '台灣\u3000新聞\r\n第二行',
    ]) {
      expect(tidyLines(text)).toBe(tidyLineByLine(text));
    }
  });

  it('agrees with collapsing line by line on thousands of random mixes', () => {
    let seed = 99;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = Math.floor(next() * 12);
      for (let k = 0; k < length; k++) text += PIECES[Math.floor(next() * PIECES.length)];
      expect(tidyLines(text)).toBe(tidyLineByLine(text));
    }
  });
});
