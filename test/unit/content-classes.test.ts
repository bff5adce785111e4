/**
 * Each class of content loss or noise of issue 23 (items 1–11), on a fixture written in the real markup's
 * shape: the article as its outlet published it, nothing the mirror added.
 */
import { parseFragment, serialize } from 'parse5';
import { readdirSync } from 'node:fs';
import { FIXTURES, parseFixture } from './helpers.ts';

describe('protocol-relative URLs without a from: (seed-protocol-relative-no-from.md)', () => {
  const { post } = parseFixture('seed-protocol-relative-no-from.md');

  it('keeps a //host image as a figure over https, with the p.Caption after it as its caption', () => {
    expect(post.figures).toEqual([
      { src: 'https://photos.example.org/trail/gate.jpg', alt: 'photo', caption: '步道入口的新告示牌。（圖：示範攝影者，CC BY-SA）' },
    ]);
    expect(post.html).toContain('<figure><img src="https://photos.example.org/trail/gate.jpg" alt="photo"><figcaption>步道入口的新告示牌。');
  });

  it('resolves //host links and iframes to https', () => {
    expect(post.html).toContain('<a href="https://parks.example.org/rules"');
    expect(post.html).toContain('<a href="https://www.youtube.com/watch?v=abcdefghijk" class="embed"');
  });
});

describe('the heading that repeats the title', () => {
  it('is dropped when the title holds brackets', () => {
    const { post } = parseFixture('seed-title-with-bracket.md');
    expect(post.text).toBe('（中央社記者示範台北6日電）主場隊今晚以三分之差拿下系列賽第一戰。');
    expect(post.excerpt.startsWith('主場隊')).toBe(true);
  });

  it('is dropped after a <!--NaN--> epoch comment', () => {
    const { post } = parseFixture('seed-nan-epoch.md');
    expect(post.text).toBe('這則快訊的來源沒有提供發布時間。');
    expect(post.html).not.toContain('NaN');
  });
});

it('removes CNA’s 聚焦新聞 heading with the hidden carousel (agora-top-news-title.html)', () => {
  const { post } = parseFixture('agora-top-news-title.html');
  expect(post.text).toBe('（中央社記者示範高雄3日電）港口上月貨運量較去年同期回升。\n業者預期年底前維持成長。（編輯：示範）1141103');
  expect(post.html).not.toContain('headlines.aspx');
});

describe('quoted social posts (seed-quoted-social-posts.md)', () => {
  const { post } = parseFixture('seed-quoted-social-posts.md');

  it('keeps a tweet as a quotation with a link to the original status', () => {
    expect(post.html).toContain('<blockquote><p>謝謝每一位到場加油的球迷');
    expect(post.html).toContain(
      '<a href="https://twitter.com/demo_star/status/1234567890123456789?ref_src=twsrc%5Etfw" class="embed" rel="noopener noreferrer" target="_blank">▶ X（Twitter）貼文</a>',
    );
  });

  it('keeps an Instagram post as its caption and a link to its permalink, without the placeholder text', () => {
    expect(post.html).toContain('<a href="https://www.instagram.com/p/DEMO123/" class="embed" rel="noopener noreferrer" target="_blank">▶ Instagram 貼文</a>');
    expect(post.text).toContain('示範球星分享的貼文');
    expect(post.text).not.toContain('在 Instagram 查看這則貼文');
  });
});

describe('CNA topic links (agora-cna-topic-links.html)', () => {
  const { post } = parseFixture('agora-cna-topic-links.html');

  it('become the post’s topics, absolute and relative alike', () => {
    expect(post.topics).toEqual(['示範外長', '區域安全']);
  });

  it('are never listed as related stories', () => {
    expect(post.related).toEqual([{ title: '外長會談前夕雙方交換意見', url: 'https://www.cna.com.tw/news/aopl/202511030001.aspx' }]);
  });
});

describe('captions attached to their figure (seed-captions-of-five-outlets.md)', () => {
  const { post } = parseFixture('seed-captions-of-five-outlets.md');

  it('gives each of the four pictures its caption, and no picture to the zoom icon', () => {
    expect(post.figures.map((figure) => [figure.src, figure.caption])).toEqual([
      ['https://www.example.org/news/wall.jpg/@@images/demo.jpeg', '古城牆。（來自維基共享資源，CC BY-SA 4.0）'],
      ['https://www.example.org/small/river.jpg', '河畔的早晨。 示範攝影社'],
      ['https://blogger.example.com/s640/bridge.jpg', '新橋落成。（圖：示範部落客）'],
      ['https://www.example.org/img/market.jpg', '傍晚的市集。'],
    ]);
  });

  it('keeps a link inside a caption as a sanitized link', () => {
    expect(post.html).toContain(
      '<figcaption>古城牆。（來自<a href="https://commons.example.org/wiki/Wall" rel="noopener noreferrer" target="_blank">維基共享資源</a>，CC BY-SA 4.0）</figcaption>',
    );
    expect(post.html).toContain('（圖：<a href="https://blogger.example.com/about" rel="noopener noreferrer" target="_blank">示範部落客</a>）</figcaption>');
  });

  it('puts a Blogger caption table whole into one figure, not a figure inside a table', () => {
    expect(post.html).not.toContain('<table');
  });

  it('captions a CNA video link with its div.picinfo', () => {
    expect(post.html).toContain('▶ YouTube 影片</a></p><figcaption>影片來源：示範電視台</figcaption></figure>');
  });

  it('sets a photo credit apart as small print after the caption', () => {
    expect(post.html).toContain('<figcaption><p>河畔的早晨。</p> <small>示範攝影社</small></figcaption>');
  });

  it('leaves no caption as a loose paragraph', () => {
    expect(post.text.split('\n').filter((line) => /傍晚的市集|新橋落成|影片來源/.test(line))).toHaveLength(3);
  });
});

describe('Markdown inside raw HTML (seed-markdown-inside-pre.md)', () => {
  const { post } = parseFixture('seed-markdown-inside-pre.md');

  it('leaves a <pre> block as written, its link-like text kept', () => {
    expect(post.html).toContain('way[highway=*]({{bbox}});\n\nout *bold* geom;');
  });

  it('applies no Markdown inside an HTML block, and Markdown outside one', () => {
    expect(post.html).toContain('其中 *bbox* 是畫面範圍，[說明](https://tech.example.org/docs) 見官方文件。');
    expect(post.html).toContain('<p>本刊說明：<em>強調</em> 的文字。</p>');
  });
});

describe('the emitted HTML is a fixed point of the HTML parser', () => {
  it('holds for every fixture', () => {
    const moved = readdirSync(FIXTURES).flatMap((name) => {
      try {
        const { html } = parseFixture(name).post;
        return serialize(parseFragment(html)) === html ? [] : [name];
      } catch {
        return []; // files that are not posts
      }
    });
    expect(moved).toEqual([]);
  });

  it('moves a figure out of the paragraph it was found in', () => {
    const { post } = parseFixture('seed-captions-of-five-outlets.md');
    expect(post.html).not.toMatch(/<p>(?:(?!<\/p>).)*<(figure|p|div)[ >]/s);
  });
});

describe('mirror boilerplate (seed-mirror-boilerplate.md)', () => {
  const { post } = parseFixture('seed-mirror-boilerplate.md');

  it('removes the feedx promo with its rule', () => {
    expect(post.html).not.toMatch(/获取更多RSS|feedx|<hr>/);
  });

  it('removes a captured comment thread and its form', () => {
    expect(post.text).toBe('市府今天公布明年度總預算。\n議會將於下週審查。');
  });
});

describe('http: images (agora-http-images.html)', () => {
  const { post } = parseFixture('agora-http-images.html');

  it('takes the widest https candidate of the srcset for an http: src', () => {
    expect(post.figures[0]?.src).toBe('https://cdn.example.kr/news/street-1280.jpg');
  });

  it('rewrites other http: image URLs to https, relative ones and srcsets included', () => {
    expect(post.figures.map((figure) => figure.src).slice(1)).toEqual(['https://img.example.kr/news/shop.jpg', 'https://news.example.kr/images/sign.jpg']);
    expect(post.html).not.toContain('http:');
  });
});

it('decodes entities a feed encoded twice in a title (seed-double-encoded-title.md)', () => {
  expect(parseFixture('seed-double-encoded-title.md').post.title).toBe('示範選手大坂晴美 "首勝"');
});
