/**
 * Markdown bodies (`.md`, `.markdown`) → HTML, through a CommonMark parser that keeps raw HTML, as Jekyll
 * renders them. Seed-family bodies open with an epoch comment and a heading repeating the title, which the
 * page shows anyway: both are dropped first.
 */
import MarkdownIt from 'markdown-it';
import { decodeHTML } from 'entities/decode';

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

/**
 * `<!--1677089047000-->` (or `<!--NaN-->` when the feed had no date) then `[title](url)` then a `------`
 * underline (a setext heading). The title may hold brackets itself (`…第一戰[影]`), one level deep.
 */
const EPOCH_COMMENT = String.raw`<!--\s*(?:\d{10,13}|NaN)\s*-->[ \t]*\n`;
const LINK_TEXT = String.raw`(?:[^\[\]\\\n]|\\.|\[(?:[^\[\]\\\n]|\\.)*\])*`;
const SEED_PREAMBLE = new RegExp(String.raw`^\s*(?:${EPOCH_COMMENT})?(?:\s*\[(${LINK_TEXT})\]\(([^)\n]*)\)[ \t]*\n-{3,}[ \t]*\n)?`);
const LEADING_EPOCH_COMMENT = new RegExp(String.raw`^\s*${EPOCH_COMMENT}`);

/**
 * Tags that open an HTML block whose content stays raw up to its matching end tag: kramdown's default
 * (`parse_block_html: false`), which is what Jekyll renders. Markdown is never applied inside them.
 */
const HTML_BLOCK_TAGS = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'center',
  'details',
  'dialog',
  'div',
  'dl',
  'fieldset',
  'figure',
  'footer',
  'form',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'iframe',
  'main',
  'nav',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'ul',
  'script',
  'style',
  'noscript',
  'video',
  'audio',
  'picture',
  'figcaption',
  'menu',
]);
const VOID_BLOCK_TAGS = new Set(['hr']);
const BLOCK_START = /^ {0,3}<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>]|$)/gm;

export function stripSeedPreamble(body: string, title: string, originalUrl?: string): string {
  const match = SEED_PREAMBLE.exec(body);
  if (!match || match[0] === '') return body;
  const [whole, headingText, headingUrl] = match;
  if (headingText !== undefined) {
    const sameTitle = normalizeForCompare(headingText) === normalizeForCompare(title);
    const sameUrl = originalUrl !== undefined && headingUrl?.trim() === originalUrl;
    // A heading that does not repeat this post's title or link is content: keep it.
    if (!sameTitle && !sameUrl) return body.replace(LEADING_EPOCH_COMMENT, '');
  }
  return body.slice(whole.length);
}

/** Markdown to HTML, with each HTML block (HTML_BLOCK_TAGS) passed through as written. */
export function renderMarkdown(source: string): string {
  return splitHtmlBlocks(source)
    .map((part) => (part.raw ? `${part.text}\n` : markdown.render(part.text)))
    .join('');
}

/** The source cut into Markdown runs and raw HTML blocks, in order. */
export function splitHtmlBlocks(source: string): { raw: boolean; text: string }[] {
  const parts: { raw: boolean; text: string }[] = [];
  let done = 0;
  BLOCK_START.lastIndex = 0;
  for (let start = BLOCK_START.exec(source); start; start = BLOCK_START.exec(source)) {
    const tag = start[1]!.toLowerCase();
    if (start.index < done || !HTML_BLOCK_TAGS.has(tag)) continue;
    const end = lineEnd(source, VOID_BLOCK_TAGS.has(tag) ? start.index : (matchingEndTag(source, tag, start.index) ?? blankLineAfter(source, start.index)));
    if (start.index > done) parts.push({ raw: false, text: source.slice(done, start.index) });
    parts.push({ raw: true, text: source.slice(start.index, end) });
    done = end;
    BLOCK_START.lastIndex = end;
  }
  if (done < source.length) parts.push({ raw: false, text: source.slice(done) });
  return parts;
}

/** Where the end tag closing the `tag` opened at `from` ends, counting nested ones; undefined if none. */
function matchingEndTag(source: string, tag: string, from: number): number | undefined {
  const tags = new RegExp(String.raw`<(/?)${tag}(?=[\s/>])[^>]*>`, 'gi');
  tags.lastIndex = from;
  let depth = 0;
  for (let match = tags.exec(source); match; match = tags.exec(source)) {
    depth += match[1] ? -1 : match[0].endsWith('/>') ? 0 : 1;
    if (depth <= 0) return match.index + match[0].length;
  }
  return undefined;
}

/** An unclosed block ends at the first blank line, as in CommonMark. */
function blankLineAfter(source: string, from: number): number {
  const blank = /\n[ \t]*\n/g;
  blank.lastIndex = from;
  return blank.exec(source)?.index ?? source.length;
}

function lineEnd(source: string, from: number): number {
  const newline = source.indexOf('\n', from);
  return newline < 0 ? source.length : newline + 1;
}

function normalizeForCompare(text: string): string {
  return decodeHTML(text.replace(/\\(.)/g, '$1')).replace(/\s+/g, '').toLowerCase();
}
