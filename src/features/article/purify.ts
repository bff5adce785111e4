/**
 * The browser's own sanitizer pass: every piece of post HTML goes through DOMPurify here before it
 * reaches the DOM, with an allow-list as strict as the build's (src/indexer/parse/html/sanitize.ts). The build has
 * already cleaned the HTML; this pass protects readers from an index written by something else.
 */
import DOMPurify from 'dompurify';

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'div',
  'blockquote',
  'pre',
  'code',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'small',
  'sub',
  'sup',
  'q',
  'cite',
  'abbr',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'figure',
  'figcaption',
  'picture',
  'source',
  'img',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'ruby',
  'rt',
  'rp',
];
/** Attributes that hold no URL: DOMPurify would otherwise check each against ALLOWED_URI. */
const PLAIN_ATTR = ['width', 'height', 'media', 'type', 'colspan', 'rowspan', 'scope', 'start', 'reversed', 'rel', 'target'];
const ALLOWED_ATTR = ['href', 'title', 'class', 'src', 'srcset', 'alt', ...PLAIN_ATTR];
/** The hook's own attributes are set after the allow-list has run. */
const HOOK_ATTR = ['referrerpolicy', 'loading', 'decoding', 'sizes'];

/** Only absolute http(s) URLs, and this site's own paths (pictures an archive ships). */
const ALLOWED_URI = /^(?:https?:\/\/|\/(?!\/))/i;

/** Where the body's images should be: `sizes` for the reading column. */
const IMAGE_SIZES = '(max-width: 760px) 100vw, 720px';

let configured = false;

function configure(): void {
  if (configured) return;
  configured = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    }
    if (node.tagName === 'IMG') {
      node.setAttribute('referrerpolicy', 'no-referrer');
      node.setAttribute('decoding', 'async');
      node.setAttribute('loading', 'lazy');
      if (node.hasAttribute('srcset')) node.setAttribute('sizes', IMAGE_SIZES);
    }
    if (node.tagName === 'SOURCE' && node.hasAttribute('srcset')) node.setAttribute('sizes', IMAGE_SIZES);
  });
}

/** Sanitized HTML as a fragment, with the first image loaded eagerly (it is likely the largest paint). */
export function purifyPostHtml(html: string): DocumentFragment {
  configure();
  const fragment = DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOWED_URI_REGEXP: ALLOWED_URI,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    RETURN_DOM_FRAGMENT: true,
    ADD_ATTR: HOOK_ATTR,
    ADD_URI_SAFE_ATTR: [...PLAIN_ATTR, ...HOOK_ATTR],
  });
  const first = fragment.querySelector('img');
  if (first) {
    first.setAttribute('loading', 'eager');
    first.setAttribute('fetchpriority', 'high');
  }
  return fragment;
}
