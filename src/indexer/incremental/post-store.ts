/**
 * Where parsed posts wait between parsing and writing, so that a build holds only each post's small
 * summary in memory (about 0.5 KB) instead of its whole body: at 200k posts that is ~100 MB instead of
 * several GB. On disk, the store is also a persistent cache: entries are keyed by the file's content
 * and the parser's own source, so an unchanged post is never parsed twice, across builds.
 *
 * Each entry has two parts: its digest (summary and warnings, a few hundred bytes, which the last
 * build's record keeps too; and search tokens, a few KB, read when the search index is built) and the
 * parse outcome (of which writing the post's file reads only its body and related links, kept together).
 */
import { createHash } from 'node:crypto';
import type { Problem, RelatedLink } from '../../shared/types.ts';
import type { ParsedPost, ParseOutcome } from '../parse/parse-post.ts';
import { headOf, parseDigestHead, parseDigestSearch, serializeDigest, type PostDigest } from '../parse/post-digest.ts';
import type { SearchTokens } from '../parse/count-tokens.ts';
import { postFieldsFromBody, postFileBody } from '../parse/render-post.ts';
import { fileOf, openCacheDb, type CacheDb, type CacheFile } from './cache-db.ts';

export interface PostStore {
  /** The folder of a disk store: worker threads open their own store on it. */
  readonly dir?: string;
  get(key: string): Promise<ParseOutcome | undefined>;
  /** A post's search tokens (undefined for a problem, or an entry not there). */
  getSearch(key: string): Promise<SearchTokens | undefined>;
  /** A post's story print as its JSON line (see plan/same-story.ts; undefined for a problem, or an entry not there). */
  getStory(key: string): Promise<string | undefined>;
  /**
   * What writing a post's file needs, in one read: its part of its file (see render-post.ts) and its
   * related links; undefined for a problem, or an entry not there.
   */
  getForFile(key: string): Promise<{ body: Uint8Array; related: RelatedLink[] } | undefined>;
  /** The entry of a file's content (its storeKey), if the store has it: its key and its digest head as a JSON line (see serializeDigest). */
  find(contentKey: string): Promise<{ key: string; head: string } | undefined>;
  /** An entry's digest head as its JSON line (see serializeDigest), unchecked: what planning reads back. */
  getHead(key: string): Promise<string | undefined>;
  /** Stores a parse outcome and its digest; returns the entry's key and its digest's head line. */
  put(contentKey: string, outcome: ParseOutcome, digest: PostDigest): Promise<{ key: string; head: string }>;
  /**
   * Forgets every entry but these. `maybeUnused`: when given, the only entries that may be out of use
   * (the last build's keys of files changed or gone): the others are not looked at.
   */
  prune(keep: Iterable<string>, maybeUnused?: Iterable<string>): Promise<void>;
  /**
   * Says the caller reads nothing of the store for a while (a run's export): the thread's opening of
   * the cache may close, so that a drop round does not wait for it (see cache-map.ts).
   */
  idle(): Promise<void>;
  /**
   * Says the caller reads nothing of the store until its synchronous work is done (a batch's indexing, a
   * file's write): during a drop round the opening closes (once its writes are on disk), and the round
   * need not wait for this thread. Unlike idle(), nothing closes outside a round.
   */
  pause(): Promise<void>;
  /**
   * Lets go of the cache files' maps in every thread now (a drop round, see cache-map.ts), and resolves
   * once it is gone: a phase that read much of the store is done with it.
   */
  dropMap(): Promise<void>;
  /** Waits until what this store put is committed: from then on, other threads read it. */
  close(): Promise<void>;
}

const MISSING = 'is missing from the build cache';

/** The error of a build that finds an entry gone (a cache folder partly deleted by hand, or during the build). */
export function missingEntryError(key: string): Error {
  return new Error(`post ${key} ${MISSING} (deleted during the build?): build again, the next build checks every file against the cache`);
}

/** Whether a build failed on a missing entry (also when the error crossed from a worker as text). */
export function isMissingEntryError(error: unknown): boolean {
  return String(error instanceof Error ? error.message : error).includes(MISSING);
}

/** The cache key of one file's content: its bytes, the parse settings and the parser's version. */
export function storeKey(bytes: Uint8Array, settings: string): string {
  return createHash('sha1').update(settings).update('\u0000').update(bytes).digest('hex');
}

export function memoryStore(): PostStore {
  const entries = new Map<string, ParseOutcome>();
  const digests = new Map<string, PostDigest>();
  return {
    get: async (key) => entries.get(key),
    getSearch: async (key) => {
      const digest = digests.get(key);
      return digest && 'search' in digest ? digest.search : undefined;
    },
    getStory: async (key) => {
      const digest = digests.get(key);
      return (digest && 'story' in digest && digest.story) || undefined;
    },
    getForFile: async (key) => {
      const outcome = entries.get(key);
      if (!outcome || !('post' in outcome)) return undefined;
      return { body: Buffer.from(postFileBody(outcome.post)), related: outcome.post.related };
    },
    find: async (contentKey) => {
      const digest = digests.get(contentKey);
      return digest && { key: contentKey, head: JSON.stringify(headOf(digest)) };
    },
    getHead: async (key) => {
      const digest = digests.get(key);
      return digest && JSON.stringify(headOf(digest));
    },
    put: async (contentKey, outcome, digest) => {
      entries.set(contentKey, outcome);
      digests.set(contentKey, digest);
      return { key: contentKey, head: JSON.stringify(headOf(digest)) };
    },
    prune: async (keep) => {
      const kept = new Set(keep);
      for (const key of entries.keys()) {
        if (kept.has(key)) continue;
        entries.delete(key);
        digests.delete(key);
      }
    },
    idle: async () => {},
    pause: async () => {},
    dropMap: async () => {},
    close: async () => {},
  };
}

/**
 * An entry's parts, each its own database: a read takes only the part it needs (see PostStore). A post's
 * file reads `bodies`: its related links' JSON, a line break, then its body.
 */
const PARTS = ['heads', 'search', 'bodies', 'rests', 'stories'] as const;
type Part = (typeof PARTS)[number];

/**
 * The parts each file holds (see cache-db.ts): the small ones in `heads.lmdb`, read one by one after the
 * parse. Puts and prunes write a file's parts from here alone, in one transaction of that file.
 */
const PARTS_IN: Record<CacheFile, readonly Part[]> = {
  main: PARTS.filter((name) => fileOf(name) === 'main'),
  heads: PARTS.filter((name) => fileOf(name) === 'heads'),
};

type PostRest = Pick<ParsedPost, 'path' | 'dateSource' | 'text' | 'excerpt'> & { warnings: Problem[] };

const LINE_BREAK = 0x0a;

/** Entries removed per transaction by a prune: a commit that frees few overflow pages at once. */
const PRUNE_BATCH = 256;

/** The keys of `stored` (every key, or those that may be out of use) that `keep` does not name. */
function unusedIn(stored: Iterable<string>, keep: Iterable<string>): string[] {
  const unused = new Set(stored);
  // One pass of set lookups over the kept keys, and none when nothing may be out of use.
  if (unused.size > 0) for (const key of keep) unused.delete(key);
  return [...unused];
}

/** A problem's body is empty: it has no file. Neither JSON text holds a raw line break. */
function outcomeParts(outcome: ParseOutcome): [body: Buffer, rest: string] {
  if ('problem' in outcome) return [Buffer.alloc(0), JSON.stringify({ problem: outcome.problem })];
  const { post, warnings } = outcome;
  const rest: PostRest = { path: post.path, dateSource: post.dateSource, text: post.text, excerpt: post.excerpt, warnings };
  return [Buffer.from(`${JSON.stringify(post.related)}\n${postFileBody(post)}`), JSON.stringify(rest)];
}

/** A `bodies` value split into its post's body and related links (undefined for a problem's). */
function fileParts(value: Buffer): { body: Buffer; related: RelatedLink[] } | undefined {
  const end = value.indexOf(LINE_BREAK);
  if (end < 0) return undefined;
  return { body: value.subarray(end + 1), related: JSON.parse(value.toString('utf8', 0, end)) as RelatedLink[] };
}

function outcomeOf(value: Buffer, rest: string): ParseOutcome {
  const parts = fileParts(value);
  if (!parts) return JSON.parse(rest) as { problem: Problem };
  const { path, dateSource, text, excerpt, warnings } = JSON.parse(rest) as PostRest;
  const post: ParsedPost = { path, dateSource, text, excerpt, ...postFieldsFromBody(parts.body.toString('utf8')), related: parts.related };
  return { post, warnings };
}

/**
 * The posts of the build cache, in its LMDB files (see cache-db.ts), keyed by content key. Every thread
 * that parses opens the files itself; LMDB lets one writer at a time commit to each, so threads and
 * processes share them safely. Puts are committed together, in the background, and `close` waits for them: a
 * thread's entries are readable elsewhere once its task has closed its store.
 */
export function diskStore(dir: string, db?: CacheDb): PostStore {
  // Opened when first used.
  let opened: CacheDb | undefined;
  const cache = () => (opened ??= db ?? openCacheDb(dir));
  const part = (name: Part) => cache().part<string | Buffer>(name);
  // From the keys alone: doesExist would copy and decompress the value, mapping its pages among the bodies.
  const hasKey = (name: Part, key: string): boolean => {
    for (const found of part(name).getKeys({ start: key, limit: 1 })) return found === key;
    return false;
  };
  // Before each read or write: a quiet point, where the opening may be closed for a drop (see cache-map.ts).
  const string = async (name: Part, key: string) => (await cache().beforeUse(name === 'search' ? 'large' : 'small'), part(name).get(key) as string | undefined);
  const binary = async (key: string) => (await cache().beforeUse('large'), part('bodies').getBinary(key));
  let writes: Promise<unknown>[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    async get(key) {
      const body = await binary(key);
      const rest = part('rests').get(key) as string | undefined;
      return body && rest !== undefined ? attempt(() => outcomeOf(body, rest)) : undefined;
    },
    async getSearch(key) {
      const search = await string('search', key);
      return search === undefined ? undefined : attempt(() => parseDigestSearch(search));
    },
    async getStory(key) {
      return (await string('stories', key)) || undefined;
    },
    async getForFile(key) {
      const body = await binary(key);
      return body && attempt(() => fileParts(body));
    },
    async find(contentKey) {
      const head = await string('heads', contentKey);
      // A head without its large half is no entry (cache.lmdb went back after a power loss, heads.lmdb
      // did not: commits reach the disk later): the post is parsed again, and its put rewrites both.
      if (head === undefined || !hasKey('rests', contentKey)) return undefined;
      // Parsed once here to find a damaged entry (parse again), though the caller parses it itself.
      return attempt(() => (parseDigestHead(head), { key: contentKey, head }));
    },
    async getHead(key) {
      return string('heads', key);
    },
    async put(contentKey, outcome, digest) {
      // Serialized once: the head line is also what the caller sends on (see ingest-file.ts).
      const [head, search, story] = serializeDigest(digest);
      const [body, rest] = outcomeParts(outcome);
      const values: Record<Part, string | Buffer> = { heads: head, search, bodies: body, rests: rest, stories: story };
      const putIn = (file: CacheFile) =>
        cache().transaction(() => {
          for (const name of PARTS_IN[file]) part(name).put(contentKey, values[name]);
        }, file);
      await cache().beforeUse('large');
      // One transaction a file, the head's (what find reads) once the large parts are committed: a build
      // killed between the two leaves an entry without head, which is parsed again, never one read half.
      writes.push(putIn('main').then(() => putIn('heads')));
      return { key: contentKey, head };
    },
    async prune(keep, maybeUnused) {
      // Pruned by the build that owns the store, before it closes it.
      await Promise.all(writes);
      writes = [];
      // Every large part holds the same keys (put and removed in one transaction): walked in the search
      // tokens, whose large values live on overflow pages, so its leaves hold little more than the keys. The
      // heads are walked too: one may have outlived its large half (see find).
      const gone = unusedIn(
        maybeUnused ?? new Set([...(part('search').getKeys() as Iterable<string>), ...(part('heads').getKeys() as Iterable<string>)]),
        keep,
      );
      // In small transactions: lmdb's freelist is fragile when one commit frees thousands of overflow pages.
      for (let start = 0; start < gone.length; start += PRUNE_BATCH) {
        const batch = gone.slice(start, start + PRUNE_BATCH);
        // The heads first: a build killed between the two leaves large parts no head finds, removed by the next walk.
        for (const file of ['heads', 'main'] as const) {
          await cache().transaction(() => {
            for (const key of batch) for (const name of PARTS_IN[file]) part(name).remove(key);
          }, file);
        }
      }
    },
    idle: () => cache().letGo(),
    dropMap: () => cache().dropMap(),
    pause: async () => {
      await cache().pause();
    },
    async close() {
      const pending = writes;
      writes = [];
      // Committed, so other threads read them; flushed to disk when the build closes the cache, not
      // here after every task. The environment stays open: lmdb keeps one per file and process.
      await Promise.all(pending);
    },
  };
}
