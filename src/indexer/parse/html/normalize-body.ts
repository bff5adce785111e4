/**
 * One post body (HTML) → clean HTML plus its structured parts. The steps run in this order because each
 * needs what the previous left: boilerplate is found by class and inline style before the sanitizer strips
 * them; related links leave before figures are looked for; embeds become links before iframes are dropped.
 */
import type { Figure, RelatedLink } from '../../../shared/types.ts';
import { removeBoilerplate } from './boilerplate.ts';
import { quoteSocialPosts, replaceEmbeds } from './embeds.ts';
import { normalizeFigures } from './figures.ts';
import { parseBodyHtml, readableTexts, serializeChildren } from './html-tree.ts';
import { extractRelatedLinks } from './related-links.ts';
import { pruneEmptyBlocks, sanitizeTree } from './sanitize.ts';
import { settleTree } from './fixed-point.ts';
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
  /** Topics the outlet tagged the story with (see TOPIC_LINKS): searches in this archive. */
  topics: string[];
}

export function normalizeBody(html: string, urls: UrlContext): NormalizedBody {
  const root = parseBodyHtml(html);
  quoteSocialPosts(root, urls);
  removeBoilerplate(root);
  const { related, topics } = extractRelatedLinks(root, urls);
  const figures = normalizeFigures(root, urls);
  replaceEmbeds(root, urls);
  sanitizeTree(root, urls);
  const settled = settleTree(root, pruneEmptyBlocks);
  const texts = readableTexts(settled, WITHOUT_FIGURES);
  return { html: serializeChildren(settled).trim(), text: texts.all, leadText: texts.kept, figures, related, topics };
}
