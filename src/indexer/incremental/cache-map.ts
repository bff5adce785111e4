/**
 * When the build cache files' maps are let go. LMDB keeps one map per file and process: the pages a
 * build reads or writes stay counted in its RSS until every opening of the file in the process is closed
 * (a cold 64k build mapped the whole 1.6 GB main file). So every MAP_BUDGET post reads and writes (not
 * the reads of heads and prints, in a small file of their own: see cache-db.ts), a drop round starts,
 * and a phase done with what it read may start one at once (dropMapNow): each thread closes its openings
 * at its next quiet point (a store call, or an idle event loop), and the last one to close ends the
 * round; openings closed for it wait for that before opening again.
 * A thread that starts work without the store (a batch's indexing) closes then and does not wait: the
 * others' closes end the round while it works, rather than waiting for its next store call.
 *
 * The counters live in memory all threads share (worker environment data: set on the main thread
 * before the workers start, copied into each). A round only lets go of memory: what reads the cache
 * is correct whether or not a round ends, as no database of an opening is kept across an await.
 */
import { getEnvironmentData, setEnvironmentData, threadId } from 'node:worker_threads';

/**
 * Reads and writes of large values between drops: each maps ~100 KB of the file with the pages read
 * around it, so a few hundred MB of file-backed memory between two drops.
 */
const MAP_BUDGET = 4096;

/**
 * A safety net, not a pace: a round that has not ended by then (a thread ended without closing, or
 * deep in other work) is given up, and its waiters open the file again.
 */
const ROUND_PATIENCE_MS = 5000;

/** Openings counted per thread (threadId modulo this): a thread ended by its pool is forgotten. */
const THREAD_SLOTS = 64;

const TOUCHED = 0;
/** Rounds started and rounds ended (drops, or given up): a round is on while they differ. */
const STARTED = 1;
const ENDED = 2;
const DROPS = 3;
const GIVEN_UP = 4;
/** Test hooks: the budget (0: the default), and whether every await lets go of the opening. */
const BUDGET = 5;
const EVERY_AWAIT = 6;
const WAITED_MS = 7;
const OPEN = 8;
const WORDS = OPEN + THREAD_SLOTS;

const KEY = 'cna-reader:cache-map';

/** Node 20 has it; the project's TypeScript library (ES2023) does not declare it. */
const waitAsync = (Atomics as unknown as { waitAsync: AtomicsWaitAsync }).waitAsync;
type AtomicsWaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };

function sharedWords(): Int32Array {
  let memory = getEnvironmentData(KEY);
  if (!(memory instanceof SharedArrayBuffer)) {
    memory = new SharedArrayBuffer(WORDS * 4);
    // Copied into the workers this thread starts.
    setEnvironmentData(KEY, memory);
  }
  return new Int32Array(memory as SharedArrayBuffer);
}

const words = sharedWords();
const slot = OPEN + (threadId % THREAD_SLOTS);

/**
 * A file smaller than this is never let go: its map is bounded by its size (the 5,474 real posts' cache
 * is ~150 MB), and a round would only make the build wait.
 */
const SMALL_FILE_BYTES = 512 * 1024 * 1024;

/** Counts post reads or writes; past the budget, starts a round if the file (of `fileBytes`) is not small. */
export function touchMap(count: number, fileBytes: () => number): void {
  const hookBudget = Atomics.load(words, BUDGET);
  if (Atomics.add(words, TOUCHED, count) + count < (hookBudget || MAP_BUDGET)) return;
  if (!hookBudget && fileBytes() < SMALL_FILE_BYTES) {
    Atomics.store(words, TOUCHED, 0);
    return;
  }
  startRound();
}

/** Starts a round now, whatever the count, if the file (of `fileBytes`) is not small: a phase done with what it read. */
export function dropMapNow(fileBytes: () => number): void {
  if (Atomics.load(words, BUDGET) || fileBytes() >= SMALL_FILE_BYTES) startRound();
}

/** Starts a round, unless one is on. */
function startRound(): void {
  const ended = Atomics.load(words, ENDED);
  if (Atomics.compareExchange(words, STARTED, ended, ended + 1) === ended) Atomics.notify(words, STARTED);
}

export function isRoundOn(): boolean {
  return Atomics.load(words, STARTED) !== Atomics.load(words, ENDED);
}

/** Called before an opening opens the file, so that a round never ends while it is open. */
export function openingOpens(): void {
  Atomics.add(words, slot, 1);
}

/** Called once an opening's close has let go of the file: the last one ends the round. */
export function openingClosed(): void {
  Atomics.sub(words, slot, 1);
  endRoundIfAllClosed();
}

function endRoundIfAllClosed(): void {
  const ended = Atomics.load(words, ENDED);
  if (Atomics.load(words, STARTED) === ended) return;
  for (let at = OPEN; at < WORDS; at++) if (Atomics.load(words, at) > 0) return;
  endRound(ended, DROPS);
}

/** Ends the rounds started since `ended` (unless another thread just did), counted as `how`. */
function endRound(ended: number, how: typeof DROPS | typeof GIVEN_UP): void {
  if (Atomics.compareExchange(words, ENDED, ended, Atomics.load(words, STARTED)) !== ended) return;
  Atomics.store(words, TOUCHED, 0);
  Atomics.add(words, how, 1);
  Atomics.notify(words, ENDED);
}

/** Resolves when the round on now has ended (at once when none is). */
export async function roundEnded(): Promise<void> {
  const round = Atomics.load(words, STARTED);
  const since = performance.now();
  for (let ended = Atomics.load(words, ENDED); ended < round; ended = Atomics.load(words, ENDED)) {
    const left = ROUND_PATIENCE_MS - (performance.now() - since);
    const wait = left > 0 ? waitAsync(words, ENDED, ended, left) : undefined;
    if (wait && (!wait.async || (await wait.value) === 'ok')) continue;
    // Given up: the waiters open the file again; the next round starts after another budget.
    endRound(ended, GIVEN_UP);
  }
  Atomics.add(words, WAITED_MS, Math.round(performance.now() - since));
}

/** Calls `letGo` at the event loop's next turn once a round is on (at once if one is): an idle thread's quiet point. */
export function onRoundStart(letGo: () => void): void {
  const seen = Atomics.load(words, ENDED);
  const wait = waitAsync(words, STARTED, seen);
  // A pending wait does not keep the thread's event loop alive.
  if (wait.async) void wait.value.then(() => setImmediate(letGo));
  else setImmediate(letGo);
}

/** A pool's thread has ended: its openings went with it. */
export function forgetThreadOpenings(id: number): void {
  if (id < 0) return;
  Atomics.store(words, OPEN + (id % THREAD_SLOTS), 0);
  endRoundIfAllClosed();
}

/** What the rounds did in this process: drops, rounds given up, and the time store calls waited for them (summed over calls). */
export function cacheMapStats(): { drops: number; givenUp: number; waitedMs: number } {
  return { drops: Atomics.load(words, DROPS), givenUp: Atomics.load(words, GIVEN_UP), waitedMs: Atomics.load(words, WAITED_MS) };
}

/**
 * Test hooks: `budget` post reads and writes between rounds (undefined: the default); `everyAwait`:
 * every opening is closed and opened again after each await, so that a database kept across one fails.
 */
export function setCacheMapHooks(hooks: { budget?: number; everyAwait?: boolean }): void {
  Atomics.store(words, BUDGET, hooks.budget ?? 0);
  Atomics.store(words, EVERY_AWAIT, hooks.everyAwait ? 1 : 0);
}

export function isDroppedEveryAwait(): boolean {
  return Atomics.load(words, EVERY_AWAIT) === 1;
}
