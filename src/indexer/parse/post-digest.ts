/**
 * What the index needs of a parsed post, apart from its body: its summary (for the list, the manifest
 * and the ordering), its warnings, and its search tokens. Made once per post version, when it is parsed,
 * and kept in the post store next to the post, so that a rebuild reads a few KB per unchanged post
 * instead of parsing it again or reading its whole body back.
 */
import type { PostMeta, Problem } from '../../shared/types.ts';
import type { ParseOutcome, ParsedPost } from './parse-post.ts';
import { countSearchTokens, TokenScratch, type SearchTokens } from './count-tokens.ts';
import { urlIdentity } from './urls.ts';
import { textPrint } from './text-print.ts';
import { readingMinutes } from '../../shared/reading-time.ts';
import { serializeStoryPrint, storyPrintOf, storyTextOfHtml } from '../plan/same-story.ts';
import { ShingleScratch } from '../plan/shingle-hashes.ts';
import { WallTimes } from './dates.ts';

/** Everything of a post but its body. About 0.5 KB a post. */
export interface PostSummary extends Omit<ParsedPost, 'html' | 'text' | 'figures' | 'related' | 'topics'> {
  textLength: number;
  figureCount: number;
  image?: PostMeta['image'];
  /** The identity (urlIdentity) of each related story's URL, in the order of the post's related links. */
  relatedUrls: string[];
  /** Its text's print (see text-print.ts): how copies of one article are told apart. */
  textPrint: string;
  /** Minutes to read the text (see src/shared/reading-time.ts). */
  readingMinutes?: number;
}

/** `story`: the post's story print as a JSON line (plan/same-story.ts), read only when the extras are made. */
export type PostDigest = { problem: Problem } | { summary: PostSummary; warnings: Problem[]; search: SearchTokens; story?: string };

/**
 * What a thread that parses reuses from post to post: the digest's buffers (~0.2 MB) and the dates it
 * converted. Made by the thread (a build worker, for its life; the main thread, for a build); one post
 * at a time, as parsing and digesting never await.
 */
export interface PostScratch {
  tokens: TokenScratch;
  shingles: ShingleScratch;
  wallTimes: WallTimes;
}

export function newPostScratch(): PostScratch {
  return { tokens: new TokenScratch(), shingles: new ShingleScratch(), wallTimes: new WallTimes() };
}

export function digestOutcome(outcome: ParseOutcome, scratch: Pick<PostScratch, 'tokens' | 'shingles'>): PostDigest {
  if ('problem' in outcome) return outcome;
  return {
    summary: summarizePost(outcome.post),
    warnings: outcome.warnings,
    search: countSearchTokens(outcome.post.title, outcome.post.text, scratch.tokens),
    story: serializeStoryPrint(storyPrintOf(outcome.post.title, storyTextOfHtml(outcome.post.html), scratch.shingles)),
  };
}

export function summarizePost(post: ParsedPost): PostSummary {
  const { html: _html, text, figures, related, topics: _topics, ...rest } = post;
  const first = figures[0];
  return {
    ...rest,
    textLength: text.length,
    figureCount: figures.length,
    ...(first
      ? {
          image: {
            src: first.src,
            ...(first.srcset ? { srcset: first.srcset } : {}),
            ...(first.width && first.height ? { width: first.width, height: first.height } : {}),
          },
        }
      : {}),
    relatedUrls: related.map((link) => urlIdentity(link.url)),
    textPrint: textPrint(text),
    readingMinutes: readingMinutes(text),
  };
}

/** What the first pass of a build needs of a digest: all but the search tokens. */
export type DigestHead = { problem: Problem } | { summary: PostSummary; warnings: Problem[] };

export function headOf(digest: PostDigest): DigestHead {
  if ('problem' in digest) return digest;
  return { summary: digest.summary, warnings: digest.warnings };
}

/**
 * A digest as three strings: its head (a line of JSON), its search tokens (weights in base64, a line
 * break, then the tokens joined by line breaks, which no token holds: left as they are, not escaped into
 * JSON) and its story print. Kept apart so that the first pass of a rebuild parses a few hundred bytes
 * per post, not the tokens too.
 */
export function serializeDigest(digest: PostDigest): [head: string, search: string, story: string] {
  const search = 'search' in digest ? `${Buffer.from(digest.search.weights).toString('base64')}\n${digest.search.joined}` : '';
  return [JSON.stringify(headOf(digest)), search, ('story' in digest && digest.story) || ''];
}

export function parseDigestHead(line: string): DigestHead {
  const head = JSON.parse(line) as DigestHead;
  if ('summary' in head) head.summary.date = new Date(head.summary.date as unknown as string);
  return head;
}

/** The search tokens of a serialized digest (undefined for a problem's, which has none). */
export function parseDigestSearch(search: string): SearchTokens | undefined {
  const end = search.indexOf('\n');
  if (end < 0) return undefined;
  return { joined: search.slice(end + 1), weights: new Uint8Array(Buffer.from(search.slice(0, end), 'base64')) };
}
