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

export class DataWriter {
  /** Every path this build produces, with its hash: the state after it. */
  readonly after = new Map<string, string>();
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
