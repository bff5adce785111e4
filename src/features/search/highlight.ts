/**
 * Where the query's words are in a text, in the text's own characters: the text is folded the way the
 * index folds it (so 習近平 is found by 习近平, ＡＰＥＣ by apec), matched, and the matches mapped back.
 */
import { foldWithOrigins, isWordChar } from '../../shared/search-text.ts';

/** [start, end) ranges in `text`, ascending and not overlapping. */
export function findMatches(text: string, needles: readonly string[]): [number, number][] {
  if (needles.length === 0 || text === '') return [];
  const { folded, origins } = foldWithOrigins(text);
  const found: [number, number][] = [];
  for (const needle of needles) {
    if (!needle) continue;
    const latinStart = isWordChar(needle.codePointAt(0)!);
    const latinEnd = isWordChar(needle.codePointAt(needle.length - 1)!);
    // White space in a needle (between Latin words) matches any run of it.
    const pattern = new RegExp(needle.split(' ').map(escapeRegExp).join('\\s+'), 'g');
    for (let hit = pattern.exec(folded); hit; pattern.lastIndex = hit.index + 1, hit = pattern.exec(folded)) {
      const at = hit.index;
      const end = at + hit[0].length;
      // A Latin word matches whole words only: "ai" is not in "said".
      if (latinStart && at > 0 && isWordChar(folded.codePointAt(at - 1)!)) continue;
      if (latinEnd && end < folded.length && isWordChar(folded.codePointAt(end)!)) continue;
      found.push([origins[at]!, origins[end]!]);
    }
  }
  found.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: [number, number][] = [];
  for (const range of found) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([...range]);
  }
  return merged;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text cut into plain and matched pieces. */
export function splitMatches(text: string, needles: readonly string[]): { text: string; match: boolean }[] {
  const pieces: { text: string; match: boolean }[] = [];
  let at = 0;
  for (const [start, end] of findMatches(text, needles)) {
    if (start > at) pieces.push({ text: text.slice(at, start), match: false });
    pieces.push({ text: text.slice(start, end), match: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), match: false });
  return pieces;
}

/**
 * Wraps every match inside `root`'s text in `<mark class="search-hit">`. Returns the marks, in document
 * order. Works on DOM nodes (after sanitizing), never on HTML strings.
 */
export function markMatches(root: HTMLElement, needles: readonly string[]): HTMLElement[] {
  const marks: HTMLElement[] = [];
  if (needles.length === 0) return marks;
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) nodes.push(node as Text);
  for (const node of nodes) {
    const ranges = findMatches(node.data, needles);
    if (ranges.length === 0) continue;
    const fragment = root.ownerDocument.createDocumentFragment();
    let at = 0;
    for (const [start, end] of ranges) {
      if (start > at) fragment.append(node.data.slice(at, start));
      const mark = root.ownerDocument.createElement('mark');
      mark.className = 'search-hit';
      mark.textContent = node.data.slice(start, end);
      fragment.append(mark);
      marks.push(mark);
      at = end;
    }
    if (at < node.data.length) fragment.append(node.data.slice(at));
    node.replaceWith(fragment);
  }
  return marks;
}
