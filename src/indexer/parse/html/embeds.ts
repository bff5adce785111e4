/**
 * Third-party embeds (YouTube, Twitter/X, Facebook, Instagram players in iframes; `<video>`/`<audio>`)
 * become plain links to the embedded item: the reader loads nothing from third parties until asked.
 */
import {
  all,
  classList,
  detach,
  elementsNamed,
  hasVisibleText,
  isDetached,
  isElement,
  makeElement,
  makeText,
  matches,
  replaceWith,
  type ChildNode,
  type Element,
  type ParentNode,
} from './html-tree.ts';
import { resolveSafeUrl, type UrlContext } from '../urls.ts';

/** How to name and where to point each kind of embed; first match wins. */
const EMBED_RULES: readonly { label: string; match: RegExp; link: (url: URL) => string | undefined }[] = [
  {
    label: 'YouTube 影片',
    match: /(^|\.)(youtube\.com|youtube-nocookie\.com|youtu\.be)$/,
    link: (url) => {
      const id = /\/embed\/([\w-]{6,})/.exec(url.pathname)?.[1];
      return id ? `https://www.youtube.com/watch?v=${id}` : url.href;
    },
  },
  {
    label: 'Vimeo 影片',
    match: /(^|\.)vimeo\.com$/,
    link: (url) => (/\/video\/(\d+)/.exec(url.pathname) ? `https://vimeo.com/${/\/video\/(\d+)/.exec(url.pathname)![1]}` : url.href),
  },
  { label: 'Facebook 貼文', match: /(^|\.)facebook\.com$/, link: (url) => resolveSafeUrl(url.searchParams.get('href')) ?? url.href },
  { label: 'X（Twitter）貼文', match: /(^|\.)(twitter\.com|x\.com)$/, link: (url) => url.href },
  { label: 'Instagram 貼文', match: /(^|\.)instagram\.com$/, link: (url) => url.href.replace(/\/embed\/?.*$/, '/') },
];

/**
 * Posts quoted in a `<blockquote>` that a script would have turned into a player: kept as a quotation
 * (their paragraphs) with a link to the original, found by `link` (the first usable one wins). Each
 * selector matches blockquotes only: they are looked for among the blockquotes.
 */
const QUOTED_POSTS: readonly { selector: string; label: string; link: (quote: Element) => (string | undefined)[] }[] = [
  {
    selector: 'blockquote.twitter-tweet, blockquote.twitter-video',
    label: 'X（Twitter）貼文',
    link: (quote) =>
      all('a[href]', quote)
        .reverse()
        .map((a) => (/\/status(es)?\/\d+/.test(a.attribs['href']!) ? a.attribs['href'] : undefined)),
  },
  {
    selector: 'blockquote.instagram-media',
    label: 'Instagram 貼文',
    link: (quote) => [quote.attribs['data-instgrm-permalink']?.replace(/\?.*$/, ''), ...all('a[href]', quote).map((a) => a.attribs['href'])],
  },
];

const BLOCKQUOTE = new Set(['blockquote']);

/** The players replaced by links. */
const EMBED_TAGS = new Set(['iframe', 'video', 'audio']);

/** The caption a CNA video carries below its player (影片來源：…). */
const VIDEO_CAPTION_CLASS = 'picinfo';

export interface EmbedLink {
  label: string;
  url: string;
}

/** Where an embed's URL should take the reader, and what to call it. */
export function describeEmbed(src: string): EmbedLink {
  const url = new URL(src);
  for (const rule of EMBED_RULES) {
    if (rule.match.test(url.hostname)) return { label: rule.label, url: rule.link(url) ?? src };
  }
  return { label: `嵌入內容（${url.hostname}）`, url: src };
}

/**
 * Quoted social posts (QUOTED_POSTS) become a plain `<blockquote>` of their paragraphs and a link to the
 * original. Runs before boilerplate removal: the embed markup styles its placeholders inline.
 */
export function quoteSocialPosts(root: ParentNode, urls: UrlContext): number {
  let quoted = 0;
  // Collected once for every kind: a replaced quote is a plain blockquote, and what it drops is detached.
  const quotes = elementsNamed(root, BLOCKQUOTE);
  if (quotes.length === 0) return 0;
  for (const { selector, label, link } of QUOTED_POSTS) {
    for (const quote of quotes.filter((candidate) => matches(selector, candidate))) {
      if (isDetached(quote, root)) continue;
      const url = link(quote)
        .map((href) => resolveSafeUrl(href, urls.baseUrl))
        .find(Boolean);
      const paragraphs: ChildNode[] = all('p', quote).filter((p) => hasVisibleText(p) && !all('p', p).length);
      const linkParagraph = url ? [makeElement('p', {}, [makeElement('a', { href: url, class: 'embed' }, [makeText(`▶ ${label}`)])])] : [];
      if (paragraphs.length === 0 && linkParagraph.length === 0) continue;
      replaceWith(quote, makeElement('blockquote', {}, [...paragraphs.map((p) => makeElement('p', {}, [...(p as Element).children])), ...linkParagraph]));
      quoted++;
    }
  }
  return quoted;
}

/** Replaces iframes, videos and audios by a paragraph with a link; those without a usable URL disappear. */
export function replaceEmbeds(root: ParentNode, urls: UrlContext): number {
  let replaced = 0;
  for (const element of elementsNamed(root, EMBED_TAGS)) {
    if (isDetached(element, root)) continue;
    const src = embedSource(element, urls);
    if (!src) {
      replaceWith(element, makeText(''));
      continue;
    }
    const { label, url } = element.name === 'iframe' ? describeEmbed(src) : { label: element.name === 'video' ? '影片' : '音訊', url: src };
    const link = makeElement('a', { href: url, class: 'embed' }, [makeText(`▶ ${label}`)]);
    const captioned = videoCaption(element);
    if (captioned) {
      replaceWith(captioned.player, makeElement('figure', {}, [makeElement('p', {}, [link]), makeElement('figcaption', {}, [...captioned.caption.children])]));
      detach(captioned.caption);
    } else replaceWith(element, makeElement('p', {}, [link]));
    replaced++;
  }
  return replaced;
}

/** A player's caption (CNA: `div.picinfo` after the player's wrappers) and the outermost wrapper before it. */
function videoCaption(element: Element): { player: Element; caption: Element } | undefined {
  let node = element;
  for (let depth = 0; depth < 3; depth++) {
    let next = node.next;
    while (next && !isElement(next) && !hasVisibleText(next)) next = next.next;
    if (isElement(next) && classList(next).includes(VIDEO_CAPTION_CLASS)) return { player: node, caption: next };
    if (!isElement(node.parent) || hasVisibleText(node.parent)) return undefined;
    node = node.parent;
  }
  return undefined;
}

function embedSource(element: Element, urls: UrlContext): string | undefined {
  const direct = element.attribs['data-src'] ?? element.attribs['src'];
  const fromSource = all('source[src]', element)[0]?.attribs['src'];
  return resolveSafeUrl(direct ?? fromSource, urls.baseUrl);
}
