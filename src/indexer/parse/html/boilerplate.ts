/**
 * Boilerplate a news site wrapped around an article, removed by what it is (a class the site gives it, or
 * an inline style that hides it), never by guessing from its text.
 */
import { all, detach, hasVisibleText, isElement, isText, matches, visibleText, type ChildNode, type Element, type ParentNode } from './html-tree.ts';

/**
 * Each selector with the reason it is boilerplate; measured on the CNA pages in the corpus. Each names a
 * class or an id (see mayBeBoilerplate).
 */
export const BOILERPLATE_SELECTORS: readonly { selector: string; what: string }[] = [
  { selector: '.gmailNews', what: 'CNA "follow us on Google News" promo' },
  { selector: '.lineAd', what: 'CNA LINE advertisement' },
  { selector: '.bottomArticleBanner, [class*="adslot"], .dfp-tag-wrapper', what: 'ad slots' },
  { selector: '.SubscriptionInner, .mySubscriptionInner', what: 'CNA e-paper sign-up box (form inputs, javascript: link)' },
  { selector: '.articlekeywordGroup', what: 'CNA #keyword link row' },
  { selector: '.owl-carousel', what: 'CNA 聚焦新聞 carousel (also hidden by inline style)' },
  { selector: '.topNewsTitle', what: 'CNA 聚焦新聞 heading left behind by the hidden carousel' },
  { selector: '#zoomattribute', what: 'RFA "zoom" link and icon inside a figure' },
  {
    selector: '.comments-area, ol.commentlist, ol.comment-list, #disqus_thread, #respond, .comment-respond, #wpdcom',
    // ChinaFile's `.comment-wrapper` holds a Conversation's contributor essays: content, kept.
    what: 'reader comment threads captured with the page (WordPress, Disqus, wpDiscuz)',
  },
  { selector: '.news-dic-all', what: 'CNA glossary "see more" / "close" buttons' },
  { selector: '.sharebox, .shareBar, .social-share', what: 'share buttons' },
];

/**
 * Promotions a mirror appended to every post: a block opening with `lead` whose links all go to `hosts`,
 * and holding nothing else but punctuation. Removed with the `<hr>`/`<br>` just before them.
 */
export const MIRROR_PROMOS: readonly { lead: string; hosts: RegExp; what: string }[] = [
  { lead: '获取更多RSS', hosts: /(^|\.)feedx\.[a-z]+$/i, what: 'feedx.net mirror promo (获取更多RSS：feedx links)' },
];

/** The selectors above as one list: matched in the same walk as hidden blocks. */
const ANY_BOILERPLATE = BOILERPLATE_SELECTORS.map(({ selector }) => selector).join(', ');

const HIDING_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\s*(?:!important\s*)?(?:;|$)/i;

/** An element its page never showed: `hidden`, or an inline `display:none` / `visibility:hidden`. */
export function isHiddenByMarkup(element: Element): boolean {
  if ('hidden' in element.attribs) return true;
  const style = element.attribs['style'];
  return style !== undefined && HIDING_STYLE.test(style);
}

/**
 * Every class and id the selectors name (`adslot` too, which they look for inside class names): an
 * element whose class and id hold none of them cannot match, and skips the selector engine.
 */
const NAMED_IN_SELECTORS = new RegExp(ANY_BOILERPLATE.match(/(?<=[.#]|\*=")[\w-]+/g)!.join('|'), 'i');

function mayBeBoilerplate(element: Element): boolean {
  const { class: className, id } = element.attribs;
  return (className !== undefined && NAMED_IN_SELECTORS.test(className)) || (id !== undefined && NAMED_IN_SELECTORS.test(id));
}

/**
 * Removes boilerplate and hidden blocks in place, in one walk that does not enter what it removes, then
 * the mirror promos among the texts that walk kept; returns how many elements were removed (the
 * outermost of each removed block).
 */
export function removeBoilerplate(root: ParentNode): number {
  let removed = 0;
  // Per promo, the elements holding a text that contains its lead, in document order.
  const promoBlocks = MIRROR_PROMOS.map((): Element[] => []);
  const walk = (parent: ParentNode) => {
    // A copy: detaching a child changes the list being walked.
    for (const child of parent.children.slice()) {
      if (isText(child) && isElement(parent)) {
        for (const [n, promo] of MIRROR_PROMOS.entries()) if (child.data.includes(promo.lead)) promoBlocks[n]!.push(parent);
      }
      if (!isElement(child)) continue;
      if (isHiddenByMarkup(child) || (mayBeBoilerplate(child) && matches(ANY_BOILERPLATE, child))) {
        detach(child);
        removed++;
      } else walk(child);
    }
  };
  walk(root);
  return removed + removePromoBlocks(promoBlocks);
}

/** Removes the blocks MIRROR_PROMOS describes, from each promo's candidates; returns how many. */
function removePromoBlocks(candidates: readonly Element[][]): number {
  let removed = 0;
  for (const [n, promo] of MIRROR_PROMOS.entries()) {
    for (const block of candidates[n]!) {
      if (!block.parent || !isMirrorPromo(block, promo)) continue;
      for (let before = block.prev; before && isSeparator(before); before = block.prev) detach(before);
      detach(block);
      removed++;
    }
  }
  return removed;
}

function isMirrorPromo(block: Element, promo: (typeof MIRROR_PROMOS)[number]): boolean {
  const text = visibleText(block);
  if (!text.startsWith(promo.lead)) return false;
  const links = all('a', block);
  if (links.length === 0 || !links.every((link) => promo.hosts.test(hostOf(link.attribs['href'])))) return false;
  const rest = links.reduce((left, link) => left.replace(visibleText(link), ''), text.slice(promo.lead.length));
  return /^[\s\p{P}]*$/u.test(rest);
}

function isSeparator(node: ChildNode): boolean {
  return isElement(node) ? node.name === 'hr' || node.name === 'br' : isText(node) && !hasVisibleText(node);
}

function hostOf(href: string | undefined): string {
  try {
    return new URL(href ?? '', 'https://invalid.invalid/').hostname;
  } catch {
    return '';
  }
}
