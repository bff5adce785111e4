/**
 * A file of text lines that builds append to: a header line, then the lines of each build, each build's
 * lines closed by a commit line (a tab, then the build's mark). A line written later says the last word
 * on its subject (the caller decides what a line is about). Used for what a build must remember of
 * 200k files (seen-files.ts, last-build.ts): a rebuild that changed a few of them appends a few lines
 * instead of writing 200k lines again (~0.4 s at 200k posts, each).
 *
 * Only what comes before the last commit line counts: a build that failed half-way left lines with no
 * commit after them, which readers ignore and the next writer cuts off. When the lines said again
 * outnumber a share of the others, the caller writes the whole log anew (a temporary file put in place
 * when complete).
 *
 * Lines hold no raw line break, and only commit lines begin with a tab.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, statSync, writevSync } from 'node:fs';

export interface LineLog {
  bytes: Buffer;
  header: string;
  /** The last commit's mark. */
  mark: string;
  /** Where the lines begin (after the header), and where the committed part ends (after the last commit line). */
  start: number;
  committed: number;
}

/**
 * Whether a log is still worth appending to, given its lines said again by later ones (`superseded`)
 * and the subjects it holds (`live`): past a quarter, the next build writes it whole, as every build
 * reads all its lines.
 */
export function worthAppending(superseded: number, live: number): boolean {
  return superseded <= live * 0.25;
}

const NEWLINE = 10;
const TAB = 9;

/** A file's size and time when it was saved: while both are the same, it is the file saved. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export function stampOf(path: string): FileStamp {
  const { size, mtimeMs } = statSync(path);
  return { size, mtimeMs };
}

/** Whether the file at `path` is still the one stamped. */
export function isStamped(path: string, stamp: FileStamp): boolean {
  const now = statSync(path);
  return now.size === stamp.size && now.mtimeMs === stamp.mtimeMs;
}

/** The log at `path`, or undefined when there is none or nothing in it was ever committed. */
export function readLineLog(path: string): LineLog | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return undefined;
  }
  const headerEnd = bytes.indexOf(NEWLINE);
  if (headerEnd < 0) return undefined;
  // The last commit line: a line break followed by a tab, with a line break of its own.
  for (let at = bytes.lastIndexOf('\n\t'); at >= headerEnd; at = bytes.lastIndexOf('\n\t', at - 1)) {
    const end = bytes.indexOf(NEWLINE, at + 1);
    if (end < 0) continue;
    return { bytes, header: bytes.toString('utf8', 0, headerEnd), mark: bytes.toString('utf8', at + 2, end), start: headerEnd + 1, committed: end + 1 };
  }
  return undefined;
}

/**
 * Calls `line(text, start, end)` for every committed line but the commit lines, in order: the line is
 * `text.slice(start, end)`. The committed part is decoded once: decoding line by line cost ~1 µs a line,
 * 0.25 s of a rebuild at 200k posts.
 */
export function forEachLine(log: LineLog, line: (text: string, start: number, end: number) => void): void {
  const text = log.bytes.toString('utf8', log.start, log.committed);
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if (text.charCodeAt(start) !== TAB) line(text, start, end);
    start = end + 1;
  }
}

/**
 * Writes appended to an open file, gathered: ~1 MB, or 1,024 buffers, a system call (one write per line
 * would be 200k of them).
 */
export class GatheredWrites {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor(private readonly fd: number) {}

  add(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes > 1 << 20 || this.pending.length >= 1024) this.flush();
  }

  flush(): void {
    if (this.pending.length > 0) writevSync(this.fd, this.pending);
    this.drop();
  }

  /** Forgets what is not written yet. */
  drop(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Writes one build's lines: appended to a log, or as a whole new log. */
export class LineLogWriter {
  private readonly fd: number;
  private readonly writes: GatheredWrites;
  private done = false;

  private constructor(
    private readonly path: string,
    /** The temporary file of a new log; none when appending. */
    private readonly temporary: string | undefined,
    /** Where an appended build's lines begin: what a failed build is cut back to. */
    private readonly base: number,
  ) {
    this.fd = openSync(temporary ?? path, temporary ? 'w' : 'a');
    this.writes = new GatheredWrites(this.fd);
    // Lines a failed build left after the last commit go (see the module comment).
    if (!temporary) ftruncateSync(this.fd, base);
  }

  /** A new log with this header, replacing the old one when committed. */
  static create(path: string, header: string): LineLogWriter {
    const writer = new LineLogWriter(path, `${path}.${process.pid}.tmp`, 0);
    writer.add(Buffer.from(`${header}\n`));
    return writer;
  }

  /** Lines appended to `log` (read from `path`). */
  static append(path: string, log: LineLog): LineLogWriter {
    return new LineLogWriter(path, undefined, log.committed);
  }

  get appending(): boolean {
    return this.temporary === undefined;
  }

  /** One line, with its line break. */
  add(line: Buffer): void {
    this.writes.add(line);
  }

  /** Ends this build's lines with its mark: from now on, they count. */
  commit(mark: string): void {
    this.add(Buffer.from(`\t${mark}\n`));
    this.writes.flush();
    closeSync(this.fd);
    this.done = true;
    if (this.temporary) renameSync(this.temporary, this.path);
  }

  /** A failed build leaves the log as it was. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    if (!this.temporary) ftruncateSync(this.fd, this.base);
    closeSync(this.fd);
    if (this.temporary) rmSync(this.temporary, { force: true });
  }
}
