/**
 * What the index needs of a parsed post, apart from its body: its summary (for the list, the manifest
 * and the ordering), its warnings, and its search tokens. Made once per post version, when it is parsed,
 * and kept in the post store next to the post, so that a rebuild reads a few KB per unchanged post
 * instead of parsing it again or reading its whole body back.
 */
import type { PostMeta, Problem } from '../index-format/types.ts';
import type { ParseOutcome, ParsedPost } from './parse-post.ts';
import { countSearchTokens, type SearchTokens } from './search-index.ts';
import { urlIdentity } from './urls.ts';

/** Everything of a post but its body. About 0.5 KB a post. */
export interface PostSummary extends Omit<ParsedPost, 'html' | 'text' | 'figures' | 'related'> {
  textLength: number;
  figureCount: number;
  image?: PostMeta['image'];
  /** The identity (urlIdentity) of each related story's URL, in the order of the post's related links. */
  relatedUrls: string[];
}

export type PostDigest = { problem: Problem } | { summary: PostSummary; warnings: Problem[]; search: SearchTokens };

export function digestOutcome(outcome: ParseOutcome): PostDigest {
  if ('problem' in outcome) return outcome;
  return { summary: summarizePost(outcome.post), warnings: outcome.warnings, search: countSearchTokens(outcome.post.title, outcome.post.text) };
}

export function summarizePost(post: ParsedPost): PostSummary {
  const { html: _html, text, figures, related, ...rest } = post;
  const first = figures[0];
  return {
    ...rest,
    textLength: text.length,
    figureCount: figures.length,
    ...(first ? { image: { src: first.src, ...(first.width && first.height ? { width: first.width, height: first.height } : {}) } } : {}),
    relatedUrls: related.map((link) => urlIdentity(link.url)),
  };
}

/** A digest as JSON text: tokens joined by new lines (no token holds one), weights in base64. */
export function serializeDigest(digest: PostDigest): string {
  if ('problem' in digest) return JSON.stringify(digest);
  const { search, ...rest } = digest;
  return JSON.stringify({ ...rest, tokens: search.tokens.join('\n'), weights: Buffer.from(search.weights).toString('base64') });
}

export function parseDigest(json: string): PostDigest {
  const raw = JSON.parse(json) as { problem: Problem } | { summary: PostSummary; warnings: Problem[]; tokens: string; weights: string };
  if ('problem' in raw) return raw;
  raw.summary.date = new Date(raw.summary.date as unknown as string);
  return {
    summary: raw.summary,
    warnings: raw.warnings,
    search: { tokens: raw.tokens === '' ? [] : raw.tokens.split('\n'), weights: new Uint8Array(Buffer.from(raw.weights, 'base64')) },
  };
}
