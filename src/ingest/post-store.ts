/**
 * Where parsed posts wait between parsing and writing, so that a build holds only each post's small
 * summary in memory (about 0.5 KB) instead of its whole body: at 200k posts that is ~100 MB instead of
 * several GB. On disk, the store is also a persistent cache: entries are keyed by the file's content
 * and the parser's own source, so an unchanged post is never parsed twice, across builds.
 *
 * Each entry has two parts: the parse outcome (the whole post, read when its file is written) and its
 * digest (summary and warnings, read by every build, a few hundred bytes; and search tokens, a few KB,
 * read when the search index is built).
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParseOutcome } from './parse-post.ts';
import { headOf, parseDigest, parseDigestHead, serializeDigest, type PostDigest } from './post-digest.ts';

export interface PostStore {
  /** The folder of a disk store: worker threads open their own store on it. */
  readonly dir?: string;
  get(key: string): Promise<ParseOutcome | undefined>;
  getDigest(key: string): Promise<PostDigest | undefined>;
  /** The digest without its search tokens, as its JSON line (see serializeDigest). */
  getHeadLine(key: string): Promise<string | undefined>;
  /** Outcome and digest together, in one read: what writing a post's file and indexing it need. */
  getEntry(key: string): Promise<{ outcome: ParseOutcome; digest: PostDigest } | undefined>;
  /** Stores a parse outcome and its digest; returns the digest's head line (what getHeadLine would give). */
  put(key: string, outcome: ParseOutcome, digest: PostDigest): Promise<string>;
  /** Forgets every entry not in `keep` (posts deleted or edited since): a sweep of the whole store. */
  prune(keep: ReadonlySet<string>): Promise<void>;
  /** Forgets these entries (when the last build's keys are known, cheaper than a sweep). */
  forget(keys: Iterable<string>): Promise<void>;
}

/** The cache key of one file: its bytes, the parse settings and the parser's version. */
export function storeKey(bytes: Uint8Array, settings: string): string {
  return createHash('sha1').update(settings).update('\u0000').update(bytes).digest('hex');
}

export function memoryStore(): PostStore {
  const entries = new Map<string, ParseOutcome>();
  const digests = new Map<string, PostDigest>();
  return {
    get: async (key) => entries.get(key),
    getDigest: async (key) => digests.get(key),
    getHeadLine: async (key) => {
      const digest = digests.get(key);
      return digest && JSON.stringify(headOf(digest));
    },
    getEntry: async (key) => {
      const outcome = entries.get(key);
      const digest = digests.get(key);
      return outcome && digest && { outcome, digest };
    },
    put: async (key, outcome, digest) => {
      entries.set(key, outcome);
      digests.set(key, digest);
      return JSON.stringify(headOf(digest));
    },
    prune: async (keep) => {
      for (const key of entries.keys()) {
        if (keep.has(key)) continue;
        entries.delete(key);
        digests.delete(key);
      }
    },
    forget: async (keys) => {
      for (const key of keys) {
        entries.delete(key);
        digests.delete(key);
      }
    },
  };
}

/**
 * `<dir>/<first 2 hex>/<key>.json`: 256 folders keep directories small at 500k posts. One file per entry,
 * three lines of JSON (JSON text holds no raw line breaks): the digest's head, its search tokens, the
 * outcome. Each reader reads only the lines it needs, and creating an entry creates one file (creating
 * files is most of what a cold build's disk does).
 *
 * Reads and writes are synchronous: this store serves builds (on worker threads, where nothing else
 * waits), and Node's promise-based file handles cost ~60 µs of the thread's own time per file, several
 * times what the small synchronous calls cost (measured: a third of a worker's time went to them).
 */
export function diskStore(dir: string): PostStore {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  const made = new Set<string>();
  /** The first `count` lines of an entry, or undefined when it is missing or unreadable (an interrupted write): parse again. */
  const lines = (key: string, count: number): string[] | undefined => {
    try {
      const found = count < 3 ? leadingLines(pathOf(key), count) : readFileSync(pathOf(key), 'utf8').split('\n', 3);
      return found.length === count ? found : undefined;
    } catch {
      return undefined;
    }
  };
  // A half-written or foreign file fails to parse: treated as missing.
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
      const entry = lines(key, 3);
      return entry && attempt(() => reviveDates(JSON.parse(entry[2]!) as ParseOutcome));
    },
    async getDigest(key) {
      const entry = lines(key, 2);
      return entry && attempt(() => parseDigest(entry[0]!, entry[1]!));
    },
    async getEntry(key) {
      const entry = lines(key, 3);
      return entry && attempt(() => ({ digest: parseDigest(entry[0]!, entry[1]!), outcome: reviveDates(JSON.parse(entry[2]!) as ParseOutcome) }));
    },
    async getHeadLine(key) {
      const entry = lines(key, 1);
      // Parsed once here to find a foreign or damaged entry (parse again), though the caller parses it itself.
      return entry && attempt(() => (parseDigestHead(entry[0]!), entry[0]!));
    },
    async put(key, outcome, digest) {
      const folder = join(dir, key.slice(0, 2));
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      // Serialized once: the head line is also what the caller sends on (see ingest-file.ts).
      const [head, search] = serializeDigest(digest);
      writeFileSync(pathOf(key), `${head}\n${search}\n${JSON.stringify(outcome)}`);
      return head;
    },
    async forget(keys) {
      for (const key of keys) rmSync(pathOf(key), { force: true });
    },
    async prune(keep) {
      const folders = await readdir(dir).catch(() => [] as string[]);
      for (const folder of folders) {
        if (!/^[0-9a-f]{2}$/.test(folder)) continue;
        const files = await readdir(join(dir, folder)).catch(() => [] as string[]);
        for (const file of files) {
          if (!keep.has(file.replace(/\.json$/, ''))) await rm(join(dir, folder, file), { force: true });
        }
      }
    },
  };
}

const chunk = Buffer.alloc(64 * 1024);

/** The first `count` lines of a file, reading as little of it as it can (one 64 KB read, usually). */
function leadingLines(path: string, count: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const length = readSync(fd, chunk, 0, chunk.length, 0);
    let end = -1;
    for (let n = 0; n < count; n++) {
      end = chunk.indexOf(10, end + 1);
      if (end < 0 || end >= length) return readFileSync(path, 'utf8').split('\n', count);
    }
    return chunk.toString('utf8', 0, end).split('\n');
  } finally {
    closeSync(fd);
  }
}

function reviveDates(outcome: ParseOutcome): ParseOutcome {
  if ('post' in outcome) outcome.post.date = new Date(outcome.post.date as unknown as string);
  return outcome;
}

/**
 * A fingerprint of the code that turns files into posts: any change to it invalidates the disk cache,
 * so a fixed parser bug never survives in cached output. Modules named in `except` are left out (see
 * WRITE_SIDE_MODULES in vite-plugin.ts).
 */
export async function sourceFingerprint(folders: string[], except: readonly string[] = []): Promise<string> {
  const hash = createHash('sha1');
  for (const folder of folders) {
    const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.ts') && !except.includes(name)).sort();
    for (const name of names) hash.update(name).update(await readFile(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
