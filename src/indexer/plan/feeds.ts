/**
 * Atom feeds of the archive: one of the newest posts of all, and one per outlet (tag). Pure: takes the
 * posts' metadata and gives each feed's path under `data/` and its XML; writing is write-feeds.ts's job.
 *
 * Each entry links to the article in the reader (`<link rel="alternate">`) and, when the post names one,
 * to its original on the outlet's site (`<link rel="related">`). A feed's `updated` is its newest entry's
 * date, never the build's time, so that a rebuild that adds no post writes the same bytes.
 */
import type { Element } from 'xml-js';

/** Entries per feed: what a feed reader polling hourly needs, and ~30 KB of XML. */
export const FEED_ENTRIES = 50;

/** Folder of the feeds under `data/`. */
export const FEED_FOLDER = 'feeds';

export interface FeedPost {
  id: string;
  title: string;
  /** ISO instant. */
  date: string;
  excerpt: string;
  /** Tag keys, as in PostMeta. */
  tags: string[];
  originalUrl?: string;
}

export interface FeedSite {
  /** Absolute URL of the site's root, ending in `/`, e.g. `https://user.github.io/archive/`. */
  siteUrl: string;
  /** The archive's name, the title of the feed of all posts. */
  title: string;
  language: string;
}

export interface FeedSpec {
  /** Tag key, or undefined for the feed of every post. */
  tag?: { key: string; label: string };
  /** Newest first; the first FEED_ENTRIES are used. */
  posts: readonly FeedPost[];
}

/** Path under `data/` of the feed of all posts, or of one tag's. */
export function feedPath(tagKey?: string): string {
  return tagKey === undefined ? `${FEED_FOLDER}/all.xml` : `${FEED_FOLDER}/tag-${fileSafe(tagKey)}.xml`;
}

/** The in-app URL of an article. */
export function articleUrl(siteUrl: string, id: string): string {
  return `${siteUrl}a/${encodeURIComponent(id)}`;
}

export async function makeAtomFeed(site: FeedSite, spec: FeedSpec): Promise<string> {
  // Loaded when feeds are made (SITE_URL set): a build without feeds never needs them (~60 ms of CPU).
  const [{ Feed }, xml] = await Promise.all([import('feed'), import('xml-js')]);
  const posts = spec.posts.slice(0, FEED_ENTRIES);
  const self = new URL(`data/${feedPath(spec.tag?.key)}`, site.siteUrl).href;
  const newest = posts[0] ? new Date(posts[0].date) : new Date(0);
  const feed = new Feed({
    id: self,
    title: xmlText(spec.tag ? `${spec.tag.label} · ${site.title}` : site.title),
    link: spec.tag ? `${site.siteUrl}?tag=${encodeURIComponent(spec.tag.key)}` : site.siteUrl,
    feedLinks: { atom: self },
    // Atom requires an author of the feed or of every entry (RFC 4287, 4.1.1): the outlet, or the archive.
    author: { name: xmlText(spec.tag ? spec.tag.label : site.title) },
    language: site.language,
    updated: newest,
    generator: 'cna-reader',
  });
  const related = new Map<string, string>();
  for (const post of posts) {
    const link = articleUrl(site.siteUrl, post.id);
    if (post.originalUrl && isHttpUrl(post.originalUrl)) related.set(new URL(link).href, post.originalUrl);
    feed.addItem({ id: link, link, title: htmlText(post.title), date: new Date(post.date), description: htmlText(post.excerpt) });
  }
  return withRelatedLinks(feed.atom1(), related, xml);
}

/**
 * The feed library writes one link per entry; the original article goes in as a second, rel="related"
 * link, through the XML layer the library itself writes with (no string surgery on the XML).
 */
function withRelatedLinks(atom: string, related: ReadonlyMap<string, string>, xml: typeof import('xml-js')): string {
  const document = xml.xml2js(atom, { compact: false }) as Element;
  const root = document.elements?.find((element) => element.name === 'feed');
  for (const entry of root?.elements ?? []) {
    if (entry.name !== 'entry') continue;
    const id = entry.elements?.find((element) => element.name === 'id')?.elements?.[0]?.text;
    const original = typeof id === 'string' ? related.get(id) : undefined;
    if (!original) continue;
    const at = entry.elements!.findIndex((element) => element.name === 'link') + 1;
    entry.elements!.splice(at, 0, { type: 'element', name: 'link', attributes: { rel: 'related', href: original } });
  }
  // xml-js reads attributes unescaped and writes back only their quotes escaped.
  return xml.js2xml(document, { spaces: 4, attributeValueFn: (value) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;') });
}

/**
 * Text as XML 1.0 may hold it: no control characters but tab and line breaks, and no `]]>` (the library
 * writes titles in CDATA sections, which that sequence would end).
 */
export function xmlText(text: string): string {
  return withoutControls(text).replace(/]]>/g, ']] >');
}

/**
 * Plain text as the HTML of an element typed "html" (the library's titles and summaries): a reader
 * shows `&`, `<` and `]]>` as written.
 */
function htmlText(text: string): string {
  return withoutControls(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function withoutControls(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}

function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** A tag key as a file name: lower-case letters, digits and `-` kept, anything else hex-coded. */
function fileSafe(key: string): string {
  return [...key].map((char) => (/[a-z0-9-]/.test(char) ? char : `_${char.codePointAt(0)!.toString(16)}`)).join('');
}
