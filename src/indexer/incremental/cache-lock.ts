/**
 * One build at a time over a build cache, across processes: lmdb now and then loses a commit when several
 * processes write one file at once (docs/build-cache-writes.md). The threads of one build share its lock.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';

export const CACHE_LOCK_FILE = 'build.lock';
/** The holder's process id, beside the lock: a build killed outright leaves its lock, which is then taken at once. */
const HOLDER_FILE = 'build.lock.pid';

/**
 * A lock its holder has not refreshed for this long is taken over. Long, because a build's main thread
 * can be busy for tens of seconds between refreshes on a loaded machine.
 */
const STALE_MS = 120_000;

/** Waits until no other process builds over `cacheDir`, then holds it; resolves to the release. */
export async function lockBuildCache(cacheDir: string, warn: (message: string) => void = console.warn): Promise<() => Promise<void>> {
  mkdirSync(cacheDir, { recursive: true });
  const lockPath = join(cacheDir, CACHE_LOCK_FILE);
  const holderPath = join(cacheDir, HOLDER_FILE);
  const holder = readHolder(holderPath);
  if (holder !== undefined && holder !== process.pid && !isAlive(holder)) {
    rmSync(lockPath, { recursive: true, force: true });
    rmSync(holderPath, { force: true });
  }
  const release = await lock(cacheDir, {
    lockfilePath: lockPath,
    realpath: false,
    stale: STALE_MS,
    update: STALE_MS / 4,
    retries: { forever: true, minTimeout: 50, maxTimeout: 1_000 },
    // Taken over while this build still ran (its thread blocked past STALE_MS): it goes on rather than fail.
    onCompromised: (error) => warn(`cna-reader: another build took over the build cache's lock (${error.message})`),
  });
  writeFileSync(holderPath, String(process.pid));
  return async () => {
    rmSync(holderPath, { force: true });
    await release();
  };
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
