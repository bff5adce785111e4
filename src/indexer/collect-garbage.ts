/**
 * A full garbage collection of the build's main thread, on demand.
 *
 * Between the phases of a big build the main thread lets go of hundreds of MB (every post's summary,
 * once the index is planned; the metadata shards, once written) and then allocates little while the
 * workers do the heavy part, so V8 sees no reason to collect and the memory stays taken while the
 * workers' own peaks come. Collecting at those two points keeps the build's peak lower. Node exposes
 * `gc` only behind a flag, which can be turned on at run time; tests and tools that run the pipeline
 * get the same behaviour.
 *
 * By default the collection compacts, as after those peaks: what survives (the planned rows, ~150 MB at
 * 200k posts) is spread over every page the peak took, so a plain full collection freed the garbage but
 * kept ~640 MB of heap committed for it through the write phase; moved together, it leaves the rest of
 * the pages to be given back. Garbage with no such peak behind it (a rebuild's extras) is not compacted.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { threadId } from 'node:worker_threads';
import { INLINE_AT_MOST } from './workers/inline-at-most.ts';

/**
 * Whether a build of `posts` posts collects its garbage between phases: a small one leaves little to collect,
 * and a forced collection of the whole heap (Vite's too) costs ~0.1 s. The same bound as working inline.
 */
export function isLargeBuild(posts: number): boolean {
  return posts > INLINE_AT_MOST;
}

/** `gc`, looked up on the first collection: undefined till then, null when it cannot be had. */
let collect: (() => void) | null | undefined;

/**
 * `compact: false`: a plain collection, for garbage after which no peak's pages are to be given back (a
 * rebuild's extras), where compacting costs several times more (docs/build-speed.md). @default true
 *
 * Without `gc` (the flag refused) it does nothing: a collection only lowers the peak, the build goes on.
 */
export function collectGarbage({ compact = true }: { compact?: boolean } = {}): void {
  const gc = collectorOf();
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

/** Looked up once a thread, when first needed: a thread that never collects never sets the flag. */
function collectorOf(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    // The flag is the process's: setting it again from another thread sets the same value.
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    collect = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collect = null;
  }
  return collect;
}
