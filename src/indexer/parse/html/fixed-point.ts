/**
 * The emitted HTML must be a fixed point of the HTML parser: a browser given it builds the tree the build
 * meant, so what the build counted (text, figures) is what a reader sees. Edits can nest what the parser
 * never nests (a figure put where a picture was inside a `<p>`, a heading inside a heading): such a tree
 * is written out and parsed again, as the browser would, until it holds still.
 */
import { isElement, isText, parseBodyHtml, serializeChildren, type ParentNode } from './html-tree.ts';

/** Start tags that close an open `<p>` (HTML's "close a p element" steps), so never found inside one. */
const CLOSES_P = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'dir',
  'div',
  'dl',
  'fieldset',
  'figcaption',
  'figure',
  'footer',
  'header',
  'hgroup',
  'main',
  'menu',
  'nav',
  'ol',
  'p',
  'search',
  'section',
  'summary',
  'ul',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'listing',
  'form',
  'table',
  'hr',
  'xmp',
  'li',
  'dd',
  'dt',
  'plaintext',
]);
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements inside which the parser resets the `<p>` scope (a table cell starts afresh). */
const P_SCOPE_BOUNDARIES = new Set(['td', 'th', 'caption', 'button', 'marquee', 'object', 'applet', 'html', 'table']);
/** What a table part may hold directly; anything else (text too) is moved out of the table by the parser. */
const TABLE_CHILDREN: Readonly<Record<string, ReadonlySet<string>>> = {
  table: new Set(['caption', 'colgroup', 'thead', 'tbody', 'tfoot', 'tr']),
  thead: new Set(['tr']),
  tbody: new Set(['tr']),
  tfoot: new Set(['tr']),
  tr: new Set(['td', 'th']),
};

/** Parses again until the tree is a fixed point; `prune` tidies each new tree (the parser leaves empty `<p>`s). */
export function settleTree(root: ParentNode, prune: (root: ParentNode) => void): ParentNode {
  let tree = root;
  for (let round = 0; round < 3 && !isSettled(tree); round++) {
    tree = parseBodyHtml(serializeChildren(tree));
    prune(tree);
  }
  return tree;
}

/** Whether the parser would build this very tree from its HTML (for the nestings edits can make). */
export function isSettled(root: ParentNode): boolean {
  const walk = (parent: ParentNode, inP: boolean, inA: boolean, inHeading: boolean): boolean => {
    const allowed = isElement(parent) ? TABLE_CHILDREN[parent.name] : undefined;
    for (const child of parent.children) {
      if (allowed && !(isElement(child) ? allowed.has(child.name) : isText(child) ? /^[ \t\n\f\r]*$/.test(child.data) : true)) return false;
      if (!isElement(child)) continue;
      const name = child.name;
      if ((inP && CLOSES_P.has(name)) || (inA && name === 'a') || (inHeading && HEADINGS.has(name))) return false;
      if (!allowed && isTablePart(name)) return false;
      const scoped = P_SCOPE_BOUNDARIES.has(name);
      if (!walk(child, scoped ? false : inP || name === 'p', inA || name === 'a', scoped ? false : inHeading || HEADINGS.has(name))) return false;
    }
    return true;
  };
  return walk(root, false, false, false);
}

/** Table parts the parser only keeps inside a table (a lone `<tr>` or `<td>` outside one is dropped). */
function isTablePart(name: string): boolean {
  return name === 'tr' || name === 'td' || name === 'th' || name === 'tbody' || name === 'thead' || name === 'tfoot' || name === 'caption';
}
