/**
 * Boilerplate a news site wrapped around an article, removed by what it is (a class the site gives it, or
 * an inline style that hides it), never by guessing from its text.
 */
import { detach, isElement, matches, type Element, type ParentNode } from './html-tree.ts';

/** Each selector with the reason it is boilerplate; measured on the CNA pages in the corpus. */
export const BOILERPLATE_SELECTORS: readonly { selector: string; what: string }[] = [
  { selector: '.gmailNews', what: 'CNA "follow us on Google News" promo' },
  { selector: '.lineAd', what: 'CNA LINE advertisement' },
  { selector: '.bottomArticleBanner, [class*="adslot"], .dfp-tag-wrapper', what: 'ad slots' },
  { selector: '.SubscriptionInner, .mySubscriptionInner', what: 'CNA e-paper sign-up box (form inputs, javascript: link)' },
  { selector: '.articlekeywordGroup', what: 'CNA #keyword link row' },
  { selector: '.owl-carousel', what: 'CNA 聚焦新聞 carousel (also hidden by inline style)' },
  { selector: '.news-dic-all', what: 'CNA glossary "see more" / "close" buttons' },
  { selector: '.sharebox, .shareBar, .social-share', what: 'share buttons' },
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
 * Removes boilerplate and hidden blocks in place, in one walk that does not enter what it removes;
 * returns how many elements were removed (the outermost of each removed block).
 */
export function removeBoilerplate(root: ParentNode): number {
  let removed = 0;
  const walk = (parent: ParentNode) => {
    // A copy: detaching a child changes the list being walked.
    for (const child of parent.children.slice()) {
      if (!isElement(child)) continue;
      if (isHiddenByMarkup(child) || matches(ANY_BOILERPLATE, child)) {
        detach(child);
        removed++;
      } else walk(child);
    }
  };
  walk(root);
  return removed;
}
