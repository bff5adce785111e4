/**
 * The browser's own sanitizer pass, fed HTML the build never wrote (an index made by something else):
 * nothing active, no foreign styles, no URL other than http(s) or the site's own paths.
 */
import { purifyPostHtml } from '../../src/features/article/purify.ts';

const asHtml = (fragment: DocumentFragment) => {
  const holder = document.createElement('div');
  holder.append(fragment);
  return holder;
};

describe('purifyPostHtml', () => {
  it('drops scripts, styles, frames, forms and inline handlers', () => {
    const html = asHtml(
      purifyPostHtml(
        '<p onclick="alert(1)" style="position:fixed">文字</p><script>alert(1)</script><style>body{display:none}</style>' +
          '<iframe src="https://example.org/"></iframe><form action="/x"><input name="q"></form><img src="/a.jpg" onerror="alert(1)">',
      ),
    );
    expect(html.querySelector('script, style, iframe, form, input, [onclick], [onerror], [style]')).toBeNull();
    expect(html.textContent).toBe('文字');
  });

  it('keeps http(s) and site-relative URLs and removes every other scheme', () => {
    const html = asHtml(
      purifyPostHtml(
        '<a href="javascript:alert(1)">一</a><a href="data:text/html,x">二</a><a href="//evil.example/">三</a>' +
          '<a href="https://example.org/news">四</a><img src="/pictures/a.jpg" alt="圖"><img src="vbscript:x" alt="壞">',
      ),
    );
    const hrefs = [...html.querySelectorAll('a')].map((link) => link.getAttribute('href'));
    expect(hrefs).toEqual([null, null, null, 'https://example.org/news']);
    expect([...html.querySelectorAll('img')].map((img) => img.getAttribute('src'))).toEqual(['/pictures/a.jpg', null]);
  });

  it('opens links in a new tab without handing over the page', () => {
    const link = asHtml(purifyPostHtml('<a href="https://example.org/" target="_self" rel="opener">原文</a>')).querySelector('a')!;
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it('loads the first picture eagerly and the others lazily, sized for the reading column', () => {
    const images = [
      ...asHtml(purifyPostHtml('<img src="/1.jpg" srcset="/1.jpg 640w, /1b.jpg 1280w" alt="一"><img src="/2.jpg" alt="二">')).querySelectorAll('img'),
    ];
    expect(images.map((img) => img.getAttribute('loading'))).toEqual(['eager', 'lazy']);
    expect(images[0]!.getAttribute('fetchpriority')).toBe('high');
    expect(images[0]!.getAttribute('sizes')).toMatch(/720px/);
    expect(images.every((img) => img.getAttribute('referrerpolicy') === 'no-referrer')).toBe(true);
  });

  it('keeps table spans, list starts and captions that hold no URL', () => {
    const html = asHtml(
      purifyPostHtml('<ol start="3" reversed><li>三</li></ol><table><caption>表</caption><tr><td colspan="2" rowspan="1">格</td></tr></table>'),
    );
    expect(html.querySelector('ol')!.getAttribute('start')).toBe('3');
    expect(html.querySelector('ol')!.hasAttribute('reversed')).toBe(true);
    expect(html.querySelector('td')!.getAttribute('colspan')).toBe('2');
    expect(html.querySelector('caption')!.textContent).toBe('表');
  });
});
