/**
 * Writes files under `data/`, each with a hash of what it holds, leaving alone the files whose hash the
 * last build's state already names. On the main thread for the whole output, on a worker for the search
 * index's head (see search-head.ts); the state is made from what each writer saw.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeDataFile, type DataCompression } from './data-file.ts';

/**
 * Files being written at once: awaited one by one, a rebuild that changed 3,000 search files spent ~2 s
 * waiting on the disk (at 200k posts).
 */
const WRITE_BATCH = 32;

/** The state of an output's files as a build makes it: path → hash. */
export interface FileState extends ReadonlyMap<string, string> {
  set(path: string, hash: string): this;
  delete(path: string): boolean;
}

export class DataWriter {
  /** Paths whose hash differs from the state's: what the build cache commits over it (see OutputRecord.record). */
  readonly changed: string[] = [];
  /** Files written to disk. */
  written = 0;
  private readonly made = new Set<string>();
  private readonly inFlight: Promise<void>[] = [];

  constructor(
    private readonly dataRoot: string,
    /** The last build's state: path → hash. */
    readonly before: ReadonlyMap<string, string>,
    private readonly compression: DataCompression,
    /** Every path this build produces, with its hash: the state after it (empty unless a patch's, see StateOverPatch). */
    readonly after: FileState = new Map<string, string>(),
  ) {}

  /** Writes one file, unless the last build wrote the same bytes there. */
  readonly write = async (path: string, body: string | Uint8Array): Promise<void> => {
    const hash = hashOf(body);
    this.after.set(path, hash);
    if (this.before.get(path) === hash) return;
    this.changed.push(path);
    const folder = dirname(join(this.dataRoot, path));
    if (!this.made.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.made.add(folder);
    }
    const writing = writeDataFile(this.dataRoot, path, body, this.compression);
    // Handled where the batch is awaited; until then, a failure must not count as unhandled.
    writing.catch(() => {});
    this.inFlight.push(writing);
    this.written++;
    if (this.inFlight.length >= WRITE_BATCH) await this.flush();
  };

  /** Waits for every file being written. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
  }

  /** Waits for every file being written, whether or not it could be: a failed build's last writes. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight.splice(0));
  }
}

export function hashOf(body: string | Uint8Array): string {
  return createHash('sha1').update(body).digest('base64url').slice(0, 16);
}

/**
 * A patched build's state after it: the last build's with this build's changes over it, not a copy of every
 * path (a one-edit rebuild changes a few dozen of ~200k). The last build's files that `isSetApart` picks (its
 * search index's, written whole or patched) are left out until set again (`setApart`, `dropped`).
 */
export class StateOverPatch implements FileState {
  /** The last build's files left out, as they were: what may be carried back. */
  readonly setApart = new Map<string, string>();
  private readonly changes = new Map<string, string>();
  /** The last build's paths this build removed (the others are in `changes` or `setApart`). */
  private readonly gone = new Set<string>();
  private readonly base: ReadonlyMap<string, string>;
  private readonly depth: number;

  constructor(last: ReadonlyMap<string, string>, isSetApart: (path: string) => boolean) {
    // A watching build's last state may be one of these: past a few layers, one flat Map (a lookup walks them all).
    const deep = last instanceof StateOverPatch && last.depth >= MAX_LAYERS;
    this.base = deep ? new Map(last) : last;
    this.depth = this.base instanceof StateOverPatch ? this.base.depth + 1 : 1;
    this.base.forEach((hash, path) => {
      if (isSetApart(path)) this.setApart.set(path, hash);
    });
  }

  get size(): number {
    let added = 0;
    for (const path of this.changes.keys()) if (!this.inBase(path)) added++;
    return this.base.size - this.setApart.size - this.gone.size + added;
  }

  get(path: string): string | undefined {
    return this.changes.get(path) ?? (this.inBase(path) ? this.base.get(path) : undefined);
  }

  has(path: string): boolean {
    return this.changes.has(path) || this.inBase(path);
  }

  set(path: string, hash: string): this {
    this.changes.set(path, hash);
    return this;
  }

  delete(path: string): boolean {
    const had = this.has(path);
    this.changes.delete(path);
    if (this.inBase(path)) this.gone.add(path);
    return had;
  }

  /** The last build's paths not in this state: those set apart and not set again, those removed. */
  *dropped(): IterableIterator<string> {
    for (const path of this.setApart.keys()) if (!this.changes.has(path)) yield path;
    for (const path of this.gone) if (!this.changes.has(path)) yield path;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const entry of this.base) if (!this.changes.has(entry[0]) && this.inBase(entry[0])) yield entry;
    yield* this.changes;
  }

  *keys(): IterableIterator<string> {
    for (const [path] of this.entries()) yield path;
  }

  *values(): IterableIterator<string> {
    for (const [, hash] of this.entries()) yield hash;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  forEach(visit: (hash: string, path: string, state: ReadonlyMap<string, string>) => void): void {
    for (const [path, hash] of this.entries()) visit(hash, path, this);
  }

  /** Whether the last build's state holds the path and this build has not set it apart or removed it. */
  private inBase(path: string): boolean {
    return this.base.has(path) && !this.setApart.has(path) && !this.gone.has(path);
  }
}

/** Layers of StateOverPatch a watching build's lookups go through at most. */
const MAX_LAYERS = 8;
