/**
 * The allow-list sanitizer: after it, a body holds only the tags and attributes below, every URL is an
 * absolute http(s) URL, and nothing can run script, restyle the page or navigate it. The browser runs
 * DOMPurify over the result again before inserting it (defence in depth).
 */
import { isBlank, isElement, isText, detach, makeText, replaceWith, unwrap, type Element, type ParentNode, type ChildNode } from './html-tree.ts';
import { resolveSafeUrl, type UrlContext } from '../urls.ts';
import { resolveImageUrl, resolveSrcset } from './figures.ts';

/** Tags kept, each with the attributes it may keep. URL attributes are checked separately below. */
export const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
  p: [],
  br: [],
  hr: [],
  div: [],
  blockquote: [],
  pre: [],
  code: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  a: ['href', 'title', 'class'],
  strong: [],
  b: [],
  em: [],
  i: [],
  u: [],
  s: [],
  del: [],
  ins: [],
  mark: [],
  small: [],
  sub: [],
  sup: [],
  q: [],
  cite: [],
  abbr: ['title'],
  ul: [],
  ol: ['start', 'reversed'],
  li: [],
  dl: [],
  dt: [],
  dd: [],
  figure: [],
  figcaption: [],
  picture: [],
  source: ['srcset', 'media', 'type'],
  img: ['src', 'srcset', 'alt', 'width', 'height'],
  table: [],
  caption: [],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  th: ['colspan', 'rowspan', 'scope'],
  td: ['colspan', 'rowspan'],
  ruby: [],
  rt: [],
  rp: [],
};

/** Removed with everything inside: active content, form controls, document-level and decorative-only markup. */
export const DROPPED_WITH_CONTENT = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'param',
  'input',
  'button',
  'select',
  'textarea',
  'option',
  'optgroup',
  'datalist',
  'output',
  'progress',
  'meter',
  'base',
  'meta',
  'link',
  'title',
  'head',
  'svg',
  'math',
  'canvas',
  'video',
  'audio',
  'track',
  'map',
  'area',
  'dialog',
]);

/** Block containers renamed to `div`, so that unwrapping them never runs two blocks of text together. */
const RENAMED_TO_DIV = new Set([
  'section',
  'article',
  'header',
  'footer',
  'aside',
  'main',
  'nav',
  'center',
  'address',
  'details',
  'summary',
  'fieldset',
  'form',
  'body',
  'html',
  'legend',
  'label',
]);

/** The page has its own `<h1>` (the title): headings inside a body start one level down. */
const RENAMED: Readonly<Record<string, string>> = { h1: 'h2', strike: 's', tt: 'code', big: 'strong', xmp: 'pre', listing: 'pre', plaintext: 'pre' };

/** The only class values kept, each one the build itself set. */
const ALLOWED_CLASSES = new Set(['embed']);

/** Elements kept even with no text, because they show something or separate lines. */
const MEANINGFUL_WHEN_EMPTY = new Set(['img', 'br', 'hr', 'picture', 'source', 'figure', 'td', 'th', 'tr']);

/** Attributes every external link gets: new tab, no access to this page, no referrer for the news site. */
export function externalLinkAttributes(): Record<string, string> {
  return { rel: 'noopener noreferrer', target: '_blank' };
}

export function sanitizeTree(root: ParentNode, urls: UrlContext): void {
  // Collected before any edit: the loop removes and unwraps nodes as it goes.
  for (const node of allNodes(root)) {
    if (!isElement(node)) {
      if (!isText(node)) detach(node); // comments, processing instructions, CDATA
      continue;
    }
    sanitizeElement(node, urls);
  }
  pruneEmptyBlocks(root);
}

function sanitizeElement(element: Element, urls: UrlContext): void {
  if (!element.parent) return; // already removed with an ancestor
  const name = element.name.toLowerCase();
  if (DROPPED_WITH_CONTENT.has(name)) {
    detach(element);
    return;
  }
  // Everything not allowed below is unwrapped, keeping its text: that includes Office tags (`o:p`) and
  // the odd tags broken markup produces (`<ahref=https: ...>` parses as an element named `ahref=https:`).
  element.name = RENAMED[name] ?? (RENAMED_TO_DIV.has(name) ? 'div' : name);
  const allowed = ALLOWED_TAGS[element.name];
  if (!allowed) {
    unwrap(element);
    return;
  }
  const kept: Record<string, string> = {};
  for (const attribute of allowed) {
    const value = element.attribs[attribute];
    if (value === undefined) continue;
    const clean = cleanAttribute(element.name, attribute, value, urls);
    if (clean !== undefined) kept[attribute] = clean;
  }
  element.attribs = kept;
  if (element.name === 'a') {
    // A link that goes nowhere safe is just its text.
    if (!kept['href']) return unwrap(element);
    Object.assign(kept, externalLinkAttributes());
  }
  if (element.name === 'img' && !kept['src']) {
    const alt = element.attribs['alt'];
    if (alt) replaceWith(element, makeText(alt));
    else detach(element);
  }
  if (element.name === 'source' && !kept['srcset']) detach(element);
}

function cleanAttribute(tag: string, attribute: string, value: string, urls: UrlContext): string | undefined {
  switch (attribute) {
    case 'href':
      return resolveSafeUrl(value, urls.baseUrl);
    case 'src':
      return resolveImageUrl(value, urls);
    case 'srcset':
      return resolveSrcset(value, urls);
    case 'width':
    case 'height':
    case 'colspan':
    case 'rowspan':
    case 'start':
      return /^\d{1,5}$/.test(value.trim()) ? value.trim() : undefined;
    case 'class':
      return (
        value
          .split(/\s+/)
          .filter((name) => ALLOWED_CLASSES.has(name))
          .join(' ') || undefined
      );
    case 'media':
      // A media query, never a url() or expression: only the characters media queries use.
      return /^[\w\s():.,/-]*$/.test(value) ? value : undefined;
    case 'type':
      return /^[\w.+-]+\/[\w.+-]+$/.test(value) ? value : undefined;
    case 'reversed':
      return '';
    default:
      return tag === 'img' && attribute === 'alt' ? value : value.slice(0, 500);
  }
}

/**
 * Removes wrappers left empty by the steps before (ad slots, moved captions, spacer divs): elements
 * with no visible text and no element that shows something (MEANINGFUL_WHEN_EMPTY) inside. One walk,
 * children before parents; it once took each element's whole text, for every element.
 */
export function pruneEmptyBlocks(root: ParentNode): void {
  /** Prunes inside `parent`; whether what is left in it shows something. */
  const pruneIn = (parent: ParentNode): boolean => {
    let shows = false;
    // A copy: detaching a child changes the list being walked.
    for (const child of parent.children.slice()) {
      if (isText(child)) shows ||= !isBlank(child.data);
      else if (isElement(child)) {
        const inside = pruneIn(child);
        if (MEANINGFUL_WHEN_EMPTY.has(child.name) || inside) shows = true;
        else detach(child);
      }
    }
    return shows;
  };
  pruneIn(root);
}

function allNodes(root: ParentNode, out: ChildNode[] = []): ChildNode[] {
  for (const child of root.children) {
    out.push(child);
    if (isElement(child)) allNodes(child, out);
  }
  return out;
}
