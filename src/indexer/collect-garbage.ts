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
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * `compact: false`: a plain collection, for garbage after which no peak's pages are to be given back (a
 * rebuild's extras), where compacting costs several times more (docs/build-speed.md). @default true
 */
export function collectGarbage({ compact = true }: { compact?: boolean } = {}): void {
  if (!compact) return collect();
  setFlagsFromString('--compact-on-every-full-gc');
  try {
    collect();
  } finally {
    setFlagsFromString('--no-compact-on-every-full-gc');
  }
}
