/**
 * Where parsed posts wait between parsing and writing, so that a build holds only each post's small
 * summary in memory (about 0.5 KB) instead of its whole body: at 200k posts that is ~100 MB instead of
 * several GB. On disk, the store is also a persistent cache: entries are keyed by the file's content
 * and the parser's own source, so an unchanged post is never parsed twice, across builds.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ParseOutcome } from './parse-post.ts';

export interface PostStore {
  get(key: string): Promise<ParseOutcome | undefined>;
  put(key: string, outcome: ParseOutcome): Promise<void>;
  /** Forgets every entry not in `keep` (posts deleted or edited since). */
  prune(keep: ReadonlySet<string>): Promise<void>;
}

/** The cache key of one file: its bytes, the parse settings and the parser's version. */
export function storeKey(bytes: Uint8Array, settings: string): string {
  return createHash('sha1').update(settings).update('\u0000').update(bytes).digest('hex');
}

export function memoryStore(): PostStore {
  const entries = new Map<string, ParseOutcome>();
  return {
    get: async (key) => entries.get(key),
    put: async (key, outcome) => void entries.set(key, outcome),
    prune: async (keep) => {
      for (const key of entries.keys()) if (!keep.has(key)) entries.delete(key);
    },
  };
}

/** `<dir>/<first 2 hex>/<key>.json`: 256 folders keep directories small at 500k posts. */
export function diskStore(dir: string): PostStore {
  const pathOf = (key: string) => join(dir, key.slice(0, 2), `${key}.json`);
  const made = new Set<string>();
  return {
    async get(key) {
      try {
        return reviveDates(JSON.parse(await readFile(pathOf(key), 'utf8')) as ParseOutcome);
      } catch {
        return undefined; // missing or unreadable (an interrupted write): parse again
      }
    },
    async put(key, outcome) {
      const folder = join(dir, key.slice(0, 2));
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      await writeFile(pathOf(key), JSON.stringify(outcome));
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
