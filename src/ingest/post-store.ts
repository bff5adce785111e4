/**
 * Where parsed posts wait between parsing and writing, so that a build holds only each post's small
 * summary in memory (about 0.5 KB) instead of its whole body: at 200k posts that is ~100 MB instead of
 * several GB. On disk, the store is also a persistent cache: entries are keyed by the file's content
 * and the parser's own source, so an unchanged post is never parsed twice, across builds.
 *
 * Each entry has two parts: the parse outcome (the whole post, read when its file is written) and its
 * digest (summary, warnings, search tokens: read by every build, a few KB).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParseOutcome } from './parse-post.ts';
import { parseDigest, serializeDigest, type PostDigest } from './post-digest.ts';

export interface PostStore {
  /** The folder of a disk store: worker threads open their own store on it. */
  readonly dir?: string;
  get(key: string): Promise<ParseOutcome | undefined>;
  getDigest(key: string): Promise<PostDigest | undefined>;
  put(key: string, outcome: ParseOutcome, digest: PostDigest): Promise<void>;
  /** Forgets every entry not in `keep` (posts deleted or edited since). */
  prune(keep: ReadonlySet<string>): Promise<void>;
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
    put: async (key, outcome, digest) => {
      entries.set(key, outcome);
      digests.set(key, digest);
    },
    prune: async (keep) => {
      for (const key of entries.keys()) {
        if (keep.has(key)) continue;
        entries.delete(key);
        digests.delete(key);
      }
    },
  };
}

/**
 * `<dir>/<first 2 hex>/<key>.json`: 256 folders keep directories small at 500k posts. One file per entry,
 * the digest's JSON on the first line and the outcome's after it (JSON text holds no raw line breaks),
 * so that reading the digest parses a few KB and creating an entry creates one file (creating files is
 * most of what a cold build's disk does).
 *
 * Reads and writes are synchronous: this store serves builds (on worker threads, where nothing else
 * waits), and Node's promise-based file handles cost ~60 µs of the thread's own time per file, several
 * times what the small synchronous calls cost (measured: a third of a worker's time went to them).
 */
export function diskStore(dir: string): PostStore {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  const made = new Set<string>();
  /** The entry's two parts, or undefined when it is missing or unreadable (an interrupted write): parse again. */
  const read = (key: string): [string, string] | undefined => {
    try {
      const text = readFileSync(pathOf(key), 'utf8');
      const split = text.indexOf('\n');
      return split < 0 ? undefined : [text.slice(0, split), text.slice(split + 1)];
    } catch {
      return undefined;
    }
  };
  return {
    dir,
    async get(key) {
      const entry = read(key);
      try {
        return entry && reviveDates(JSON.parse(entry[1]) as ParseOutcome);
      } catch {
        return undefined;
      }
    },
    async getDigest(key) {
      const entry = read(key);
      try {
        return entry && parseDigest(entry[0]);
      } catch {
        return undefined;
      }
    },
    async put(key, outcome, digest) {
      const folder = join(dir, key.slice(0, 2));
      if (!made.has(folder)) {
        mkdirSync(folder, { recursive: true });
        made.add(folder);
      }
      writeFileSync(pathOf(key), `${serializeDigest(digest)}\n${JSON.stringify(outcome)}`);
    },
    async prune(keep) {
      const folders = await readdir(dir).catch(() => [] as string[]);
      for (const folder of folders) {
        const files = await readdir(join(dir, folder)).catch(() => [] as string[]);
        for (const file of files) {
          if (!keep.has(file.replace(/\.json$/, ''))) await rm(join(dir, folder, file), { force: true });
        }
      }
    },
  };
}

function reviveDates(outcome: ParseOutcome): ParseOutcome {
  if ('post' in outcome) outcome.post.date = new Date(outcome.post.date as unknown as string);
  return outcome;
}

/**
 * A fingerprint of the code that turns files into posts: any change to it invalidates the disk cache,
 * so a fixed parser bug never survives in cached output.
 */
export async function sourceFingerprint(folders: string[]): Promise<string> {
  const hash = createHash('sha1');
  for (const folder of folders) {
    const names = (await readdir(folder).catch(() => [] as string[])).filter((name) => name.endsWith('.ts')).sort();
    for (const name of names) hash.update(name).update(await readFile(join(folder, name)));
  }
  return hash.digest('hex').slice(0, 16);
}
