/**
 * The short excerpt a list row shows under the title.
 */

/** ~2 lines of a phone-width list row in CJK text. */
export const EXCERPT_CHARS = 90;

/**
 * Wire-service datelines carry no news: `（中央社記者楊舒晴台北1日電）`, `(中央社台北22日電)`.
 * Up to 40 characters in full-width or ASCII parentheses at the very start.
 */
const DATELINE = /^\s*[（(][^（）()]{0,40}(?:電|報導|专电|電訊)[）)]\s*/;

export function makeExcerpt(text: string, maxChars = EXCERPT_CHARS): string {
  const body = text.replace(DATELINE, '').trim();
  const chars = Array.from(body); // code points, so an emoji or a CJK extension character is never cut in half
  if (chars.length <= maxChars) return body;
  return chars.slice(0, maxChars).join('').trimEnd() + '…';
}
