/**
 * One post file → one post record, or the reasons it cannot be one.
 * A bad post is data, not an exception: every outcome is returned, nothing is thrown for bad input.
 */
import { decodeHTML } from 'entities/decode';
import type { Figure, Problem, RelatedLink, TagRef } from '../../shared/types.ts';
import { decodePostBytes } from './decode.ts';
import { detectLanguage, type PostLanguage } from './language.ts';
import { decidePostDate, WallTimes, type DateSource } from './dates.ts';
import { makeExcerpt } from './excerpt.ts';
import { parseFrontMatter, splitFrontMatter } from './front-matter.ts';
import { renderMarkdown, stripSeedPreamble } from './markdown.ts';
import { normalizeBody } from './html/normalize-body.ts';
import { resolveTags } from './tags.ts';
import { resolveSafeUrl } from './urls.ts';

/** Larger files are not news posts (the largest real post is 679 KB); they are reported, not parsed. */
export const MAX_POST_BYTES = 4 * 1024 * 1024;

export interface ParsedPost {
  /** Path relative to the posts folder, `/`-separated. */
  path: string;
  title: string;
  date: Date;
  dateSource: DateSource;
  tags: TagRef[];
  author?: string;
  /** Written language, told from the script of the title and text. */
  language?: PostLanguage;
  originalUrl?: string;
  html: string;
  text: string;
  excerpt: string;
  figures: Figure[];
  related: RelatedLink[];
  /** Topic words from the outlet's topic links (see TOPIC_LINKS in related-links.ts); usually empty. */
  topics?: string[];
}

export interface ParseOptions {
  /** IANA time zone for dates written without an offset, e.g. `Asia/Taipei`. */
  timeZone: string;
  /** Public URL of `public/archive-assets/` (see UrlContext). */
  assetBase?: string;
}

export type ParseOutcome = { post: ParsedPost; warnings: Problem[] } | { problem: Problem };

/** `wallTimes`: the dates the caller's thread converted already (see PostScratch in post-digest.ts). */
export function parsePost(path: string, bytes: Uint8Array, options: ParseOptions, wallTimes = new WallTimes()): ParseOutcome {
  const fail = (reason: Problem['reason'], detail: string): ParseOutcome => ({ problem: { path, reason, severity: 'error', detail } });
  if (bytes.length > MAX_POST_BYTES) return fail('too-large', `${bytes.length} bytes; posts larger than ${MAX_POST_BYTES} bytes are skipped`);

  const decoded = decodePostBytes(bytes);
  if ('badByteOffset' in decoded) return fail('not-utf8', `invalid UTF-8 at byte ${decoded.badByteOffset} (line ${decoded.line}); save the file as UTF-8`);

  const split = splitFrontMatter(decoded.text);
  if (!split) return fail('no-front-matter', 'the file does not start with a "---" front-matter block closed by another "---"');

  const parsed = parseFrontMatter(split.yaml);
  if ('error' in parsed) return fail('bad-yaml', `front matter (from line 2): ${parsed.error}`);
  const fields = parsed.fields;

  const warnings: Problem[] = [];
  const warn = (reason: Problem['reason'], detail: string) => warnings.push({ path, reason, severity: 'warning', detail });

  const fileName = path.split('/').pop() ?? path;
  const decided = decidePostDate({ field: fields.text('date'), body: split.body, fileName, timeZone: options.timeZone, wallTimes });
  if (!decided) {
    const written = fields.text('date');
    return fail(
      'invalid-date',
      `${written === undefined ? 'no date field' : `date field "${written}" is not a valid date`}, no <!--epoch--> comment and no YYYY-MM-DD- file-name prefix`,
    );
  }
  if (decided.fallbackReason)
    warn(
      'date-fallback',
      `${decided.fallbackReason}; used the ${decided.source === 'epoch-comment' ? '<!--epoch--> comment' : 'file-name date'} (${decided.date.toISOString()})`,
    );

  const rawUrl = fields.text('from') ?? fields.text('link');
  const originalUrl = resolveSafeUrl(rawUrl);
  if (rawUrl !== undefined && rawUrl.trim() !== '' && !originalUrl) {
    warn('unsafe-url', `${fields.has('from') ? 'from' : 'link'}: "${rawUrl.slice(0, 200)}" is not an http(s) URL; the post has no original link`);
  }

  let title = cleanTitle(fields.text('title') ?? '');
  const isMarkdown = /\.(md|markdown)$/i.test(fileName);
  const bodySource = isMarkdown ? renderMarkdown(stripSeedPreamble(split.body, title, originalUrl)) : split.body;
  const body = normalizeBody(bodySource, { baseUrl: originalUrl, assetBase: options.assetBase });

  if (title === '') {
    const firstLine = body.text.split('\n')[0] ?? '';
    if (firstLine === '') return fail('no-title', 'title is empty or missing, and the body has no text to take one from');
    title = makeExcerpt(firstLine, 40);
    warn('no-title', `title is empty or missing; used the start of the body: "${title}"`);
  }
  if (body.text === '' && body.figures.length === 0) {
    warn('empty-body', 'the body has no text and no pictures; the post is listed with its title and original link only');
  }

  const tags = resolveTags([...fields.list('tags'), ...fields.list('categories')]);
  const author = cleanTitle(fields.text('author') ?? '');
  const language = detectLanguage(`${title} ${body.leadText}`);
  return {
    post: {
      path,
      title,
      date: decided.date,
      dateSource: decided.source,
      tags,
      ...(author && !tags.some((tag) => tag.label === author || resolveTags([author])[0]?.key === tag.key) ? { author } : {}),
      ...(originalUrl ? { originalUrl } : {}),
      ...(language ? { language } : {}),
      html: body.html,
      text: body.text,
      excerpt: makeExcerpt(body.leadText.replace(/\n/g, ' ')),
      figures: body.figures,
      related: body.related,
      ...(body.topics.length > 0 ? { topics: body.topics } : {}),
    },
    warnings,
  };
}

/**
 * Titles: entities decoded (`&quot;` is common in the seed family), block scalars folded to one line. A
 * feed that escaped its titles twice (`大&amp;#22338;直美`) leaves an entity after one decoding: decoded
 * again, at most twice more, and only for character references a title never means literally.
 */
export function cleanTitle(raw: string): string {
  let title = decodeHTML(raw);
  for (let pass = 0; pass < 2 && LEFT_ENCODED.test(title); pass++) title = decodeHTML(title);
  return title.replace(/[\s\u00a0\u2028\u2029]+/g, ' ').trim();
}

const LEFT_ENCODED = /&(?:#\d{2,7}|#x[\da-f]{2,6}|amp|quot|apos|lt|gt|nbsp);/i;
