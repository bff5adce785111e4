/**
 * What the last build saw of each post file, kept next to the post store: its size and modification
 * time, its store key, and its digest head (the summary the index is planned from, see post-digest.ts).
 *
 * A rebuild stats every file and, for one whose size and time are unchanged, takes its head from here:
 * the whole archive in one sequential read, instead of one store entry opened per post on the workers
 * and its summary sent back (~5 s of a 200k-post rebuild). Only new and changed files go to the workers.
 *
 * A line log (line-log.ts): a header naming the settings (parser version included) the keys were made
 * under (other settings, nothing seen); one line per file, `[path, size, mtimeMs, key]` as JSON, a tab,
 * the head's JSON line (a size of -1: the file is not to be trusted any more); each build's lines closed
 * by its record id, by which a build's plan names the record it was made from (see last-build.ts). JSON
 * text holds no raw tab or line break, so the fields split without parsing the heads (a head is parsed
 * only when the file is used). A rebuild that removed no file appends the lines of the files it read;
 * the others write the whole record.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSeen } from './ingest-file.ts';
import { forEachLine, LineLogWriter, readLineLog, worthAppending, type LineLog } from './line-log.ts';

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
    /** The record as read: a writer appending to it starts where it was last committed. */
    readonly log: LineLog,
    private readonly entries: Map<string, SeenLine>,
    /** Lines of the record said again by a later line. */
    private readonly superseded: number,
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
    return this.log.bytes.toString('utf8', entry.start, entry.end);
  }

  /** The whole line, as bytes, to be copied into the next record. */
  line(entry: SeenLine): Buffer {
    return this.log.bytes.subarray(entry.lineStart, entry.end + 1);
  }

  /**
   * The paths seen that are not among `files`, given how many of them the record has (`known`): none
   * to look for when it has them all.
   */
  goneFrom(files: readonly { path: string }[], known: number): Set<string> {
    const gone = new Set<string>();
    if (known === this.entries.size) return gone;
    const here = new Set(files.map((file) => file.path));
    for (const path of this.entries.keys()) if (!here.has(path)) gone.add(path);
    return gone;
  }

  /** Every store key the last build used. */
  *keys(): Generator<string> {
    for (const entry of this.entries.values()) yield entry.seen[2];
  }

  /** Whether the next build may append its lines to this record (see SeenFilesWriter). */
  get appendable(): boolean {
    return worthAppending(this.superseded, this.entries.size);
  }
}

/** Whether there is a record at all (usable or not: see loadSeenFiles). */
export function hasSeenFiles(dir: string): boolean {
  return existsSync(join(dir, SEEN_FILE));
}

/** What the last build saw, or undefined when there is no usable record (first build, other settings). */
export function loadSeenFiles(dir: string, settings: string): SeenFiles | undefined {
  const log = readLineLog(join(dir, SEEN_FILE));
  if (!log) return undefined;
  try {
    if ((JSON.parse(log.header) as { settings?: string }).settings !== settings) return undefined;
    const { bytes } = log;
    const entries = new Map<string, SeenLine>();
    let lines = 0;
    forEachLine(log, (start, end) => {
      const tab = bytes.indexOf(9, start);
      if (tab < 0 || tab > end) throw new Error('a line of the record has no tab');
      const [path, size, mtimeMs, key] = JSON.parse(bytes.toString('utf8', start, tab)) as [string, number, number, string];
      lines++;
      if (size < 0) entries.delete(path);
      else entries.set(path, { seen: [size, mtimeMs, key], lineStart: start, start: tab + 1, end });
    });
    return new SeenFiles(log.mark, log, entries, lines - entries.size);
  } catch {
    return undefined;
  }
}

/**
 * Writes the record of this build as files come in, in any order: a whole new record (replacing the
 * old one when finished), or, given the last record (when it is appendable), this build's lines
 * appended to it: then only files read this build are added, and any file of the last record that is
 * gone or could not be read is forgotten.
 */
export class SeenFilesWriter {
  /** A new id for each record written. */
  readonly id = randomUUID();
  private readonly log: LineLogWriter;

  constructor(dir: string, settings: string, appendTo?: SeenFiles) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, SEEN_FILE);
    this.log = appendTo ? LineLogWriter.append(path, appendTo.log) : LineLogWriter.create(path, JSON.stringify({ settings }));
  }

  /** Whether this build's lines go after the last record's (which then stand for the files not added). */
  get appending(): boolean {
    return this.log.appending;
  }

  add(path: string, seen: FileSeen, head: string): void {
    this.log.add(Buffer.from(`${JSON.stringify([path, ...seen])}\t${head}\n`));
  }

  /** A line as the last record had it (see SeenFiles.line): copied as bytes, not made again. */
  addLine(line: Buffer): void {
    this.log.add(line);
  }

  /** A file of the last record not to be trusted any more (appending: it could not be read this time). */
  forget(path: string): void {
    this.log.add(Buffer.from(`${JSON.stringify([path, -1, -1, ''])}\t{}\n`));
  }

  finish(): void {
    this.log.commit(this.id);
  }

  /** A failed build leaves the last record as it was. */
  abandon(): void {
    this.log.abandon();
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
