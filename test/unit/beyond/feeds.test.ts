// @vitest-environment jsdom
// jsdom's DOMParser: a real XML parser, strict about well-formedness.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { feedPath, makeAtomFeed, xmlText } from '../../../src/indexer/plan/feeds.ts';
import { writeFeeds } from '../../../src/indexer/output/write-feeds.ts';
import { siteUrlOf } from '../../../src/indexer/output/write-extras.ts';
import { buildSite, type TestPost } from './site-builder.ts';

const SITE = { siteUrl: 'https://example.github.io/archive/', title: '新聞典藏閱讀器', language: 'zh-Hant-TW' };
const ATOM = 'http://www.w3.org/2005/Atom';

/** Parsed as XML: a feed that is not well-formed yields a <parsererror> document. */
function parseXml(xml: string): Document {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  const error = document.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`not well-formed: ${error.textContent}`);
  return document;
}

/** An Atom text construct as a feed reader shows it: an html-typed one is HTML to decode. */
function shown(element: Element): string | null {
  const type = element.getAttribute('type') ?? 'text';
  return type === 'html' ? new DOMParser().parseFromString(element.textContent!, 'text/html').body.textContent : element.textContent;
}

function entries(document: Document): Element[] {
  return [...document.getElementsByTagNameNS(ATOM, 'entry')];
}

function child(entry: Element, name: string): Element | undefined {
  return [...entry.children].find((element) => element.localName === name);
}

const day = (n: number) => String(n).padStart(2, '0');
// 60 CNA posts and 3 RTHK posts: more than a feed holds, for the archive's feed and CNA's.
const posts: TestPost[] = [
  ...Array.from({ length: 60 }, (_, n): TestPost => ({
    name: `cna-${n}`,
    title: `中央社第${n}則 & <消息>`,
    date: `2026-11-${day(1 + (n % 28))} ${day(n % 24)}:00`,
    outlet: 'cna',
    link: `cna/${n}.aspx?a=1&b=2`,
    body: `<p>第${n}則的內文。</p>`,
  })),
  ...Array.from({ length: 3 }, (_, n): TestPost => ({
    name: `rthk-${n}`,
    title: `港台第${n}則`,
    date: `2026-11-29 0${n}:30`,
    outlet: 'rthk',
    link: `rthk/${n}`,
    body: `<p>港台第${n}則的內文。</p>`,
  })),
];

describe('Atom feeds', async () => {
  const dataRoot = await buildSite(posts);
  const written = await writeFeeds(dataRoot, SITE);
  const feed = (tag?: string) => parseXml(readFileSync(join(dataRoot, feedPath(tag)), 'utf8'));

  it('writes a feed of the archive and one per outlet', () => {
    expect(written.paths.sort()).toEqual([feedPath(), feedPath('cna'), feedPath('rthk')].sort());
  });

  it('writes well-formed Atom whose every entry has an id, an updated date and a link to the article in the reader', () => {
    for (const tag of [undefined, 'cna', 'rthk']) {
      const document = feed(tag);
      expect(document.documentElement.namespaceURI).toBe(ATOM);
      expect(document.documentElement.localName).toBe('feed');
      // RFC 4287, 4.1.1: an author of the feed, as no entry names one.
      const author = child(document.documentElement, 'author');
      const title = child(document.documentElement, 'title')!.textContent!;
      expect(author && child(author, 'name')?.textContent).toBe(tag ? title.split(' · ')[0] : SITE.title);
      for (const entry of entries(document)) {
        expect(child(entry, 'id')?.textContent).toMatch(/^https:\/\/example\.github\.io\/archive\/a\//);
        expect(Number.isNaN(Date.parse(child(entry, 'updated')?.textContent ?? ''))).toBe(false);
        const link = [...entry.children].find((element) => element.localName === 'link' && !element.hasAttribute('rel'));
        expect(link?.getAttribute('href')).toBe(child(entry, 'id')?.textContent);
      }
    }
  });

  it('holds the newest 50 posts, newest first', () => {
    const dates = entries(feed()).map((entry) => Date.parse(child(entry, 'updated')!.textContent!));
    expect(dates).toHaveLength(50);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
  });

  it("holds only the outlet's posts in an outlet's feed", () => {
    const titles = entries(feed('rthk')).map((entry) => child(entry, 'title')!.textContent);
    expect(titles.sort()).toEqual(['港台第0則', '港台第1則', '港台第2則']);
  });

  it('links each entry to its original article as rel="related", its query string intact', () => {
    const related = entries(feed('cna')).map((entry) => [...entry.children].find((element) => element.getAttribute('rel') === 'related')?.getAttribute('href'));
    expect(related.every((href) => /^https:\/\/news\.example\.tw\/cna\/\d+\.aspx\?a=1&b=2$/.test(href ?? ''))).toBe(true);
  });

  it('keeps titles with ampersands and angle brackets as text, as a reader shows an html-typed title', () => {
    const titles = entries(feed('cna')).map((entry) => shown(child(entry, 'title')!));
    expect(titles).toHaveLength(50);
    expect(titles.every((title) => /^中央社第\d+則 & <消息>$/.test(title ?? ''))).toBe(true);
  });

  it('leaves every feed as it was when rebuilt over an unchanged archive', async () => {
    const before = statSync(join(dataRoot, feedPath())).mtimeMs;
    const again = await writeFeeds(dataRoot, SITE);
    expect(again).toMatchObject({ written: 0, unchanged: 3, removed: 0 });
    expect(statSync(join(dataRoot, feedPath())).mtimeMs).toBe(before);
  });
});

describe('feed text', () => {
  it('drops control characters, and keeps a CDATA terminator in a title from ending its section', async () => {
    const xml = await makeAtomFeed(SITE, { posts: [{ id: 'x', title: 'a\u0001b]]>c', date: '2026-11-01T00:00:00Z', excerpt: 'd\u0002e', tags: [] }] });
    const entry = entries(parseXml(xml))[0]!;
    expect(shown(child(entry, 'title')!)).toBe('ab]]>c');
    expect(shown(child(entry, 'summary')!)).toBe('de');
    expect(xmlText('a\u0001b]]>c')).toBe('ab]] >c');
  });

  it('takes SITE_URL with or without its final slash, and refuses a relative one', () => {
    expect(siteUrlOf('https://user.github.io/archive')).toBe('https://user.github.io/archive/');
    expect(siteUrlOf(undefined)).toBeUndefined();
    expect(() => siteUrlOf('/archive/')).toThrow(/SITE_URL/);
  });
});
