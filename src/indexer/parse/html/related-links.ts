/**
 * The article's own related-story blocks: CNA's inline `insertGroup` links and its `moreArticle`
 * (延伸閱讀) list. They become structured {title, url} data and leave the body flow.
 */
import type { RelatedLink } from '../../../shared/types.ts';
import { all, classList, detach, isDetached, isElement, visibleText, type Element, type ParentNode } from './html-tree.ts';
import { resolveSafeUrl, urlIdentity, type UrlContext } from '../urls.ts';

/** Blocks holding related links; `links` selects the anchors inside a block. */
export const RELATED_BLOCKS: readonly { block: string; links: string }[] = [
  { block: '.insertGroup', links: 'a[href]' },
  { block: '.moreArticle', links: 'a[href]' },
];

/**
 * Wrappers that exist only to hold a related block (CNA puts each insertGroup in a `div.media`): removed
 * with the block when they hold nothing else.
 */
const WRAPPER_CLASSES = new Set(['media']);

export function extractRelatedLinks(root: ParentNode, urls: UrlContext): RelatedLink[] {
  const related: RelatedLink[] = [];
  const seen = new Set<string>();
  for (const { block, links } of RELATED_BLOCKS) {
    for (const element of all(block, root)) {
      if (isDetached(element, root)) continue;
      for (const anchor of all(links, element)) {
        const url = resolveSafeUrl(anchor.attribs['href'], urls.baseUrl);
        const title = visibleText(anchor);
        if (!url || title === '') continue;
        const identity = urlIdentity(url);
        if (seen.has(identity)) continue;
        seen.add(identity);
        related.push({ title, url });
      }
      detach(outermostWrapper(element));
    }
  }
  return related;
}

function outermostWrapper(block: Element): Element {
  let current = block;
  for (;;) {
    const parent = current.parent;
    if (!isElement(parent)) return current;
    const wrapper = parent;
    const onlyChild = wrapper.children.every((child) => child === current || (child.type === 'text' && visibleText(child) === ''));
    if (!onlyChild || !classList(wrapper).some((name) => WRAPPER_CLASSES.has(name))) return current;
    current = wrapper;
  }
}
