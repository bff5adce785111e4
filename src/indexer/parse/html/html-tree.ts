/**
 * A spec-compliant HTML5 parse (parse5, which repairs unclosed tags exactly as browsers do) into a
 * domhandler tree that the body normalizers edit, and back to HTML.
 */
import { parseFragment, serializeOuter } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { Document, Element, Text, hasChildren, type AnyNode, type ChildNode, type ParentNode } from 'domhandler';
import { compile, is, selectAll, selectOne } from 'css-select';
import { removeElement, replaceElement, textContent } from 'domutils';

const HTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';

export type { AnyNode, ChildNode, Element, ParentNode };
export { Document, Text };

/** Parses body HTML as the content of a `<div>`, the way a browser would insert it into a page. */
export function parseBodyHtml(html: string): Document {
  const fragment = parseFragment(html, { treeAdapter: adapter }) as unknown as Document;
  return fragment;
}

export function serializeChildren(parent: ParentNode): string {
  let html = '';
  for (const child of parent.children) html += serializeOuter(child as never, { treeAdapter: adapter });
  return html;
}

export function isElement(node: AnyNode | null | undefined): node is Element {
  return node instanceof Element;
}

export function isText(node: AnyNode | null | undefined): node is Text {
  return node instanceof Text;
}

// Selectors are compiled once: compiling them again for every post was a tenth of the parse.
const compiled = new Map<string, ReturnType<typeof compile>>();
const query = (selector: string) => {
  let fn = compiled.get(selector);
  if (!fn) compiled.set(selector, (fn = compile(selector)));
  return fn;
};

export function all(selector: string, root: ParentNode): Element[] {
  return selectAll(query(selector), root) as Element[];
}

export function matches(selector: string, element: Element): boolean {
  return is(element, query(selector));
}

export function first(selector: string, root: ParentNode): Element | undefined {
  return (selectOne(query(selector), root) as Element | null) ?? undefined;
}

export function classList(element: Element): string[] {
  return (element.attribs['class'] ?? '').split(/\s+/).filter(Boolean);
}

export function textOf(node: AnyNode | AnyNode[]): string {
  return textContent(node);
}

/** Text as a reader sees it: runs of white space (including U+2028/2029 and NBSP) folded to one space. */
export function visibleText(node: AnyNode | AnyNode[]): string {
  return collapseWhitespace(textContent(node));
}

/** White space as a reader sees it: \s (which holds U+00A0, U+2028 and U+2029) and U+200B. */
const WHITE_SPACE = '[\\s\\u00a0\\u2028\\u2029\\u200b]';
const WHITE_SPACE_RUN = new RegExp(`${WHITE_SPACE}+`, 'g');
const BLANK = new RegExp(`^${WHITE_SPACE}*$`);
const WHITE_SPACE_CHAR = new RegExp(WHITE_SPACE, 'g');

export function collapseWhitespace(text: string): string {
  return text.replace(WHITE_SPACE_RUN, ' ').trim();
}

/** Whether collapseWhitespace makes a text empty. */
export function isBlank(text: string): boolean {
  return BLANK.test(text);
}

/** Whether visibleText(node) is not empty: stops at the first text that shows something. */
export function hasVisibleText(node: AnyNode): boolean {
  if (isText(node)) return !isBlank(node.data);
  return hasChildren(node) && node.children.some(hasVisibleText);
}

/**
 * How many characters visibleText(node) holds besides white space, counting no further than `limit`
 * (past it, `limit + 1`): a wrapper around a whole article is known too long without reading it all.
 */
export function visibleLength(node: AnyNode, limit = Number.POSITIVE_INFINITY): number {
  let length = 0;
  const walk = (current: AnyNode): boolean => {
    if (isText(current)) length += current.data.replace(WHITE_SPACE_CHAR, '').length;
    else if (hasChildren(current)) for (const child of current.children) if (!walk(child)) return false;
    return length <= limit;
  };
  walk(node);
  return Math.min(length, limit + 1);
}

/** How many `name` elements are below `root` (not counting it), counting no further than `limit + 1`. */
export function countElements(name: string, root: ParentNode, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  const walk = (parent: ParentNode): boolean => {
    for (const child of parent.children) {
      if (!isElement(child)) continue;
      if (child.name === name && ++count > limit) return false;
      if (!walk(child)) return false;
    }
    return true;
  };
  walk(root);
  return count;
}

export function detach(node: ChildNode): void {
  removeElement(node);
}

export function replaceWith(node: ChildNode, replacement: ChildNode): void {
  replaceElement(node, replacement);
}

/** Replaces an element by its children (keeps the text, drops the wrapper). */
export function unwrap(element: Element): void {
  const parent = element.parent;
  if (!parent) return;
  const index = parent.children.indexOf(element);
  const children = [...element.children];
  for (const child of children) child.parent = parent;
  parent.children.splice(index, 1, ...children);
  relink(parent);
  element.parent = null;
  element.children = [];
}

export function makeElement(name: string, attribs: Record<string, string> = {}, children: ChildNode[] = []): Element {
  // Through the adapter, so the element carries the HTML namespace the serializer needs to know void tags.
  const element = adapter.createElement(
    name,
    HTML_NAMESPACE as never,
    Object.entries(attribs).map(([attrName, value]) => ({ name: attrName, value })),
  );
  element.children = children;
  for (const child of children) child.parent = element;
  relink(element);
  return element;
}

export function makeText(text: string): Text {
  return new Text(text);
}

/** Keeps the prev/next sibling links domutils relies on in step with `children`. */
function relink(parent: ParentNode): void {
  const children = parent.children;
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    child.prev = children[i - 1] ?? null;
    child.next = children[i + 1] ?? null;
    child.parent = parent;
  }
}

/** Every element below `root`, in document order, collected before any edit (safe to mutate while iterating). */
export function descendants(root: ParentNode): Element[] {
  const out: Element[] = [];
  const walk = (parent: ParentNode) => {
    for (const child of parent.children) {
      if (isElement(child)) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/** The elements below `root` named one of `names`, in document order: what `all` finds for tag names, without the selector engine. */
export function elementsNamed(root: ParentNode, names: ReadonlySet<string>): Element[] {
  const out: Element[] = [];
  const walk = (parent: ParentNode) => {
    for (const child of parent.children) {
      if (!isElement(child)) continue;
      if (names.has(child.name)) out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** The elements below `root` with a class attribute, in document order (candidates for class selectors). */
export function elementsWithClass(root: ParentNode): Element[] {
  return descendants(root).filter((element) => element.attribs['class'] !== undefined);
}

/** True once an element has been removed from the tree (directly or with an ancestor). */
export function isDetached(element: Element, root: ParentNode): boolean {
  let node: ParentNode | null = element.parent;
  while (node && node !== root) node = node.parent;
  return node !== root;
}

const BLOCK_ELEMENTS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'figure',
  'figcaption',
  'blockquote',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'tr',
  'table',
  'pre',
  'hr',
  'dt',
  'dd',
]);

/**
 * Text with one line break between blocks, so paragraphs do not run into each other: of the whole tree
 * (`all`), and without the elements named in `skip` (`kept`; e.g. `figure`, for an excerpt without
 * captions), in one walk. Each is its lines, white space collapsed (collapseWhitespace), blank lines
 * dropped.
 */
export function readableTexts(root: ParentNode, skip: ReadonlySet<string>): { all: string; kept: string } {
  const all: string[] = [];
  const kept: string[] = [];
  let skipped = false;
  const walk = (parent: ParentNode, keep: boolean) => {
    for (const child of parent.children) {
      if (isText(child)) {
        all.push(child.data);
        if (keep) kept.push(child.data);
      } else if (isElement(child)) {
        const block = BLOCK_ELEMENTS.has(child.name);
        const keepChild = keep && !skip.has(child.name);
        skipped ||= keep && !keepChild;
        if (block) all.push('\n');
        if (block && keepChild) kept.push('\n');
        walk(child, keepChild);
        if (block) all.push('\n');
        if (block && keepChild) kept.push('\n');
      }
    }
  };
  walk(root, true);
  const allText = tidyLines(all.join(''));
  // Nothing skipped (most posts have no figure): the kept text is the same text, not tidied twice.
  return { all: allText, kept: skipped ? tidyLines(kept.join('')) : allText };
}

/**
 * Each line's white space collapsed and trimmed (collapseWhitespace), blank lines dropped: in one pass
 * over the text (a run of white space is one line break if it holds one, else one space), rather than
 * a regular expression per line.
 */
export function tidyLines(text: string): string {
  const tidied = text.replace(WHITE_SPACE_RUN, (run) => (run.includes('\n') ? '\n' : ' '));
  // A run was made one character: at most one to take off at either end.
  const start = tidied.charCodeAt(0) === 0x20 || tidied.charCodeAt(0) === 0x0a ? 1 : 0;
  const last = tidied.charCodeAt(tidied.length - 1);
  const end = tidied.length > start && (last === 0x20 || last === 0x0a) ? tidied.length - 1 : tidied.length;
  return tidied.slice(start, end);
}
