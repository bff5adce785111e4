/**
 * A full garbage collection of a build thread, on demand.
 *
 * Between a big build's phases the main thread lets go of much (the posts' summaries once the index is
 * planned, the metadata shards once written) and then allocates little, so V8 would not collect before the
 * workers' peaks come. `gc` is behind a flag, turned on at run time, so tests and tools get the same.
 * Why it compacts by default, with the figures: docs/build-speed.md, "Why a collection compacts".
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { INLINE_AT_MOST } from './workers/inline-at-most.ts';

/**
 * Whether a build of `posts` posts collects its garbage between phases: a small one leaves little to collect,
 * and a forced collection walks the whole heap, Vite's too. The same bound as working inline.
 */
export function isLargeBuild(posts: number): boolean {
  return posts > INLINE_AT_MOST;
}

/** This thread's `gc`, looked up on its first collection (null when it cannot be had): a thread that never collects never sets the flag. */
const threadCollector = lookedUpOnce(lookUpCollector);

/**
 * `compact: false`: a plain collection, for garbage after which no peak's pages are to be given back (a
 * rebuild's extras), where compacting costs several times more (docs/build-speed.md). @default true
 *
 * Without `gc` (the flag refused) it does nothing: a collection only lowers the peak, the build goes on.
 */
export function collectGarbage({ compact = true }: { compact?: boolean } = {}): void {
  const gc = threadCollector();
  if (!gc) return;
  const start = performance.now();
  if (!compact) gc();
  else {
    setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      setFlagsFromString('--no-compact-on-every-full-gc');
    }
  }
  // CNA_READER_PHASE_CPU=1: each collection's time on stderr, beside the phases' CPU (phase-clock.ts).
  if (process.env.CNA_READER_PHASE_CPU) {
    console.error(`collect-garbage thread ${threadId} ${compact ? 'compacting' : 'plain'} ${(performance.now() - start).toFixed(0)} ms`);
  }
}

function lookUpCollector(): (() => void) | null {
  try {
    // The flag is the process's: setting it again from another thread sets the same value.
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    return null;
  }
}

/** `lookUp`'s answer, asked for on the first call and kept. */
function lookedUpOnce<T>(lookUp: () => T): () => T {
  let answer: { value: T } | undefined;
  return () => (answer ??= { value: lookUp() }).value;
}
