/**
 * Third-party embeds (YouTube, Twitter/X, Facebook, Instagram players in iframes; `<video>`/`<audio>`)
 * become plain links to the embedded item: the reader loads nothing from third parties until asked.
 */
import { all, isDetached, makeElement, makeText, replaceWith, type Element, type ParentNode } from './html-tree.ts';
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
  { label: 'Vimeo 影片', match: /(^|\.)vimeo\.com$/, link: (url) => (/\/video\/(\d+)/.exec(url.pathname) ? `https://vimeo.com/${/\/video\/(\d+)/.exec(url.pathname)![1]}` : url.href) },
  { label: 'Facebook 貼文', match: /(^|\.)facebook\.com$/, link: (url) => resolveSafeUrl(url.searchParams.get('href')) ?? url.href },
  { label: 'X（Twitter）貼文', match: /(^|\.)(twitter\.com|x\.com)$/, link: (url) => url.href },
  { label: 'Instagram 貼文', match: /(^|\.)instagram\.com$/, link: (url) => url.href.replace(/\/embed\/?.*$/, '/') },
];

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

/** Replaces iframes, videos and audios by a paragraph with a link; those without a usable URL disappear. */
export function replaceEmbeds(root: ParentNode, urls: UrlContext): number {
  let replaced = 0;
  for (const element of all('iframe, video, audio', root)) {
    if (isDetached(element, root)) continue;
    const src = embedSource(element, urls);
    if (!src) {
      replaceWith(element, makeText(''));
      continue;
    }
    const { label, url } = element.name === 'iframe' ? describeEmbed(src) : { label: element.name === 'video' ? '影片' : '音訊', url: src };
    const link = makeElement('a', { href: url, class: 'embed' }, [makeText(`▶ ${label}`)]);
    replaceWith(element, makeElement('p', {}, [link]));
    replaced++;
  }
  return replaced;
}

function embedSource(element: Element, urls: UrlContext): string | undefined {
  const direct = element.attribs['data-src'] ?? element.attribs['src'];
  const fromSource = all('source[src]', element)[0]?.attribs['src'];
  return resolveSafeUrl(direct ?? fromSource, urls.baseUrl);
}
