/**
 * The corpora the bench builds, named on its command line (`--sizes real,64000,synthetic:10000`):
 *   real            the real posts of --corpus, copied as they are (the copy is the one the bench edits);
 *   N               N real-shaped posts multiplied from them (see real-shaped-corpus.ts);
 *   synthetic:N     N synthetic posts (see gen-corpus.ts), whose Zipf-distributed names suit search.
 * Each is made once under .cache/bench/ and reused: making them is deterministic.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CORPUS_VERSION, generateCorpus } from './gen-corpus.ts';
import { copyRealPosts, multiplyCorpus, REAL_SHAPED_VERSION } from './real-shaped-corpus.ts';

export type CorpusKind = 'real' | 'real-shaped' | 'synthetic';

export interface CorpusSpec {
  kind: CorpusKind;
  /** Posts asked for; for `real`, whatever the folder holds. */
  posts?: number;
}

export interface Corpus {
  kind: CorpusKind;
  dir: string;
  posts: number;
  /** How the tables name it: `real`, `real-shaped`, `synthetic`. */
  label: string;
}

export function parseSizes(list: string): CorpusSpec[] {
  return list.split(',').map((item) => {
    const text = item.trim();
    if (text === 'real') return { kind: 'real' };
    const synthetic = /^synthetic:(\d+)$/.exec(text);
    if (synthetic) return { kind: 'synthetic', posts: Number(synthetic[1]) };
    if (/^\d+$/.test(text)) return { kind: 'real-shaped', posts: Number(text) };
    throw new Error(`--sizes: "${text}" is none of real, N (real-shaped posts) or synthetic:N`);
  });
}

/** A short name for the source folder, so that corpora made from another --corpus are not reused. */
function sourceKey(from: string): string {
  return createHash('sha1').update(resolve(from)).digest('hex').slice(0, 8);
}

/** Makes the corpus (once) and returns where it is. */
export async function prepareCorpus(spec: CorpusSpec, from: string, cacheRoot: string): Promise<Corpus> {
  if (spec.kind !== 'synthetic' && !existsSync(from)) throw new Error(`no corpus of real posts at ${from}: give one with --corpus DIR or CORPUS_DIR`);
  const dir =
    spec.kind === 'real'
      ? join(cacheRoot, `real-${sourceKey(from)}`)
      : spec.kind === 'real-shaped'
        ? join(cacheRoot, `real-shaped-v${REAL_SHAPED_VERSION}-${sourceKey(from)}-${spec.posts}`)
        : join(cacheRoot, `corpus-v${CORPUS_VERSION}-${spec.posts}`);
  const done = join(dir, '.complete');
  if (!existsSync(done)) {
    rmSync(dir, { recursive: true, force: true });
    console.log(`making the ${spec.kind} corpus${spec.posts ? ` of ${spec.posts} posts` : ''} in ${dir}…`);
    const made =
      spec.kind === 'real'
        ? await copyRealPosts(from, dir)
        : spec.kind === 'real-shaped'
          ? await multiplyCorpus({ from, posts: spec.posts!, out: dir })
          : await generateCorpus({ posts: spec.posts!, out: dir });
    // The count goes in the marker: a real corpus's size is known without listing it again.
    writeFileSync(done, String(made.files));
  }
  const posts = Number(readFileSync(done, 'utf8')) || spec.posts || 0;
  return { kind: spec.kind, dir, posts, label: spec.kind };
}
