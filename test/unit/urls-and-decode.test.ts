import { decodePostBytes } from '../../src/indexer/parse/decode.ts';
import { resolveSafeUrl, unwrapImageProxy, urlIdentity } from '../../src/indexer/parse/urls.ts';

describe('resolveSafeUrl', () => {
  it('resolves relative and protocol-relative URLs against the article', () => {
    expect(resolveSafeUrl('/news/a.aspx', 'https://www.cna.com.tw/news/b.aspx')).toBe('https://www.cna.com.tw/news/a.aspx');
    expect(resolveSafeUrl('//imgcdn.cna.com.tw/x.jpg', 'https://www.cna.com.tw/')).toBe('https://imgcdn.cna.com.tw/x.jpg');
  });

  it.each(['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x', 'vbscript:x', 'mailto:a@b.c', '#top', ''])(
    'refuses %j',
    (url) => {
      expect(resolveSafeUrl(url, 'https://x.example/')).toBeUndefined();
    },
  );

  it('encodes raw spaces some mirrors left in URLs', () => {
    expect(resolveSafeUrl('https://www.dw.com/zh/some story/a-1')).toBe('https://www.dw.com/zh/some%20story/a-1');
  });

  it('needs a base for relative URLs', () => {
    expect(resolveSafeUrl('/news/a.aspx')).toBeUndefined();
  });
});

describe('unwrapImageProxy', () => {
  it('asks the CDN directly instead of the weserv proxy', () => {
    expect(unwrapImageProxy('https://images.weserv.nl/?url=imgcdn.cna.com.tw/www/a.jpg')).toBe('https://imgcdn.cna.com.tw/www/a.jpg');
    expect(unwrapImageProxy('https://img.example/a.jpg')).toBe('https://img.example/a.jpg');
  });

  it('leaves a URL that only names the proxy host elsewhere than its host', () => {
    expect(unwrapImageProxy('https://img.example/a.jpg?via=images.weserv.nl&url=other.example/b.jpg')).toBe(
      'https://img.example/a.jpg?via=images.weserv.nl&url=other.example/b.jpg',
    );
  });
});

describe('urlIdentity', () => {
  it('treats http/https, fragments and trailing slashes as the same article', () => {
    expect(urlIdentity('http://www.bbc.com/a/b/#0')).toBe(urlIdentity('https://www.bbc.com/a/b'));
  });
});

describe('decodePostBytes', () => {
  it('normalizes CRLF and CR to LF', () => {
    expect(decodePostBytes(new TextEncoder().encode('a\r\nb\rc'))).toEqual({ text: 'a\nb\nc' });
  });

  it('reports the first bad byte of a non-UTF-8 file', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('---\ntitle: '), 0xe9, 0x0a]);
    expect(decodePostBytes(bytes)).toEqual({ badByteOffset: 11, line: 2 });
  });
});
