/**
 * What the build writes beyond the index itself (issue 25), from the index as written: the Atom feeds,
 * and each article's other reports of the same story.
 * One call from the plugin after writeIndex; each part reads the output back rather than the build's
 * plan, so that full and patched builds alike get them.
 */
import { writeFeeds, type WrittenFeeds } from './write-feeds.ts';
import { writeStoryExtrasOver, type StoryExtrasHelp, type StoryPrints, type WrittenStoryExtras } from './write-story-extras.ts';

/** With the build's help (StoryExtrasHelp): the buckets its writers reported, its free workers. */
export interface ExtrasOptions extends StoryExtrasHelp {
  dataRoot: string;
  /**
   * Absolute URL of the published site, ending in `/`: feeds need absolute links. Without it no feed is
   * written. @default process.env.SITE_URL
   */
  siteUrl?: string;
  /** The build cache: the posts' same-story signatures are kept there. Without it, every post is read. */
  cacheDir?: string;
  /** The story prints the build's workers made (see StoryPrints). Without them, they are made from the written posts. */
  prints?: StoryPrints;
}

export interface WrittenExtras {
  feeds?: Omit<WrittenFeeds, 'paths'>;
  sameStory?: WrittenStoryExtras;
}

/** The archive's name in feeds: the reader's title (see siteTitle in src/ui/i18n.tsx). */
const SITE_TITLE = '新聞典藏閱讀器';

/** Writes the extras; returns their report and the bucket cache the output's record keeps (see StoryExtrasOutcome). */
export async function writeExtras(options: ExtrasOptions): Promise<{ extras: WrittenExtras; bucketCache?: string }> {
  const siteUrl = siteUrlOf(options.siteUrl ?? process.env['SITE_URL']);
  const { report, bucketCache } = await writeStoryExtrasOver(options.dataRoot, options.cacheDir, options.prints, options);
  const extras: WrittenExtras = { sameStory: report };
  if (siteUrl) {
    const { paths: _paths, ...feeds } = await writeFeeds(options.dataRoot, { siteUrl, title: SITE_TITLE, language: 'zh-Hant-TW' });
    extras.feeds = feeds;
  }
  return { extras, ...(bucketCache ? { bucketCache } : {}) };
}

/** SITE_URL as an absolute http(s) URL ending in `/`, or undefined when unset; a malformed one stops the build. */
export function siteUrlOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`SITE_URL must be the published site's absolute URL, e.g. https://user.github.io/archive/ (got ${JSON.stringify(raw)})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`SITE_URL must be an http(s) URL (got ${JSON.stringify(raw)})`);
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}
