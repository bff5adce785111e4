/**
 * What the last build saw of each post file, kept next to the post store: its size and modification
 * time, its store key, and its digest head (the summary the index is planned from, see post-digest.ts).
 *
 * A rebuild stats every file and, for one whose size and time are unchanged, takes its head from here:
 * the whole archive in one sequential read, instead of one store entry opened per post on the workers
 * and its summary sent back (~5 s of a 200k-post rebuild). Only new and changed files go to the workers.
 *
 * One line per file: `[path, size, mtimeMs, key]` as JSON, a tab, the head's JSON line. JSON text holds
 * no raw tab or line break, so the fields split without parsing the heads (a head is parsed only when
 * the file is used). The first line names the settings (parser version included) the keys were made
 * under (other settings, nothing seen) and the record's own id, by which a build's plan names the
 * record it was made from (see last-build.ts).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writevSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSeen } from './ingest-file.ts';

const SEEN_FILE = 'files-seen.ndjson';

/** A file's line in the record: where it starts, where its head starts (after the tab), where it ends (the line break). */
export interface SeenLine {
  seen: FileSeen;
  lineStart: number;
  start: number;
  end: number;
}

/**
 * The last build's record. Heads stay bytes until asked for: decoded, 200k of them (mostly CJK text,
 * two bytes a character in a JS string) would hold ~250 MB of heap through the build.
 */
export class SeenFiles {
  constructor(
    /** The record's id (see SeenFilesWriter.id). */
    readonly id: string,
    private readonly bytes: Buffer,
    private readonly entries: Map<string, SeenLine>,
  ) {}

  /** Number of files seen. */
  get size(): number {
    return this.entries.size;
  }

  get(path: string): SeenLine | undefined {
    return this.entries.get(path);
  }

  /** The digest head's JSON line. */
  head(entry: SeenLine): string {
    return this.bytes.toString('utf8', entry.start, entry.end);
  }

  /** The whole line, as bytes, to be copied into the next record. */
  line(entry: SeenLine): Buffer {
    return this.bytes.subarray(entry.lineStart, entry.end + 1);
  }

  /** Every store key the last build used. */
  *keys(): Generator<string> {
    for (const entry of this.entries.values()) yield entry.seen[2];
  }
}

/** Whether there is a record at all (usable or not: see loadSeenFiles). */
export function hasSeenFiles(dir: string): boolean {
  return existsSync(join(dir, SEEN_FILE));
}

/** What the last build saw, or undefined when there is no usable record (first build, other settings). */
export function loadSeenFiles(dir: string, settings: string): SeenFiles | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(dir, SEEN_FILE));
  } catch {
    return undefined;
  }
  let end = bytes.indexOf(10);
  if (end < 0) return undefined;
  try {
    const header = JSON.parse(bytes.toString('utf8', 0, end)) as { settings?: string; id?: string };
    if (header.settings !== settings) return undefined;
    const entries = new Map<string, SeenLine>();
    for (let start = end + 1; start < bytes.length; start = end + 1) {
      end = bytes.indexOf(10, start);
      // Every line ends with a line break: one without was cut short (a damaged file), and is not used.
      if (end < 0) break;
      const tab = bytes.indexOf(9, start);
      if (tab < 0 || tab > end) return undefined;
      const [path, size, mtimeMs, key] = JSON.parse(bytes.toString('utf8', start, tab)) as [string, number, number, string];
      entries.set(path, { seen: [size, mtimeMs, key], lineStart: start, start: tab + 1, end });
    }
    return new SeenFiles(header.id ?? '', bytes, entries);
  } catch {
    return undefined;
  }
}

/**
 * Writes the record of this build as files come in, in any order, into a temporary file that replaces
 * the old record only when complete (`finish`).
 */
export class SeenFilesWriter {
  /** A new id for each record written. */
  readonly id = randomUUID();
  private readonly path: string;
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly dir: string, settings: string) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${SEEN_FILE}.${process.pid}.tmp`);
    this.fd = openSync(this.path, 'w');
    this.addLine(Buffer.from(`${JSON.stringify({ settings, id: this.id })}\n`));
  }

  add(path: string, seen: FileSeen, head: string): void {
    this.addLine(Buffer.from(`${JSON.stringify([path, ...seen])}\t${head}\n`));
  }

  /** A line as the last record had it (see SeenFiles.line): copied as bytes, not made again. */
  addLine(line: Buffer): void {
    this.pending.push(line);
    this.pendingBytes += line.length;
    // Written ~1 MB at a time: one write per line would be 200k system calls.
    if (this.pendingBytes > 1 << 20 || this.pending.length >= 1024) this.flush();
  }

  finish(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.path, join(this.dir, SEEN_FILE));
  }

  /** A failed build leaves the last record as it was. */
  abandon(): void {
    closeSync(this.fd);
    rmSync(this.path, { force: true });
  }

  private flush(): void {
    if (this.pending.length > 0) writevSync(this.fd, this.pending);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/**
 * Drops the record: the next build checks every file against the store again. Called when a build
 * failed after reading, in case the record named an entry the store no longer has (a cache folder
 * partly deleted by hand).
 */
export function forgetSeenFiles(dir: string): void {
  rmSync(join(dir, SEEN_FILE), { force: true });
}
