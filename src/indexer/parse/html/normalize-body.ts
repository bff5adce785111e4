/**
 * One post body (HTML) → clean HTML plus its structured parts. The steps run in this order because each
 * needs what the previous left: boilerplate is found by class and inline style before the sanitizer strips
 * them; related links leave before figures are looked for; embeds become links before iframes are dropped.
 */
import type { Figure, RelatedLink } from '../../../shared/types.ts';
import { removeBoilerplate } from './boilerplate.ts';
import { replaceEmbeds } from './embeds.ts';
import { normalizeFigures } from './figures.ts';
import { parseBodyHtml, readableTexts, serializeChildren } from './html-tree.ts';
import { extractRelatedLinks } from './related-links.ts';
import { sanitizeTree } from './sanitize.ts';
import type { UrlContext } from '../urls.ts';

const WITHOUT_FIGURES = new Set(['figure']);

export interface NormalizedBody {
  html: string;
  /** Reader-visible text, one line per block, white space folded: for excerpts and search. */
  text: string;
  /** The running text without figure captions: what an excerpt is made from. */
  leadText: string;
  figures: Figure[];
  related: RelatedLink[];
}

export function normalizeBody(html: string, urls: UrlContext): NormalizedBody {
  const root = parseBodyHtml(html);
  removeBoilerplate(root);
  const related = extractRelatedLinks(root, urls);
  const figures = normalizeFigures(root, urls);
  replaceEmbeds(root, urls);
  sanitizeTree(root, urls);
  const texts = readableTexts(root, WITHOUT_FIGURES);
  return { html: serializeChildren(root).trim(), text: texts.all, leadText: texts.kept, figures, related };
}
