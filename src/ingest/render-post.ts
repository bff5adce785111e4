/**
 * One parsed post and its place in the archive → the JSON of its post file (`data/posts/…`).
 */
import { INDEX_FORMAT_VERSION, type PostFile } from '../index-format/types.ts';
import type { ParsedPost } from './parse-post.ts';

/** What a post file needs besides the post: decided by the whole archive (ids, order, what is archived). */
export interface PostPlacement {
  id: string;
  previousId?: string;
  nextId?: string;
  /** For each of the post's related links, in order: the id of its archived copy, if the archive has one. */
  relatedIds: (string | undefined)[];
}

export function renderPostFile(post: ParsedPost, place: PostPlacement): string {
  const file: PostFile = {
    version: INDEX_FORMAT_VERSION,
    id: place.id,
    title: post.title,
    date: post.date.toISOString(),
    tags: post.tags,
    ...(post.author ? { author: post.author } : {}),
    ...(post.language ? { lang: post.language } : {}),
    ...(post.originalUrl ? { originalUrl: post.originalUrl } : {}),
    html: post.html,
    figures: post.figures,
    related: post.related.map((link, n) => {
      const archivedId = place.relatedIds[n];
      return archivedId ? { ...link, archivedId } : link;
    }),
    ...(place.previousId ? { previousId: place.previousId } : {}),
    ...(place.nextId ? { nextId: place.nextId } : {}),
  };
  return JSON.stringify(file);
}
