/**
 * One parsed post and its place in the archive → the JSON of its post file (`data/posts/…`).
 *
 * A post file is made of two parts: its body (everything the post itself decides: title, date, tags,
 * HTML, figures…), rendered once when the post is parsed and kept as text (or bytes) in the post store,
 * and what the archive decides (its id, its neighbours, which related stories the archive holds),
 * written in front of it. Writing 200k post files then never decodes, parses and encodes their HTML
 * again (~45 µs a post).
 */
import { INDEX_FORMAT_VERSION, type PostFile, type PostVersion, type RelatedLink } from '../../shared/types.ts';
import { compareCodeUnits } from '../../shared/code-unit-order.ts';
import type { PostLanguage } from './language.ts';
import type { ParsedPost } from './parse-post.ts';

/** What a post file needs besides the post: decided by the whole archive (ids, order, what is archived). */
export interface PostPlacement {
  id: string;
  previousId?: string;
  nextId?: string;
  /** For each of the post's related links, in order: the id of its archived copy, if the archive has one. */
  relatedIds: (string | undefined)[];
  /** The other versions of the post's article (see PostFile.versions), when the archive holds several. */
  versions?: PostVersion[];
}

/** The fields of a post file that the post alone decides. */
type PostFileBody = Omit<PostFile, 'version' | 'id' | 'related' | 'previousId' | 'nextId' | 'versions'>;

/** The post's part of its file, as a JSON object (`{"title":…}`). */
export function postFileBody(post: ParsedPost): string {
  const body: PostFileBody = {
    title: post.title,
    date: post.date.toISOString(),
    tags: post.tags,
    ...(post.author ? { author: post.author } : {}),
    ...(post.language ? { lang: post.language } : {}),
    ...(post.originalUrl ? { originalUrl: post.originalUrl } : {}),
    html: post.html,
    figures: post.figures,
    ...(post.topics?.length ? { topics: post.topics } : {}),
  };
  return JSON.stringify(body);
}

/** The post's fields a body holds (postFileBody's inverse, for a store that keeps only the body). */
export type PostBodyFields = Pick<ParsedPost, 'title' | 'date' | 'tags' | 'author' | 'language' | 'originalUrl' | 'html' | 'figures' | 'topics'>;

export function postFieldsFromBody(body: string): PostBodyFields {
  const file = JSON.parse(body) as PostFileBody;
  return {
    title: file.title,
    date: new Date(file.date),
    tags: file.tags,
    ...(file.author ? { author: file.author } : {}),
    ...(file.originalUrl ? { originalUrl: file.originalUrl } : {}),
    ...(file.lang ? { language: file.lang as PostLanguage } : {}),
    html: file.html,
    figures: file.figures,
    ...(file.topics ? { topics: file.topics } : {}),
  };
}

/** The archive's part of a post file: its opening, up to where the body's fields follow. */
function placementHead(related: readonly RelatedLink[], place: PostPlacement): string {
  const head: Pick<PostFile, 'version' | 'id' | 'related' | 'previousId' | 'nextId' | 'versions'> = {
    version: INDEX_FORMAT_VERSION,
    id: place.id,
    related: placedRelated(related, place),
    ...(place.previousId ? { previousId: place.previousId } : {}),
    ...(place.nextId ? { nextId: place.nextId } : {}),
    ...(place.versions?.length ? { versions: place.versions } : {}),
  };
  // Without its closing brace, and a comma for the body's first field.
  return `${JSON.stringify(head).slice(0, -1)},`;
}

/** A post's related links as its file lists them: each with the id of its archived copy, if the archive holds one. */
export function placedRelated(related: readonly RelatedLink[], place: PostPlacement): RelatedLink[] {
  return related.map((link, n) => {
    const archivedId = place.relatedIds[n];
    return archivedId ? { ...link, archivedId } : link;
  });
}

/** A post file from its stored body (bytes, as the disk store reads them) and its placement. */
export function postFileFromBody(body: Uint8Array, related: readonly RelatedLink[], place: PostPlacement): Buffer {
  // The body's opening brace is left out: the head ends where its first field begins.
  return Buffer.concat([Buffer.from(placementHead(related, place)), body.subarray(1)]);
}

export function renderPostFile(post: ParsedPost, place: PostPlacement): string {
  return placementHead(post.related, place) + postFileBody(post).slice(1);
}

/** One post of a bucket: its id and its file's JSON (see postBucketFile). */
export interface BucketMember {
  id: string;
  file: Uint8Array;
}

/**
 * A bucket's file: a JSON array of its posts' files in id order (the same bytes however the bucket was
 * made, from scratch or patched), one post per line, so that a rebuild can carry a post over from the
 * file as written without rendering it again (see bucketMembers).
 */
export function bucketFile(members: readonly BucketMember[]): Buffer {
  const sorted = sortedById(members);
  const parts: Uint8Array[] = [OPEN];
  sorted.forEach((member, n) => parts.push(...(n > 0 ? [SEPARATOR] : []), member.file));
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

/** The members in a bucket file's order: by id. */
export function sortedById<T extends { id: string }>(members: readonly T[]): T[] {
  return [...members].sort((a, b) => compareCodeUnits(a.id, b.id));
}

/** The posts of a bucket's file as bucketFile wrote it. JSON text holds no raw line break. */
export function bucketMembers(file: Buffer): BucketMember[] {
  const members: BucketMember[] = [];
  const lines = file.subarray(OPEN.length, file.length - CLOSE.length);
  for (let start = 0; start < lines.length;) {
    const newline = lines.indexOf(NEWLINE, start);
    // Each line but the last ends with the separator's comma.
    const line = lines.subarray(start, newline < 0 ? lines.length : newline - 1);
    members.push({ id: (JSON.parse(line.toString('utf8')) as PostFile).id, file: line });
    start = newline < 0 ? lines.length : newline + 1;
  }
  return members;
}

const OPEN = Buffer.from('[\n');
const SEPARATOR = Buffer.from(',\n');
const CLOSE = Buffer.from('\n]\n');
const NEWLINE = 0x0a;
