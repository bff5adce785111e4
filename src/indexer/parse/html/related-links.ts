/**
 * The article's own related-story blocks: CNA's inline `insertGroup` links and its `moreArticle`
 * (延伸閱讀) list. They become structured {title, url} data and leave the body flow.
 */
import type { RelatedLink } from '../../../shared/types.ts';
import {
  all,
  classList,
  detach,
  elementsWithClass,
  hasVisibleText,
  isDetached,
  isElement,
  matches,
  visibleText,
  type Element,
  type ParentNode,
} from './html-tree.ts';
import { resolveSafeUrl, urlIdentity, type UrlContext } from '../urls.ts';

/** Blocks holding related links, each found by a class; `links` selects the anchors inside a block. */
export const RELATED_BLOCKS: readonly { block: string; links: string }[] = [
  { block: '.insertGroup', links: 'a[href]' },
  { block: '.moreArticle', links: 'a[href]' },
];

/**
 * Links of a related block that name a topic rather than a story (CNA: `/tag/hysearchws.aspx?q=王毅`):
 * the word in `param` becomes one of the post's topics, a search in this archive, never a related story.
 */
export const TOPIC_LINKS: readonly { host: RegExp; path: RegExp; param: string }[] = [
  { host: /(^|\.)cna\.com\.tw$/i, path: /^\/(tag|search)\/hysearchws\.aspx$/i, param: 'q' },
];

/**
 * Wrappers that exist only to hold a related block (CNA puts each insertGroup in a `div.media`): removed
 * with the block when they hold nothing else.
 */
const WRAPPER_CLASSES = new Set(['media']);

/** The word a topic link searches for, or undefined for a link to a story. */
export function topicOfLink(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const rule = TOPIC_LINKS.find(({ host, path }) => host.test(parsed.hostname) && path.test(parsed.pathname));
  const word = rule ? parsed.searchParams.get(rule.param)?.trim() : undefined;
  return word || undefined;
}

export function extractRelatedLinks(root: ParentNode, urls: UrlContext): { related: RelatedLink[]; topics: string[] } {
  const related: RelatedLink[] = [];
  const topics: string[] = [];
  const seen = new Set<string>();
  // Collected once for every kind: a block taken out leaves nothing new behind.
  const withClass = elementsWithClass(root);
  for (const { block, links } of RELATED_BLOCKS) {
    for (const element of withClass.filter((candidate) => matches(block, candidate))) {
      if (isDetached(element, root)) continue;
      for (const anchor of all(links, element)) {
        const url = resolveSafeUrl(anchor.attribs['href'], urls.baseUrl);
        const title = visibleText(anchor);
        if (!url || title === '') continue;
        const topic = topicOfLink(url);
        if (topic !== undefined) {
          if (!topics.includes(topic)) topics.push(topic);
          continue;
        }
        const identity = urlIdentity(url);
        if (seen.has(identity)) continue;
        seen.add(identity);
        related.push({ title, url });
      }
      detach(outermostWrapper(element));
    }
  }
  return { related, topics };
}

function outermostWrapper(block: Element): Element {
  let current = block;
  for (;;) {
    const parent = current.parent;
    if (!isElement(parent)) return current;
    const wrapper = parent;
    const onlyChild = wrapper.children.every((child) => child === current || (child.type === 'text' && !hasVisibleText(child)));
    if (!onlyChild || !classList(wrapper).some((name) => WRAPPER_CLASSES.has(name))) return current;
    current = wrapper;
  }
}
