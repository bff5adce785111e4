/**
 * Where parsed posts wait between parsing and writing, so that a build holds only each post's small
 * summary in memory (about 0.5 KB) instead of its whole body: at 200k posts that is ~100 MB instead of
 * several GB. On disk, the store is also a persistent cache: entries are keyed by the file's content
 * and the parser's own source, so an unchanged post is never parsed twice, across builds.
 *
 * Each entry has two parts: its digest (summary and warnings, a few hundred bytes, which the last
 * build's record keeps too; and search tokens, a few KB, read when the search index is built) and the
 * parse outcome (of which writing the post's file reads only its body and related links).
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { Problem, RelatedLink } from '../../shared/types.ts';
import type { ParsedPost, ParseOutcome } from '../parse/parse-post.ts';
import { headOf, parseDigestHead, parseDigestSearch, serializeDigest, type PostDigest } from '../parse/post-digest.ts';
import type { SearchTokens } from '../parse/count-tokens.ts';
import { postFieldsFromBody, postFileBody } from '../parse/render-post.ts';

export interface PostStore {
  /** The folder of a disk store: worker threads open their own store on it. */
  readonly dir?: string;
  get(key: string): Promise<ParseOutcome | undefined>;
  /** A post's search tokens (undefined for a problem, or an entry not there). */
  getSearch(key: string): Promise<SearchTokens | undefined>;
  /**
   * What writing a post's file needs, in one read: its part of its file (see render-post.ts) and its
   * related links; undefined for a problem, or an entry not there.
   */
  getForFile(key: string): Promise<{ body: Uint8Array; related: RelatedLink[] } | undefined>;
  /**
   * The entry of a file's content (its storeKey), if the store has it: its key and its digest head as a
   * JSON line (see serializeDigest). `lastKey`, the key the last build stored this file's content
   * under: a disk store finds entries only through it (see diskStore).
   */
  find(contentKey: string, lastKey?: string): Promise<{ key: string; head: string } | undefined>;
  /** Stores a parse outcome and its digest; returns the entry's key and its digest's head line. */
  put(contentKey: string, outcome: ParseOutcome, digest: PostDigest): Promise<{ key: string; head: string }>;
  /** Forgets every entry but these (a disk store, every pack holding none of them: see diskStore). */
  prune(keep: Iterable<string>): Promise<void>;
  /**
   * A disk store's way to empty its mostly dead packs: given every key the last build used, a function
   * that copies an entry out of such a pack and returns its new key (undefined for an entry that stays).
   */
  compactor?(lastKeys: Iterable<string>): (key: string) => string | undefined;
  /**
   * Writes what a disk store gathered (see diskStore: until then, other threads cannot read the entries
   * it stored) and lets go of open files (opened again when next used).
   */
  close(): void;
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

/**
 * Whether two entry keys hold the same content (a file's bytes under the same settings), wherever the
 * store keeps them: a key changes without its content when compaction moves the entry (see diskStore).
 */
export function sameContent(a: string, b: string): boolean {
  return contentKeyOf(a) === contentKeyOf(b);
}

/** A memory store's keys are content keys; a disk store's begin with one (see keyOf). */
function contentKeyOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
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
    getForFile: async (key) => {
      const outcome = entries.get(key);
      if (!outcome || !('post' in outcome)) return undefined;
      return { body: Buffer.from(postFileBody(outcome.post)), related: outcome.post.related };
    },
    find: async (contentKey) => {
      const digest = digests.get(contentKey);
      return digest && { key: contentKey, head: JSON.stringify(headOf(digest)) };
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
    close: () => {},
  };
}

/** A pack is closed and the next one begun past this size: packs stay small enough to empty (compact) one at a time. */
const PACK_BYTES = 256 * 1024 * 1024;
/** Appended bytes gathered before they are written (see diskStore). */
const FLUSH_BYTES = 512 * 1024;
/** A pack whose entries the last build used make less than this share of it is emptied (see compactor). */
const COMPACT_BELOW = 0.5;
const PACKS = 'packs';

/**
 * An entry's lines: the digest's head and search tokens (see serializeDigest), then the outcome in three
 * parts, so that writing a post's file reads neither its text nor its HTML as text: the post's part of
 * its file (postFileBody), its related links, and the rest (path, date source, text, excerpt,
 * warnings). A problem's body is empty and its rest is the problem.
 */
const LINES = 5;
type EntryLines = [head: string, search: string, body: string, related: string, rest: string];

/** Where an entry is: its pack, its offset, and the byte lengths of its lines. */
interface EntryPlace {
  contentKey: string;
  pack: string;
  offset: number;
  lengths: number[];
}

type PostRest = Pick<ParsedPost, 'path' | 'dateSource' | 'text' | 'excerpt'> & { warnings: Problem[] };

function outcomeLines(outcome: ParseOutcome): [body: string, related: string, rest: string] {
  if ('problem' in outcome) return ['', '[]', JSON.stringify({ problem: outcome.problem })];
  const { post, warnings } = outcome;
  const rest: PostRest = { path: post.path, dateSource: post.dateSource, text: post.text, excerpt: post.excerpt, warnings };
  return [postFileBody(post), JSON.stringify(post.related), JSON.stringify(rest)];
}

function outcomeOf(body: string, related: string, rest: string): ParseOutcome {
  if (body === '') return JSON.parse(rest) as { problem: Problem };
  const { path, dateSource, text, excerpt, warnings } = JSON.parse(rest) as PostRest;
  const post: ParsedPost = { path, dateSource, text, excerpt, ...postFieldsFromBody(body), related: JSON.parse(related) as RelatedLink[] };
  return { post, warnings };
}

/** `<content key>.<pack>.<offset>.<bytes of each line>`, numbers in base 36. */
function keyOf(place: EntryPlace): string {
  return [place.contentKey, place.pack, place.offset.toString(36), ...place.lengths.map((length) => length.toString(36))].join('.');
}

/** The pack of an entry's key (cheaper than placeOf, for the many keys a build passes to prune). */
function packOf(key: string): string | undefined {
  const start = key.indexOf('.') + 1;
  const end = key.indexOf('.', start);
  return start > 0 && end > start ? key.slice(start, end) : undefined;
}

/** An entry's bytes in its pack, from the lengths that end its key. */
function entryBytes(key: string): number {
  let bytes = 0;
  let end = key.length;
  for (let n = 0; n < LINES; n++) {
    const start = key.lastIndexOf('.', end - 1);
    bytes += parseInt(key.slice(start + 1, end), 36) + 1;
    end = start;
  }
  return bytes;
}

/** Where line `n` of an entry starts, from the entry's start (each line before it ends with a line break). */
function lineStart(place: EntryPlace, n: number): number {
  let start = 0;
  for (let line = 0; line < n; line++) start += place.lengths[line]! + 1;
  return start;
}

/** Line `n` of an entry, as text, from the entry's bytes. */
function lineText(bytes: Buffer, place: EntryPlace, n: number): string {
  const start = lineStart(place, n);
  return bytes.toString('utf8', start, start + place.lengths[n]!);
}

function placeOf(key: string): EntryPlace | undefined {
  const [contentKey, pack, ...rest] = key.split('.');
  if (!contentKey || !pack || rest.length !== 1 + LINES) return undefined;
  const numbers = rest.map((text) => parseInt(text, 36));
  if (numbers.some((number) => !Number.isSafeInteger(number) || number < 0)) return undefined;
  return { contentKey, pack, offset: numbers[0]!, lengths: numbers.slice(1) };
}

/** `<time>-<process id>-<thread id>-<random>`: unique without a counter kept by the module. */
function packName(): string {
  return `${Date.now().toString(36)}-${process.pid.toString(36)}-${threadId}-${randomBytes(6).toString('hex')}`;
}

/** Whether a pack was made by another process that is still running (its name holds the process id). */
function isWrittenElsewhere(pack: string): boolean {
  const pid = parseInt(pack.split('-')[1] ?? '', 36);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Entries are appended to pack files, `<dir>/packs/<name>.pack`: each thread that parses writes its own
 * pack (a new one per build, and past PACK_BYTES), one entry after another, each five lines of JSON
 * (JSON text holds no raw line breaks; see LINES). An entry's key
 * says where it is (see keyOf), so reading one is one positioned read of the lines asked for, with no
 * index to load; the last build's record of files (seen-files.ts) is how a build finds the keys.
 *
 * The first design kept one file per entry: creating 200k small files was most of what a cold build's
 * disk did, and each creation took 30 to 450 µs (as the file system's journal had it), while an append
 * takes ~12 µs. Entries of posts edited or deleted since are not removed one by one: a pack goes when
 * no entry in it is used any more (prune), and the few used entries of a mostly dead pack are copied to
 * a new one as a build goes (compactor).
 *
 * Reads and writes are synchronous: this store serves builds (on worker threads, where nothing else
 * waits), and Node's promise-based file handles cost ~60 µs of the thread's own time per file, several
 * times what the small synchronous calls cost (measured: a third of a worker's time went to them).
 */
export function diskStore(dir: string): PostStore {
  const packsDir = join(dir, PACKS);
  const packPath = (pack: string) => join(packsDir, `${pack}.pack`);
  // The pack this store appends to: kept from one close to the next use, its file closed in between.
  // `size` counts the bytes still pending (appended, not yet written: see flush).
  let writing: { pack: string; fd: number | undefined; size: number } | undefined;
  const reading = new Map<string, number>();
  // Appended entries are gathered here and written in one call per FLUSH_BYTES (and before any read
  // of the pack, and on close): one write per entry cost ~25 µs of a worker's time each.
  let pending = Buffer.allocUnsafe(FLUSH_BYTES * 2);
  let pendingBytes = 0;
  const flush = () => {
    if (!writing || pendingBytes === 0) return;
    const fd = (writing.fd ??= openSync(packPath(writing.pack), 'r+'));
    const at = writing.size - pendingBytes;
    for (let written = 0; written < pendingBytes; ) written += writeSync(fd, pending, written, pendingBytes - written, at + written);
    pendingBytes = 0;
  };

  /**
   * An entry's lines `from` to `count` - 1 as they are in its pack (each with its line break), or
   * undefined when they cannot be read (a pack gone).
   */
  const read = (place: EntryPlace, count: number, from = 0): Buffer | undefined => {
    try {
      if (place.pack === writing?.pack) flush();
      let fd = reading.get(place.pack);
      if (fd === undefined) reading.set(place.pack, (fd = openSync(packPath(place.pack), 'r')));
      const start = lineStart(place, from);
      const size = lineStart(place, count) - start;
      const bytes = Buffer.allocUnsafe(size);
      return readSync(fd, bytes, 0, size, place.offset + start) === size ? bytes : undefined;
    } catch {
      return undefined;
    }
  };
  /** The first `count` lines of an entry, as text (undefined for a foreign key too). */
  const lines = (key: string, count: number): string[] | undefined => {
    const place = placeOf(key);
    const bytes = place && read(place, count);
    if (!place || !bytes) return undefined;
    return Array.from({ length: count }, (_, n) => lineText(bytes, place, n));
  };
  // A damaged entry fails to parse: treated as missing.
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch {
      return undefined;
    }
  };
  /**
   * Appends an entry: its lines, as text (written in UTF-8, each followed by a line break), or as the
   * bytes of an entry copied from another pack (with their lengths). Returns its key.
   */
  const append = (contentKey: string, lines: EntryLines | { bytes: Buffer; lengths: number[] }): string => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    const most = 'bytes' in lines ? lines.bytes.length : lines.reduce((sum, line) => sum + 3 * line.length + 1, 0);
    if (writing && writing.size + most > PACK_BYTES && writing.size > 0) {
      closeWriting();
      writing = undefined;
    }
    if (!writing) {
      mkdirSync(packsDir, { recursive: true });
      const pack = packName();
      writing = { pack, fd: openSync(packPath(pack), 'wx'), size: 0 };
    }
    if (pendingBytes + most > pending.length) {
      flush();
      if (most > pending.length) pending = Buffer.allocUnsafe(most);
    }
    const start = pendingBytes;
    let lengths: number[];
    if ('bytes' in lines) {
      lines.bytes.copy(pending, pendingBytes);
      pendingBytes += lines.bytes.length;
      lengths = lines.lengths;
    } else {
      lengths = [];
      lines.forEach((line, n) => {
        lengths[n] = pending.write(line, pendingBytes);
        pendingBytes += lengths[n];
        pending[pendingBytes++] = 0x0a;
      });
    }
    const key = keyOf({ contentKey, pack: writing.pack, offset: writing.size, lengths });
    writing.size += pendingBytes - start;
    if (pendingBytes >= FLUSH_BYTES) flush();
    return key;
  };
  const closeWriting = () => {
    flush();
    if (writing?.fd !== undefined) closeSync(writing.fd);
    if (writing) writing.fd = undefined;
  };
  const close = () => {
    closeWriting();
    for (const fd of reading.values()) closeSync(fd);
    reading.clear();
  };
  return {
    dir,
    async get(key) {
      const entry = lines(key, LINES);
      return entry && attempt(() => outcomeOf(entry[2]!, entry[3]!, entry[4]!));
    },
    async getSearch(key) {
      // The head is read with it (one read) but not decoded.
      const place = placeOf(key);
      const bytes = place && read(place, 2);
      if (!place || !bytes) return undefined;
      return attempt(() => parseDigestSearch(lineText(bytes, place, 1)));
    },
    async getForFile(key) {
      // The body and the related links: the body stays bytes; the digest before them and the post's
      // text after them are not read.
      const place = placeOf(key);
      const bytes = place && read(place, 4, 2);
      // A problem's body line is empty: it has no file.
      if (!place || !bytes || place.lengths[2] === 0) return undefined;
      return attempt(() => {
        const links = JSON.parse(bytes.toString('utf8', place.lengths[2]! + 1, place.lengths[2]! + 1 + place.lengths[3]!)) as RelatedLink[];
        return { body: bytes.subarray(0, place.lengths[2]!), related: links };
      });
    },
    async find(contentKey, lastKey) {
      if (!lastKey || placeOf(lastKey)?.contentKey !== contentKey) return undefined;
      const entry = lines(lastKey, 1);
      // Parsed once here to find a damaged entry (parse again), though the caller parses it itself.
      return entry && attempt(() => (parseDigestHead(entry[0]!), { key: lastKey, head: entry[0]! }));
    },
    async put(contentKey, outcome, digest) {
      // Serialized once: the head line is also what the caller sends on (see ingest-file.ts).
      const [head, search] = serializeDigest(digest);
      return { key: append(contentKey, [head, search, ...outcomeLines(outcome)]), head };
    },
    async prune(keep) {
      close();
      writing = undefined;
      const used = new Set<string>();
      for (const key of keep) {
        const pack = packOf(key);
        if (pack) used.add(pack);
      }
      const packs = (await readdir(packsDir).catch(() => [] as string[])).map((name) => name.replace(/\.pack$/, ''));
      // A pack another running build is writing (the same cache folder, built twice at once) is its own.
      const gone = packs.filter((pack) => !used.has(pack) && !isWrittenElsewhere(pack));
      await Promise.all(gone.map((pack) => rm(packPath(pack), { force: true })));
      // The first design's folders of one file per entry (`<dir>/<2 hex>/`): never read any more.
      const folders = await readdir(dir).catch(() => [] as string[]);
      await Promise.all(folders.filter((name) => /^[0-9a-f]{2}$/.test(name)).map((name) => rm(join(dir, name), { recursive: true, force: true })));
    },
    compactor(lastKeys) {
      const usedBytes = new Map<string, number>();
      for (const key of lastKeys) {
        const pack = packOf(key);
        if (pack) usedBytes.set(pack, (usedBytes.get(pack) ?? 0) + entryBytes(key));
      }
      const emptied = new Set<string>();
      for (const [pack, bytes] of usedBytes) {
        const size = attempt(() => statSync(packPath(pack)).size);
        if (size !== undefined && bytes < size * COMPACT_BELOW) emptied.add(pack);
      }
      if (emptied.size === 0) return () => undefined;
      return (key) => {
        const place = emptied.has(packOf(key) ?? '') ? placeOf(key) : undefined;
        // Copied as bytes: the lines are not decoded and encoded again.
        const bytes = place && read(place, LINES);
        return place && bytes && append(place.contentKey, { bytes, lengths: place.lengths });
      };
    },
    close,
  };
}

/**
 * A fingerprint of the code that turns files into posts: every module under `folders`, recursively. Any
 * change to it invalidates the disk cache, so a fixed parser bug never survives in cached output.
 */
export async function sourceFingerprint(folders: string[]): Promise<string> {
  const hash = createHash('sha1');
  for (const folder of folders) {
    const entries = await readdir(folder, { recursive: true }).catch(() => [] as string[]);
    const modules = entries.filter((name) => /\.(?:ts|tsx|mjs)$/.test(name)).sort();
    for (const name of modules) hash.update(name).update(await readFile(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
