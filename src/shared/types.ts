/**
 * The index format: every JSON file the build writes and the browser reads.
 *
 * This is the one module both sides import. Changing a shape starts here, and bumps
 * INDEX_FORMAT_VERSION so that a browser holding an old cached shard notices.
 *
 * Layout of the emitted files (all under `<base>/data/`):
 *   manifest.json              Manifest: counts, tags, days, shard size
 *   shards/<n>.json            MetaShard: post metadata, oldest first, `shardSize` posts each (shardFile)
 *   tags/<n>.json              TagPostList: the rows carrying tag n of the manifest
 *   posts/<f>/<bucket>.json    PostBucket: the PostFile (body, figures, related stories) of each post
 *                              whose id falls in the bucket (postBucketFile)
 *   groups.json                RowGroups: rows the list shows as one (versions, one story's reports)
 *
 * Rows: every post has a row, its position in the archive ordered by date, counted from the OLDEST post
 * (row 0). Files number posts by row (shards, tag lists, the search index's postings), so that a post
 * added after the newest keeps every other post's row: a rebuild that adds the day's news rewrites the
 * newest shard and the lists of the tokens and tags it holds, not every file that numbers posts (with
 * rows counted from the newest, one new post renumbered all 200k posts of an archive, and a deploy
 * carried ~330 MB of changed files). The list shows the newest first; its positions are rows counted
 * from the newest, and the browser converts where it reads files (src/features/data/data-client.ts).
 */

export const INDEX_FORMAT_VERSION = 4;

/** An ISO-8601 instant in UTC, e.g. `2023-02-22T18:04:07.000Z`. */
export type IsoInstant = string;

/** A calendar day in the archive's time zone, `YYYY-MM-DD`. */
export type DayKey = string;

/** One outlet or topic a post is filed under. `key` is what filters and URLs use. */
export interface TagRef {
  /** Stable, lower-case filter key, after aliasing (`(臺)中央社CNA` and `cna` are both `cna`). */
  key: string;
  /** Human label shown in the UI. */
  label: string;
}

export interface TagSummary extends TagRef {
  /** Number of indexed posts carrying the tag. */
  count: number;
  /** Path relative to `data/` of the tag's TagPostList, e.g. `tags/0.json`. */
  file: string;
}

/**
 * The rows (counted from the oldest post) of the posts carrying one tag, ascending and delta-encoded:
 * `[5, 1, 3]` means rows 5, 6 and 9. Lets the list filter by tag without fetching shards.
 */
export interface TagPostList {
  version: number;
  key: string;
  rowDeltas: number[];
}

/** Path relative to `data/` of metadata shard n (shard 0 holds the oldest posts). */
export function shardFile(shard: number): string {
  return `shards/${shard}.json`;
}

export interface Manifest {
  version: number;
  /** When the index was built (not used for display of posts). */
  builtAt: IsoInstant;
  /** IANA zone in which days are counted and dates are shown, e.g. `Asia/Taipei`. */
  timeZone: string;
  postCount: number;
  /** Every tag, most used first. */
  tags: TagSummary[];
  /** Posts per calendar day in `timeZone`, oldest day first. */
  days: [DayKey, number][];
  /**
   * Posts per shard: row r (counted from the oldest) is post r % shardSize of shard floor(r / shardSize)
   * (see shardFile); every shard but the last, the newest, is full. Nothing per shard is listed here, so
   * the manifest does not grow with the archive's size.
   */
  shardSize: number;
  shardCount: number;
  /** Number of post buckets, the files holding the posts' bodies; see postBucketFile. */
  postBuckets: number;
  /**
   * How every other data file is written: `gzip`, each gzip-compressed under its usual name, which the
   * reader inflates itself (hosts send them without a Content-Encoding), knowing each by its first bytes
   * (compressed-data.ts). Absent: plain. See src/indexer/output/data-file.ts.
   */
  compression?: 'gzip';
}

/** What the list needs to show one row, and what filters look at. */
export interface PostMeta {
  /** Stable, unique id derived from the file name (see src/indexer/parse/ids.ts). */
  id: string;
  title: string;
  date: IsoInstant;
  /** Tag keys; labels live in the manifest. */
  tags: string[];
  /** First ~90 characters of the body text, without the wire-service dateline. */
  excerpt: string;
  /** The first figure's image, for a thumbnail. */
  image?: ThumbnailRef;
  /** Written language when it is not Traditional Chinese (the archive's default): `zh-Hans` or `en`. */
  lang?: string;
  /** Minutes to read the text, characters counted for CJK and words for Latin scripts (see reading-time.ts). */
  readingMinutes?: number;
}

export interface ThumbnailRef {
  src: string;
  /** The first figure's `srcset` (see Figure): the list picks the smallest candidate fit for its slot. */
  srcset?: string;
  width?: number;
  height?: number;
}

export interface MetaShard {
  version: number;
  posts: PostMeta[];
}

export interface Figure {
  /** A usable absolute http(s) URL. */
  src: string;
  /** `srcset` as written in HTML (absolute URLs with `w` or `x` descriptors). */
  srcset?: string;
  /** Alternative sources from a `<picture>`, in document order. */
  sources?: { media?: string; srcset: string; type?: string }[];
  width?: number;
  height?: number;
  alt: string;
  caption?: string;
}

export interface RelatedLink {
  title: string;
  /** Absolute http(s) URL of the related story on the original site. */
  url: string;
  /** Id of the archived copy, when the archive holds a post with this original URL. */
  archivedId?: string;
}

export interface PostFile {
  version: number;
  id: string;
  title: string;
  date: IsoInstant;
  tags: TagRef[];
  /** Byline from `author:` when it says more than the outlet tag. */
  author?: string;
  /** Written language (`zh-Hant`, `zh-Hans`, `en`) when it could be told from the text. */
  lang?: string;
  /** Original article, http(s) only. */
  originalUrl?: string;
  /** Clean HTML. Still passed through DOMPurify in the browser before it reaches the DOM. */
  html: string;
  figures: Figure[];
  related: RelatedLink[];
  /** Topic words the outlet tagged the story with (e.g. CNA's topic links): each opens a search of the archive. */
  topics?: string[];
  /**
   * Other versions of this article: copies of it under the same original URL that the mirrors caught at
   * another time, holding 60–90 % of each other's text (see mergeDuplicates). Newest first.
   */
  versions?: PostVersion[];
  /** Ids of the neighbours by date (previous = older, next = newer). */
  previousId?: string;
  nextId?: string;
}

/** Another version of an article (see PostFile.versions). */
export interface PostVersion {
  id: string;
  date: IsoInstant;
  title: string;
}

/** Why a file was not indexed, or was indexed with a fallback. A closed set, documented in the README. */
export type ProblemReason =
  | 'unreadable'
  | 'not-utf8'
  | 'too-large'
  | 'no-front-matter'
  | 'bad-yaml'
  | 'no-title'
  | 'invalid-date'
  | 'date-fallback'
  | 'unsafe-url'
  | 'empty-body'
  | 'duplicate-url'
  /** Indexed: another copy under the same original URL, kept as a version of it (60–90 % the same text). */
  | 'url-version'
  /** Indexed: shares its original URL with a different article (under 60 % the same text), kept as its own post. */
  | 'url-reused'
  /** Its build worker died on it twice (a parser bug that crashed or ran away): see ingestOnWorkers. */
  | 'worker-crashed';

export interface Problem {
  /** Path relative to the posts folder, exactly as on disk (may contain newlines or quotes). */
  path: string;
  reason: ProblemReason;
  /** `error`: the file is not in the index. `warning`: it is, with the fallback described. */
  severity: 'error' | 'warning';
  /** Where and what: the field, the line, the value used instead. */
  detail: string;
}

export interface IngestReport {
  version: number;
  postsDir: string;
  builtAt: IsoInstant;
  filesSeen: number;
  postsIndexed: number;
  duplicatesMerged: number;
  /** Files not indexed (severity `error`, including merged duplicates). */
  filesNotIndexed: number;
  /** Count of problems per reason. */
  byReason: Partial<Record<ProblemReason, number>>;
  problems: Problem[];
  durationMs: number;
  /**
   * Where the build's time went, phase by phase in order (seconds of wall time): for a maintainer
   * wondering why a rebuild is slow, and for the benchmarks.
   */
  phases?: [name: string, seconds: number][];
  /**
   * The memory at each phase's end, in the order of `phases` (MB): the process's peak RSS so far (worker
   * threads included), its RSS, and the main thread's heap in use. Which phase set the build's peak.
   */
  phaseMemory?: [name: string, peakRssMB: number, rssMB: number, heapUsedMB: number][];
  /** The search index, once written (builds only). */
  search?: SearchIndexStats;
  /** Files of `data/` written by this build, left as they were (unchanged since the last build), removed. */
  output?: { written: number; unchanged: number; removed: number };
  /**
   * Whether a build over an earlier one's output patched that build's plan (only what changed), or
   * planned every post again, and why (see src/indexer/incremental/patch-plan.ts). Builds only.
   */
  plan?: { patched: true } | { patched: false; reason: string };
  /**
   * The build cache (builds only): why the one found was discarded (an older format), and why the
   * entries this build no longer uses were not forgotten (the next build tries again).
   */
  cache?: { discarded?: string; notPruned?: string };
  /** What the build wrote beyond the index (see src/indexer/output/write-extras.ts). Builds only. */
  extras?: {
    /** Atom feeds written, left as they were, removed (absent without SITE_URL). */
    feeds?: { written: number; unchanged: number; removed: number };
    /** Posts compared, posts with other reports of their story, buckets read (not cached) or reported by their writers, files written and kept, seconds. */
    sameStory?: {
      posts: number;
      grouped: number;
      furtherReading: number;
      bucketsRead: number;
      bucketsReported: number;
      written: number;
      unchanged: number;
      seconds: number;
    };
  };
}

export interface SearchIndexStats {
  tokens: number;
  shards: number;
  /** Files of common tokens' older postings (see search-format.ts). */
  pieces: number;
  /** Bytes of all search files (meta.json, shards and pieces), uncompressed. */
  bytes: number;
  /** Posts in the index's tail (see search-format.ts), whose shards a new post changes. */
  tailPosts?: number;
  /** Time spent writing post files while adding their tokens (threads at work together), the search tail's shards written meanwhile. */
  addSeconds: number;
  /** Time spent joining, cutting and writing the shards before the tail (the head), or patching them. */
  writeSeconds: number;
  /** Made by patching the last build's index (few posts new or changed) rather than from every post. */
  patched?: boolean;
}

/**
 * The file that holds a post's PostFile, relative to `data/`: posts are spread over buckets by a hash of
 * their id, a few posts to a bucket (see postBucketCount), so that an article is one small fetch found
 * from its id alone, and an archive of 200k posts is ~65k files rather than 200k: creating files was
 * the largest part of a build's time on disk, and of a deploy's file count. Folders of 256 buckets.
 */
export function postBucketFile(id: string, bucketCount: number): string {
  const bucket = postBucket(id, bucketCount);
  return `${POSTS_FOLDER}/${bucket >>> 8}/${bucket}.json`;
}

/** The folder of `data/` that holds the post buckets (see postBucketFile). */
export const POSTS_FOLDER = 'posts';

/**
 * A post bucket's key: its file's path under POSTS_FOLDER (`0/8.json` for `posts/0/8.json`), as the
 * extras' bucket cache names it, and the bucket writers report it.
 */
export function postBucketKey(file: string): string {
  if (!file.startsWith(`${POSTS_FOLDER}/`)) throw new Error(`${file} is not a post bucket's file: it lies outside ${POSTS_FOLDER}/`);
  return file.slice(POSTS_FOLDER.length + 1);
}

export function postBucket(id: string, bucketCount: number): number {
  return mix32(fnv1a(id)) % bucketCount;
}

/**
 * MurmurHash3's finalizer: FNV-1a's low bits follow the last characters too closely (ids that differ
 * only there fell in the same few of 4 buckets), and a power-of-two bucket count keeps only low bits.
 */
export function mix32(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

/** Posts per bucket, at most, on average: what reading one article fetches besides it. */
export const POSTS_PER_BUCKET = 4;

/**
 * Buckets for an archive of `postCount` posts: a power of two, so that it changes (and every bucket
 * file with it) only when the archive doubles; 2 to 4 posts a bucket on average.
 */
export function postBucketCount(postCount: number): number {
  return 2 ** Math.max(0, Math.ceil(Math.log2(postCount / POSTS_PER_BUCKET)));
}

/** A post bucket's file: the PostFile of each of its posts, in id order. */
export type PostBucket = PostFile[];

/** The post in a bucket's file, if it is there. */
export function postInBucket(bucket: PostBucket, id: string): PostFile | undefined {
  return bucket.find((post) => post.id === id);
}

/** FNV-1a's 32-bit offset basis and prime, for the indexer's loops that hash units where they lie. */
export const FNV_OFFSET = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over the text's UTF-16 code units, as an unsigned 32-bit number: tiny, stable across Node and browsers. */

export function fnv1a(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, FNV_PRIME) >>> 0;
  }
  return hash;
}

/** fnv1a of the string `units[start]` to `units[end]`, read where the units lie (the shard cutter's tokens). */
export function fnv1aUnits(units: Uint16Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let k = start; k < end; k++) hash = Math.imul(hash ^ units[k]!, FNV_PRIME);
  return hash >>> 0;
}

/**
 * Issue 25: what the build adds to an article beyond its post file, kept apart in `extras/<n>.json`
 * (ExtrasBucket, see extrasFile) so that the posts' files and their writing stay as they are.
 */
export interface StoryRef {
  id: string;
  title: string;
  date: IsoInstant;
  /** Tag keys; labels live in the manifest. */
  tags: string[];
}

export interface PostExtras {
  /** Other posts reporting the same story (src/indexer/plan/same-story.ts), most alike first. */
  sameStory?: StoryRef[];
  /** Posts sharing the article's rare terms, for one that links to few stories of its own. */
  furtherReading?: StoryRef[];
}

/**
 * `data/groups.json` (GROUPS_FILE): the rows the list shows as one, so that it can collapse them without
 * fetching a shard or an article. Rows count from the oldest post, as in TagPostList; each group is
 * ascending and delta-encoded the same way (`[5, 1, 3]` is rows 5, 6 and 9). At 5.4k real posts, ~1 in 11
 * rows is in a group: ~3 KB; at 200k posts an estimated ~150 KB (~50 KB gzip), fetched once with the list.
 */
export interface RowGroups {
  version: number;
  /**
   * Versions of one article (PostFile.versions, issue 23): the list shows the newest of those in view,
   * with 「另有 N 個版本」, and not the others.
   */
  versions: number[][];
  /**
   * Reports of one story (src/indexer/plan/same-story.ts: connected pairs), each article once (a versions
   * group by its newest row): the list shows the first listed, 「另有 N 家媒體報導」 expanding the others.
   */
  stories: number[][];
}

/** Path relative to `data/` of the RowGroups file. */
export const GROUPS_FILE = 'groups.json';

/** An extras file: the extras of each post of its bucket that has any, by post id. */
export type ExtrasBucket = Record<string, PostExtras>;

/** Path relative to `data/` of the extras file holding a post's: one file for 16 post buckets (~60 posts). */
export function extrasFile(id: string, postBuckets: number): string {
  return `extras/${postBucket(id, extrasBucketCount(postBuckets))}.json`;
}

export function extrasBucketCount(postBuckets: number): number {
  return Math.max(1, Math.ceil(postBuckets / 16));
}
