/**
 * What changed between two versions of an article, sentence by sentence: the longest common subsequence
 * of their sentences, the rest marked as removed (only in the older) or added (only in the newer).
 */

export type DiffPart = { kind: 'same' | 'added' | 'removed'; text: string };

/** Sentence ends in Chinese and Latin text; a paragraph break ends one too. */
const SENTENCE = /[^。！？!?；;\n]+(?:[。！？!?；;]+[」』”’）)]*|\n|$)|[。！？!?；;]+/g;

export function splitSentences(text: string): string[] {
  return (text.match(SENTENCE) ?? []).map((sentence) => sentence.trim()).filter(Boolean);
}

/**
 * The sentences of `before` and `after` in reading order, each marked. Runs of unchanged sentences are
 * kept whole: the reader sees changes in their place.
 */
export function diffSentences(before: string[], after: string[]): DiffPart[] {
  const n = before.length;
  const m = after.length;
  // lengths[i][j]: the longest common subsequence of before[i..] and after[j..].
  const lengths = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i]![j] = before[i] === after[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart['kind'], text: string) => parts.push({ kind, text });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      push('same', before[i]!);
      i++;
      j++;
      // What was removed reads before what replaced it.
    } else if (i < n && (j === m || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) push('removed', before[i++]!);
    else push('added', after[j++]!);
  }
  return parts;
}

/** The readable text of a post's HTML, one line per block, as the browser parses it (never inserted into the page). */
export function textOfHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const blocks = doc.body.querySelectorAll('p, li, h2, h3, h4, h5, h6, figcaption, pre, td, th, dt, dd');
  const lines =
    blocks.length > 0 ? [...blocks].filter((block) => !block.querySelector('p, li')).map((block) => block.textContent ?? '') : [doc.body.textContent ?? ''];
  return lines
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}
