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
  // Counted in code points, so that an emoji or a CJK extension character is never cut in half; and
  // only as far as needed (the text given is often the whole article).
  let end = 0;
  for (let count = 0; end < body.length; count++) {
    if (count === maxChars) return body.slice(0, end).trimEnd() + '…';
    end += body.codePointAt(end)! > 0xffff ? 2 : 1;
  }
  return body;
}
