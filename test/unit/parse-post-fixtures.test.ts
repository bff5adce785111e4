import { parseFixture, problemOf } from './helpers.ts';

describe('seed family fixtures', () => {
  it('seed-picture-with-caption.md: title, date, tag, original URL, figure, related, safe external link', () => {
    const { post, warnings } = parseFixture('seed-picture-with-caption.md');
    expect(warnings).toEqual([]);
    expect(post.title).toBe('示範新聞：港口擴建案通過環評');
    expect(post.date.toISOString()).toBe('2023-03-01T04:05:06.000Z');
    expect(post.dateSource).toBe('front-matter');
    expect(post.tags).toEqual([{ key: 'cna', label: '中央社' }]);
    expect(post.author).toBeUndefined();
    expect(post.originalUrl).toBe('https://www.cna.com.tw/news/aloc/202303010001.aspx');
    expect(post.figures).toHaveLength(1);
    expect(post.figures[0]).toMatchObject({ caption: '港口擴建預定地。（示範照片）', width: 1600, height: 900, srcset: expect.stringContaining('1024w') });
    expect(post.related).toEqual([{ title: '港口擴建案上月召開說明會', url: 'https://www.cna.com.tw/news/aloc/202302280002.aspx' }]);
    expect(post.html).toContain('<a href="https://www.example.gov.tw/port/plan.html" rel="noopener noreferrer" target="_blank">擴建計畫說明</a>');
    expect(post.html).not.toContain('------');
    expect(post.html).not.toContain('1677643506000');
    expect(post.excerpt).toBe('港口擴建案今天通過環境影響評估。 主管機關表示，工程將分三期進行，詳見擴建計畫說明。 （編輯：示範）1120301');
  });

  it('seed-fork-picinfo-proxy-more-article.md: weserv image, picinfo caption, moreArticle list, ad slot gone', () => {
    const { post } = parseFixture('seed-fork-picinfo-proxy-more-article.md');
    expect(post.figures[0]).toMatchObject({
      src: 'https://imgcdn.cna.com.tw/www/WebPhotos/1024/20201201/1200x797_000000000001.jpg',
      width: 1200,
      height: 797,
      caption: '瓦斯桶示意。（示範照片）',
    });
    expect(post.related.map((r) => r.title)).toEqual(['上月天然氣價格維持不變', '桶裝瓦斯價格連兩月上漲']);
    expect(post.html).not.toMatch(/adslot|延伸閱讀|icon-dot/);
  });

  it('seed-no-epoch-offset-date.md: offset dates, a person as author, protocol-relative links', () => {
    const { post } = parseFixture('seed-no-epoch-offset-date.md');
    expect(post.date.toISOString()).toBe('2020-11-03T09:00:00.000Z');
    expect(post.author).toBe('Someone Writer');
    expect(post.language).toBe('en');
    expect(post.tags).toEqual([{ key: 'nei.st', label: 'Nei.st' }]);
    expect(post.html).toContain('href="https://nei.example/other"');
  });

  it('seed-date-only.md: a date without time is midnight in the archive zone', () => {
    expect(parseFixture('seed-date-only.md').post.date.toISOString()).toBe('2020-05-15T16:00:00.000Z');
  });

  it('seed-escaped-title.md: escaped quotes and entities in the title, heading dropped', () => {
    const { post } = parseFixture('seed-escaped-title.md');
    expect(post.title).toBe('他說"明天見" & 再見');
    expect(post.html).toBe('<div><p>標題含有跳脫的雙引號與 HTML 實體。</p></div>');
  });

  it('seed-empty-title.md: an empty title is replaced by the start of the body, with a warning', () => {
    const { post, warnings } = parseFixture('seed-empty-title.md');
    expect(post.title).toMatch(/^這篇文章沒有標題/);
    expect(warnings.map((w) => w.reason)).toEqual(['no-title']);
  });

  it('epaper-box.md: the e-paper sign-up box and its javascript: link are removed', () => {
    const { post } = parseFixture('epaper-box.md');
    expect(post.text).toBe('景氣燈號續亮綠燈。\n分數創新高。');
    expect(post.html).not.toMatch(/訂閱|input|javascript/);
  });

  it('2023-02-22-bogus-date-field.md: a 2001 date beside a 2023 file name falls back to the epoch comment', () => {
    const { post, warnings } = parseFixture('2023-02-22-bogus-date-field.md');
    expect(post.date.toISOString()).toBe('2023-02-22T18:04:07.000Z');
    expect(post.dateSource).toBe('epoch-comment');
    expect(warnings[0]).toMatchObject({ reason: 'date-fallback', severity: 'warning', detail: expect.stringContaining('2001-07-31') });
  });

  it('unsafe-from-url.md: a javascript: original URL is dropped with a warning', () => {
    const { post, warnings } = parseFixture('unsafe-from-url.md');
    expect(post.originalUrl).toBeUndefined();
    expect(warnings.map((w) => w.reason)).toEqual(['unsafe-url']);
  });
});

describe('agora family fixtures', () => {
  it('agora-cna-figure-unclosed-div.html: figure, relative insertGroup, promos removed, every paragraph kept', () => {
    const { post } = parseFixture('agora-cna-figure-unclosed-div.html');
    expect(post.title).toBe('示範：APEC 峰會 明年在深圳舉行');
    expect(post.date.toISOString()).toBe('2025-11-01T05:34:03.000Z');
    expect(post.tags).toEqual([{ key: 'cna', label: '中央社' }]);
    expect(post.figures).toEqual([
      expect.objectContaining({
        width: 2000,
        height: 1333,
        caption: '會場外觀。（示範照片）',
        sources: [expect.objectContaining({ media: '(max-width: 800px)' }), expect.objectContaining({ media: '(min-width: 801px)' })],
      }),
    ]);
    expect(post.related).toEqual([{ title: '峰會前夕各國代表抵達', url: 'https://www.cna.com.tw/news/acn/202510310001.aspx' }]);
    expect(post.text.split('\n').filter((line) => line !== '會場外觀。（示範照片）')).toEqual([
      '（中央社記者示範台北1日電）明年峰會將在深圳舉行。',
      '主辦方表示將擴大經濟合作。',
      '各方期待明年再會。',
      '最後一段。（編輯：示範）1141101',
    ]);
    expect(post.html).not.toMatch(/google|lin\.ee|ad300/);
  });

  it('agora-lazy-picture.html: <source data-srcset>, protocol-relative URLs, data: placeholder', () => {
    const { post } = parseFixture('agora-lazy-picture.html');
    expect(post.figures[0]).toMatchObject({
      src: 'https://imgcdn.cna.com.tw/www/WebPhotos/800/20251103/1200x900_demo_1.jpg',
      width: 1200,
      height: 900,
      caption: '機場跑道。（示範照片）',
    });
    expect(post.figures[0]?.sources?.[0]?.srcset).toBe(
      'https://imgcdn.cna.com.tw/www/WebPhotos/800/20251103/1200x900_demo_1.jpg 1x, https://imgcdn.cna.com.tw/www/WebPhotos/1024/20251103/1200x900_demo_1.jpg 2x',
    );
  });

  it('agora-single-quoted-title.html: single-quoted title, +08:00 date', () => {
    const { post } = parseFixture('agora-single-quoted-title.html');
    expect(post.title).toBe('單引號標題: 含冒號');
    expect(post.date.toISOString()).toBe('2025-11-04T04:00:00.000Z');
    expect(post.tags[0]?.key).toBe('bbc');
  });

  it('agora-block-scalar-title.html: a |+ title becomes one line; no link key means no original URL', () => {
    const { post, warnings } = parseFixture('agora-block-scalar-title.html');
    expect(post.title).toBe('區塊純量標題 第二行');
    expect(post.originalUrl).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('agora-rthk-crlf.md: CRLF Markdown becomes paragraphs', () => {
    const { post } = parseFixture('agora-rthk-crlf.md');
    expect(post.html).toBe('<p>天文台預測本周後期天氣轉涼。</p>\n<p>市民應注意保暖，\n長者尤其要小心。</p>');
    expect(post.date.toISOString()).toBe('2025-11-02T03:02:17.000Z');
    expect(post.tags[0]).toEqual({ key: 'rthk', label: '香港電台' });
  });

  it('agora-link-with-spaces.html: raw spaces in link: are encoded', () => {
    expect(parseFixture('agora-link-with-spaces.html').post.originalUrl).toBe('https://www.dw.example/zh-hant/some%20story/a-123');
  });

  it('hidden-carousel.html: style-hidden blocks and keyword rows are dropped, not revealed', () => {
    const { post } = parseFixture('hidden-carousel.html');
    expect(post.text).toBe('可見的段落。\n另一個可見的段落。');
    expect(post.figures).toEqual([]);
  });

  it('empty-body.html: indexed with title and link, and a warning', () => {
    const { post, warnings } = parseFixture('empty-body.html');
    expect(post.html).toBe('');
    expect(warnings.map((w) => w.reason)).toEqual(['empty-body']);
  });
});

describe('hostile-markup.html', () => {
  const { post } = parseFixture('hostile-markup.html');

  it('leaves nothing that can run, restyle or navigate', () => {
    expect(post.html).not.toMatch(/<(script|style|iframe|form|input|button|object|embed|base|meta|link|svg|math|template|noscript|video)\b/i);
    expect(post.html).not.toMatch(/\son[a-z]+\s*=|javascript:|vbscript:|data:|style=/i);
  });

  it('keeps every visible paragraph', () => {
    for (const text of ['第一段文字。', '腳本連結', '大小寫混合', '推文文字。', '最後一段文字。', '樣式裡的腳本']) expect(post.text).toContain(text);
    expect(post.text).not.toContain('範本內容');
  });

  it('turns players into links and keeps safe images', () => {
    expect(post.html).toContain('https://www.youtube.com/watch?v=abcDEF12345');
    expect(post.html).toContain('▶ 嵌入內容（evil.example）');
    expect(post.html).toContain('▶ 影片');
    expect(post.figures.map((f) => f.src)).toEqual(['https://img.example/a.jpg']);
  });
});

describe('special-characters.md', () => {
  it('keeps line separators as spaces, emoji, Liquid-looking text and the first of duplicated src attributes', () => {
    const { post } = parseFixture('special-characters.md');
    expect(post.text).toContain('😀');
    expect(post.text).toContain('{% raw %} 與 {{ x }}');
    expect(post.figures[0]?.src).toBe('https://img.example/a.jpg');
    expect(post.html).not.toContain('CDATA');
  });
});

describe('files that cannot be posts', () => {
  it.each([
    ['bad-yaml.md', 'bad-yaml', /line \d+/],
    ['no-front-matter.md', 'no-front-matter', /---/],
    ['invalid-date.html', 'invalid-date', /2020-13-45/],
  ])('%s is reported as %s', (name, reason, detail) => {
    const problem = problemOf(name);
    expect(problem).toMatchObject({ path: name, reason, severity: 'error' });
    expect(problem.detail).toMatch(detail);
  });
});
