import { normalizeBody } from '../../src/indexer/parse/html/normalize-body.ts';

const CNA = { baseUrl: 'https://www.cna.com.tw/news/aipl/1.aspx' };

describe('figures', () => {
  it('turns a lazy <picture> with --aspect-ratio and a caption div into a figure', () => {
    const body = normalizeBody(
      '<div><div style="--aspect-ratio:1920/1281;"><picture><source media="(max-width: 414px)" data-srcset="//img.example/800/a.jpg"><img class="lazyload" data-src="//img.example/800/a.jpg" data-srcset="//img.example/800/a.jpg 414w, //img.example/1024/a.jpg 1024w" alt="說明"></picture></div><div>照片說明文字</div></div><p>內文</p>',
      CNA,
    );
    expect(body.figures).toEqual([
      {
        src: 'https://img.example/800/a.jpg',
        srcset: 'https://img.example/800/a.jpg 414w, https://img.example/1024/a.jpg 1024w',
        sources: [{ media: '(max-width: 414px)', srcset: 'https://img.example/800/a.jpg' }],
        width: 1920,
        height: 1281,
        alt: '說明',
        caption: '照片說明文字',
      },
    ]);
    expect(body.html).toContain('<figure><picture><source srcset="https://img.example/800/a.jpg" media="(max-width: 414px)">');
    expect(body.html).toContain('<figcaption>照片說明文字</figcaption></figure>');
    expect(body.html.match(/照片說明文字/g)).toHaveLength(1);
  });

  it('captions from div.picinfo and figcaption.picinfo, and unwraps the weserv proxy', () => {
    const body = normalizeBody(
      '<div class="floatImg"><div class="wrap"><img src="https://images.weserv.nl/?url=imgcdn.cna.com.tw/1200x797_1.jpg" alt="a"></div><div class="picinfo">說明一</div></div><figure><img src="https://img.example/b.jpg"><figcaption class="picinfo">說明二</figcaption></figure>',
      CNA,
    );
    expect(body.figures.map((f) => [f.src, f.caption, f.width])).toEqual([
      ['https://imgcdn.cna.com.tw/1200x797_1.jpg', '說明一', 1200],
      ['https://img.example/b.jpg', '說明二', undefined],
    ]);
  });

  it('prefers data-src over a placeholder src, and drops data: placeholders', () => {
    const body = normalizeBody('<p><img src="data:image/gif;base64,R0lGOD" data-src="/img/a.jpg" alt=""></p>', CNA);
    expect(body.figures[0]?.src).toBe('https://www.cna.com.tw/img/a.jpg');
    expect(body.html).not.toContain('data:');
  });

  it('keeps an image inside running text inline, without a figure', () => {
    const body = normalizeBody('<p>文字<img src="https://img.example/icon.png" width="20" height="20">文字</p>', CNA);
    expect(body.html).toBe('<p>文字<img src="https://img.example/icon.png" alt="" width="20" height="20">文字</p>');
  });

  it('drops tracking pixels and keeps the alt text of unusable images', () => {
    const body = normalizeBody('<p>a<img src="https://t.example/p.gif" width="1" height="1"></p><p><img src="javascript:x" alt="替代文字"></p>', CNA);
    expect(body.figures).toEqual([]);
    expect(body.html).toBe('<p>a</p><p>替代文字</p>');
  });
});

describe('related links', () => {
  it('extracts insertGroup and moreArticle links, resolves relative ones and removes the blocks', () => {
    const body = normalizeBody(
      "<p>一</p><div class='media'><div class='insertGroup'><div><a class='insert' href='/news/acn/2.aspx'><svg><use href='#svg-dot'></use></svg><span>相關一</span></a></div></div></div><p>二</p><div class='paragraph moreArticle'><div class='moreArticle-title'>延伸閱讀</div><a class='moreArticle-link' href='https://www.cna.com.tw/news/3.aspx'><i class='icon-dot'></i><span>相關二</span></a><a class='moreArticle-link' href='/news/acn/2.aspx'><span>重複</span></a></div>",
      CNA,
    );
    expect(body.related).toEqual([
      { title: '相關一', url: 'https://www.cna.com.tw/news/acn/2.aspx' },
      { title: '相關二', url: 'https://www.cna.com.tw/news/3.aspx' },
    ]);
    expect(body.html).toBe('<p>一</p><p>二</p>');
  });
});

describe('boilerplate', () => {
  it('removes promos, ads, sign-up boxes and style-hidden blocks without revealing them', () => {
    const body = normalizeBody(
      "<p>留下</p><div class='gmailNews'>追蹤</div><div class='lineAd'><img src='https://a.example/ad.jpg'></div><div class='SubscriptionInner'><input></div><div style='display: none'><p>隱藏輪播</p></div><div style='DISPLAY:NONE !important'>也隱藏</div><p hidden>隱藏</p><div class='articlekeywordGroup'>#標籤</div>",
      CNA,
    );
    expect(body.html).toBe('<p>留下</p>');
    expect(body.text).toBe('留下');
  });
});

describe('sanitizing', () => {
  const hostile = normalizeBody(
    '<script>x()</script><style>p{}</style><p onclick="x()" style="color:red" class="a" id="b">文字</p><a href="javascript:x()">連結</a><form><input><button>按</button></form><object data="x"></object><embed src="x"><base href="https://evil/"><meta http-equiv="refresh"><svg><script>x()</script></svg><iframe src="//www.youtube.com/embed/abcdef123"></iframe><iframe src="javascript:x"></iframe><!-- 註解 -->',
    CNA,
  );

  it('leaves no active content', () => {
    expect(hostile.html).not.toMatch(/<script|<style|<form|<input|<button|<object|<embed|<base|<meta|<svg|<iframe|\son\w+=|javascript:|style=|<!--/i);
  });

  it('keeps the text', () => {
    expect(hostile.text).toContain('文字');
    expect(hostile.text).toContain('連結');
  });

  it('turns a YouTube player into a plain link to the video', () => {
    expect(hostile.html).toContain(
      '<a href="https://www.youtube.com/watch?v=abcdef123" class="embed" rel="noopener noreferrer" target="_blank">▶ YouTube 影片</a>',
    );
  });

  it('gives external links rel="noopener noreferrer"', () => {
    const body = normalizeBody('<p><a href="https://www.fmprc.gov.cn/a.shtml" target="_self">外部</a></p>', CNA);
    expect(body.html).toBe('<p><a href="https://www.fmprc.gov.cn/a.shtml" rel="noopener noreferrer" target="_blank">外部</a></p>');
  });

  it('renames h1 and unwraps unknown tags without running blocks together', () => {
    const body = normalizeBody('<h1>標</h1><section><p>一</p></section><section>二</section><font color="red">三</font>', CNA);
    expect(body.html).toBe('<h2>標</h2><div><p>一</p></div><div>二</div>三');
  });

  it('repairs unclosed tags the way browsers do', () => {
    const body = normalizeBody('<div><p>一<p>二<div><b>三', CNA);
    expect(body.html).toBe('<div><p>一</p><p>二</p><div><b>三</b></div></div>');
  });
});

describe('broken markup', () => {
  it('keeps the text inside tags whose names are garbage', () => {
    const body = normalizeBody('<p>In the <ahref=https: www.example.com a b>latest edition</a> of it. <o:p>Office</o:p></p>', CNA);
    expect(body.text).toBe('In the latest edition of it. Office');
  });
});

describe("the site's own pictures", () => {
  it('points /archive-assets/ images at the site under its base path, in src and srcset alike', () => {
    const body = normalizeBody(
      "<figure><picture><source srcset='/archive-assets/a-480.png 1x, /archive-assets/a-960.png 2x'><img src='/archive-assets/a-480.png'></picture></figure>",
      { ...CNA, assetBase: '/repo/archive-assets/' },
    );
    expect(body.html).toBe(
      '<figure><picture><source srcset="/repo/archive-assets/a-480.png 1x, /repo/archive-assets/a-960.png 2x"><img src="/repo/archive-assets/a-480.png" alt=""></picture></figure>',
    );
  });
});
