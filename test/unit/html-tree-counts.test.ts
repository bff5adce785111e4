/**
 * The early-stopping checks of src/indexer/parse/html/html-tree.ts (hasVisibleText, visibleLength,
 * countElements) answer what visibleText and a css-select match over the whole subtree answer.
 */
import { BOILERPLATE_SELECTORS } from '../../src/indexer/parse/html/boilerplate.ts';
import { all, countElements, descendants, hasVisibleText, parseBodyHtml, visibleLength, visibleText } from '../../src/indexer/parse/html/html-tree.ts';

const FRAGMENTS = [
  '',
  '<p> </p>',
  '<p>\u00a0\u200b\u2028\u3000\ufeff</p><div><span>\n</span></div>',
  '<p>台灣 新聞</p>',
  '<div><img src="a.jpg"><p><img src="b.jpg"> 說明 <b>文字</b></p></div>',
  '<div><!-- a comment -->\t<span></span><img></div><p>a <i>b</i>\u200bc</p>',
  '<table><tr><td><img> x</td></tr><tr><td class="tr-caption">照片\u3000說明</td></tr></table>',
  '<svg><title>t</title></svg><math><mi>x</mi></math>',
];

const elementsOf = (html: string) => {
  const root = parseBodyHtml(html);
  return [root, ...descendants(root)];
};

describe('early-stopping text and element checks', () => {
  it('hasVisibleText is whether visibleText is not empty', () => {
    for (const html of FRAGMENTS) for (const node of elementsOf(html)) expect(hasVisibleText(node)).toBe(visibleText(node) !== '');
  });

  it('visibleLength counts what visibleText holds besides white space, up to one past the limit', () => {
    for (const html of FRAGMENTS) {
      for (const node of elementsOf(html)) {
        const length = visibleText(node).replace(/\s/g, '').length;
        expect(visibleLength(node)).toBe(length);
        for (const limit of [0, 1, 2, 3, 5]) expect(visibleLength(node, limit)).toBe(Math.min(length, limit + 1));
      }
    }
  });

  it('countElements counts what a tag selector finds below an element, up to one past the limit', () => {
    for (const html of FRAGMENTS) {
      for (const node of elementsOf(html)) {
        const count = all('img', node).length;
        expect(countElements('img', node)).toBe(count);
        expect(countElements('img', node, 1)).toBe(Math.min(count, 2));
      }
    }
  });

  it('every boilerplate selector picks an element by its class or id, so elements naming none of them skip the selector match', () => {
    for (const { selector } of BOILERPLATE_SELECTORS) {
      // The element a selector picks is its last compound: that one's own class or id must be named.
      for (const part of selector.split(','))
        expect(
          part
            .trim()
            .split(/\s*[\s>+~]\s*/)
            .pop(),
          part,
        ).toMatch(/[.#][\w-]|\[class\*="[\w-]/);
    }
  });
});
