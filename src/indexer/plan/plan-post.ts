/**
 * What planning holds of each post: the few fields that order, number, merge and link the rows (~0.3 KB a
 * post). Everything else of a summary (excerpt, image, title, text print...: ~8 KB a post in the heap, 1.6 GB
 * at 200k) stays in the post store and is read back a metadata shard at a time, or for the few posts that
 * share an original URL (see buildIndex).
 */
import type { TagRef } from '../../shared/types.ts';
import type { PostSummary } from '../parse/post-digest.ts';
import { urlIdentity } from '../parse/urls.ts';

export interface PlanPost {
  /** Post store key of the whole post: its summary is read back from there. */
  key: string;
  path: string;
  /** Its date in ms. */
  date: number;
  /** The identity (urlIdentity) of its original URL. */
  url: string | undefined;
  /** See PostSummary.relatedUrls. */
  relatedUrls: readonly string[];
  /** Shared by every post with the same tags (see PlanPosts). */
  tags: readonly TagRef[];
  /** What ranks copies of one article (see mergeDuplicates). */
  textLength: number;
  figureCount: number;
}

const NO_URLS: readonly string[] = [];

/**
 * Turns summaries into plan posts. A summary's strings are its own (JSON.parse makes each anew): tag
 * lists and related URLs, repeated over thousands of posts, are kept once.
 */
export class PlanPosts {
  private readonly tagLists = new Map<string, readonly TagRef[]>();
  private readonly urls = new Map<string, string>();

  /** `path`: the file's own path string (the same as the summary's), so that the plan holds one. */
  of(summary: PostSummary, key: string, path: string): PlanPost {
    return {
      key,
      path,
      date: summary.date.getTime(),
      url: summary.originalUrl ? this.intern(urlIdentity(summary.originalUrl)) : undefined,
      relatedUrls: summary.relatedUrls.length === 0 ? NO_URLS : summary.relatedUrls.map((url) => this.intern(url)),
      tags: this.tagsOf(summary.tags),
      textLength: summary.textLength,
      figureCount: summary.figureCount,
    };
  }

  private intern(url: string): string {
    const known = this.urls.get(url);
    if (known !== undefined) return known;
    this.urls.set(url, url);
    return url;
  }

  private tagsOf(tags: readonly TagRef[]): readonly TagRef[] {
    const signature = tags.map((tag) => `${tag.key}\u0000${tag.label}`).join('\u0001');
    const known = this.tagLists.get(signature);
    if (known) return known;
    const list = tags.map((tag) => ({ ...tag }));
    this.tagLists.set(signature, list);
    return list;
  }
}
