/**
 * One build at a time over a build cache, across processes: lmdb now and then loses a commit when several
 * processes write one file at once (docs/build-cache-writes.md). The threads of one build share its lock.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';

export const CACHE_LOCK_FILE = 'build.lock';

/**
 * A lock its holder has not refreshed for this long is taken over: its process died. Long, because a build's
 * main thread can be busy for tens of seconds between refreshes on a loaded machine.
 */
const STALE_MS = 120_000;

/** Waits until no other process builds over `cacheDir`, then holds it; resolves to the release. */
export async function lockBuildCache(cacheDir: string, warn: (message: string) => void = console.warn): Promise<() => Promise<void>> {
  mkdirSync(cacheDir, { recursive: true });
  return lock(cacheDir, {
    lockfilePath: join(cacheDir, CACHE_LOCK_FILE),
    realpath: false,
    stale: STALE_MS,
    update: STALE_MS / 4,
    retries: { forever: true, minTimeout: 50, maxTimeout: 1_000 },
    // Taken over while this build still ran (its thread blocked past STALE_MS): it goes on rather than fail.
    onCompromised: (error) => warn(`cna-reader: another build took over the build cache's lock (${error.message})`),
  });
}
