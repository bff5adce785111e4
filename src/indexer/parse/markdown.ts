/**
 * Markdown bodies (`.md`, `.markdown`) → HTML, through a CommonMark parser that keeps raw HTML, as Jekyll
 * renders them. Seed-family bodies open with an epoch comment and a heading repeating the title, which the
 * page shows anyway: both are dropped first.
 */
import MarkdownIt from 'markdown-it';
import { decodeHTML } from 'entities';

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

/** `<!--1677089047000-->` then `[title](url)` then a `------` underline (a setext heading). */
const SEED_PREAMBLE = /^\s*(?:<!--\s*\d{10,13}\s*-->[ \t]*\n)?(?:\s*\[((?:[^\]\\]|\\.)*)\]\(([^)\n]*)\)[ \t]*\n-{3,}[ \t]*\n)?/;

export function stripSeedPreamble(body: string, title: string, originalUrl?: string): string {
  const match = SEED_PREAMBLE.exec(body);
  if (!match || match[0] === '') return body;
  const [whole, headingText, headingUrl] = match;
  if (headingText !== undefined) {
    const sameTitle = normalizeForCompare(headingText) === normalizeForCompare(title);
    const sameUrl = originalUrl !== undefined && headingUrl?.trim() === originalUrl;
    // A heading that does not repeat this post's title or link is content: keep it.
    if (!sameTitle && !sameUrl) return body.replace(/^\s*<!--\s*\d{10,13}\s*-->[ \t]*\n/, '');
  }
  return body.slice(whole.length);
}

export function renderMarkdown(source: string): string {
  return markdown.render(source);
}

function normalizeForCompare(text: string): string {
  return decodeHTML(text.replace(/\\(.)/g, '$1')).replace(/\s+/g, '').toLowerCase();
}
