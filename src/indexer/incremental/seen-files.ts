/**
 * What the last build saw of each post file, kept next to the post store: its size and modification
 * time, its store key, and its digest head (the summary the index is planned from, see post-digest.ts).
 *
 * A rebuild stats every file and, for one whose size and time are unchanged, takes its key from here:
 * the whole archive in one sequential read, instead of one store entry opened per post. Only new and
 * changed files go to the parser.
 *
 * Two files. The record itself is a line log (line-log.ts) of small lines, one per file,
 * `size \t mtimeMs \t key \t headAt \t headLength \t path` (a size of -1: the file is not to be trusted
 * any more), each build's lines closed by its record id, by which a build's plan names the record it was
 * made from (see last-build.ts); its header names the settings (parser version included) the keys were
 * made under (other settings, nothing seen), and the heads file. The heads file holds the head lines
 * (JSON, ~800 bytes each) where the record's lines say.
 *
 * Apart because every rebuild reads the whole record, and a rebuild that patches the last plan needs the
 * heads of a handful of files: with the heads in its lines, the record was 185 MB at 200k posts, and
 * reading and splitting it was the largest part of a rebuild after one edit (~0.7 s); without, ~35 MB.
 * A build that plans every post reads the heads file whole, in one read.
 *
 * A rebuild that removed few files appends: its lines to the record, its heads to the heads file. A
 * build that writes the whole record writes a new heads file, named by the new record: the old one goes
 * once the new record is in place.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSeen } from '../workers/ingest-file.ts';
import type { BuildMemory } from './build-memory.ts';
import { GatheredWrites, isStamped, LineLogWriter, readLineLog, stampOf, worthAppending, type FileStamp, type LineLog } from './line-log.ts';

const SEEN_FILE = 'files-seen.tsv';
/** The record of the first design (heads within its lines): removed by the first build that writes a record. */
const OLD_SEEN_FILE = 'files-seen.ndjson';
const HEADS_PREFIX = 'file-heads-';

/** A file's line in the record: what the build saw, and where its head is in the heads file. */
export interface SeenLine {
  seen: FileSeen;
  headAt: number;
  headLength: number;
}

interface RecordHeader {
  settings: string;
  heads: string;
}

/** The last build's record. Heads are read when asked for: most rebuilds need a few of them. */
export class SeenFiles {
  private headsFd: number | undefined;
  private allHeads: Buffer | undefined;

  constructor(
    /** The record's id (see SeenFilesWriter.id). */
    readonly id: string,
    /** The record as read: a writer appending to it starts where it was last committed. */
    readonly log: LineLog,
    /** The heads file's path. */
    readonly headsPath: string,
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
    return this.headBytes(entry).toString('utf8');
  }

  /** The head's bytes, to be copied into the next record's heads file. */
  headBytes(entry: SeenLine): Buffer {
    if (this.allHeads) return this.allHeads.subarray(entry.headAt, entry.headAt + entry.headLength);
    this.headsFd ??= openSync(this.headsPath, 'r');
    const bytes = Buffer.allocUnsafe(entry.headLength);
    if (readSync(this.headsFd, bytes, 0, entry.headLength, entry.headAt) !== entry.headLength)
      throw new Error(`the heads file ${this.headsPath} is shorter than its record says`);
    return bytes;
  }

  /** Reads the heads file whole: for a build that asks for every head (one read, not 200k). */
  loadAllHeads(): void {
    this.allHeads ??= readFileSync(this.headsPath);
  }

  /** Lets go of the heads file (and the heads read whole); a later head opens it again. */
  close(): void {
    if (this.headsFd !== undefined) closeSync(this.headsFd);
    this.headsFd = undefined;
    this.allHeads = undefined;
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
    for (const entry of this.entries.values()) yield entry.seen.key;
  }

  /** Whether the next build may append its lines to this record (see SeenFilesWriter). */
  get appendable(): boolean {
    return worthAppending(this.superseded, this.entries.size);
  }

  /**
   * The record this one became once `lines` were appended to it (`log`, as read now): its entries
   * taken over, not copied, so this one is not to be used any more.
   */
  appended(log: LineLog, lines: readonly [path: string, line: SeenLine | undefined][]): SeenFiles {
    const lineCount = this.superseded + this.entries.size + lines.length;
    for (const [path, line] of lines) {
      if (line) this.entries.set(path, line);
      else this.entries.delete(path);
    }
    this.close();
    return new SeenFiles(log.mark, log, this.headsPath, this.entries, lineCount - this.entries.size);
  }
}

/**
 * The record a build appended to, kept for the next build in the same process (see BuildMemory):
 * parsing the record again took ~0.5 s at 200k posts, where a build after an edit appends a line or
 * two. Used once, and only while the file is the one written then (its last commit, its size and time).
 */
export interface AppendedRecord {
  path: string;
  settings: string;
  mark: string;
  stamp: FileStamp;
  base: SeenFiles;
  lines: [path: string, line: SeenLine | undefined][];
}

/**
 * What the last build saw, or undefined when there is no usable record (first build, other settings).
 * `memory`: what this process's last build left there, taken (see BuildMemory).
 */
export function loadSeenFiles(dir: string, settings: string, memory?: BuildMemory): SeenFiles | undefined {
  const path = join(dir, SEEN_FILE);
  const log = readLineLog(path);
  const appended = memory?.record;
  if (memory) memory.record = undefined;
  if (!log) return undefined;
  try {
    const header = JSON.parse(log.header) as Partial<RecordHeader>;
    if (header.settings !== settings || typeof header.heads !== 'string' || !header.heads.startsWith(HEADS_PREFIX)) return undefined;
    const headsPath = join(dir, header.heads);
    if (!existsSync(headsPath)) return undefined;
    if (
      appended &&
      appended.path === path &&
      appended.settings === settings &&
      appended.mark === log.mark &&
      appended.base.headsPath === headsPath &&
      isStamped(path, appended.stamp)
    ) {
      return appended.base.appended(log, appended.lines);
    }
    const entries = new Map<string, SeenLine>();
    // ASCII throughout (see encodePath): decoded as Latin-1, a third of the time UTF-8 takes.
    const lines = parseLines(log.bytes.toString('latin1', log.start, log.committed), (path, line) => {
      if (line.seen.size < 0) entries.delete(path);
      else entries.set(path, line);
    });
    return new SeenFiles(log.mark, log, headsPath, entries, lines - entries.size);
  } catch {
    return undefined;
  }
}

/**
 * Calls `take` for each line of the record's committed text (commit lines, which begin with a tab, left
 * out); returns the number of lines. Split by hand, field by field: 200k lines through JSON.parse took
 * twice as long.
 */
function parseLines(text: string, take: (path: string, line: SeenLine) => void): number {
  let lines = 0;
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start);
    if (end < 0) throw new Error('the record ends inside a line');
    if (text.charCodeAt(start) !== 9) {
      const fields: number[] = [];
      for (let at = start; fields.length < 5; at++) {
        at = text.indexOf('\t', at);
        if (at < 0 || at > end) throw new Error('a line of the record has too few fields');
        fields.push(at);
      }
      const [sizeEnd, timeEnd, keyEnd, headAtEnd, lengthEnd] = fields as [number, number, number, number, number];
      const numbers = [
        text.slice(start, sizeEnd),
        text.slice(sizeEnd + 1, timeEnd),
        text.slice(keyEnd + 1, headAtEnd),
        text.slice(headAtEnd + 1, lengthEnd),
      ].map(Number);
      if (numbers.some(Number.isNaN)) throw new Error('a line of the record has a field that is not a number');
      const [size, mtimeMs, headAt, headLength] = numbers as [number, number, number, number];
      take(decodePath(text.slice(lengthEnd + 1, end)), { seen: { size, mtimeMs, key: text.slice(timeEnd + 1, keyEnd) }, headAt, headLength });
      lines++;
    }
    start = end + 1;
  }
  return lines;
}

/**
 * A path as the record holds it: as it is when it is printable ASCII (most are), else as a JSON string
 * in ASCII (`\\uXXXX` beyond it), which the first character, a quote, tells apart. The whole record is
 * ASCII, so it is read as Latin-1.
 */
function encodePath(path: string): string {
  if (/^[\x20-\x7e]*$/.test(path) && !path.startsWith('"')) return path;
  return JSON.stringify(path).replace(/[^\x20-\x7e]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function decodePath(field: string): string {
  return field.startsWith('"') ? (JSON.parse(field) as string) : field;
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
  private readonly heads: HeadsWriter;
  /** Appending: the lines added, for the next build of this process (see AppendedRecord). */
  private readonly lines: [string, SeenLine | undefined][] = [];

  constructor(
    private readonly dir: string,
    private readonly settings: string,
    private readonly appendTo?: SeenFiles,
    /** Where the next build of this process finds this record (see AppendedRecord). */
    private readonly memory?: BuildMemory,
  ) {
    mkdirSync(dir, { recursive: true });
    const path = join(dir, SEEN_FILE);
    if (appendTo) {
      this.heads = new HeadsWriter(appendTo.headsPath, true);
      this.log = LineLogWriter.append(path, appendTo.log);
    } else {
      const header: RecordHeader = { settings, heads: `${HEADS_PREFIX}${this.id}.ndjson` };
      this.heads = new HeadsWriter(join(dir, header.heads), false);
      this.log = LineLogWriter.create(path, JSON.stringify(header));
    }
  }

  /** Whether this build's lines go after the last record's (which then stand for the files not added). */
  get appending(): boolean {
    return this.log.appending;
  }

  /** A file and its head: as text, or as the last record's bytes (see SeenFiles.headBytes). */
  add(path: string, seen: FileSeen, head: string | Uint8Array): void {
    const [headAt, headLength] = this.heads.add(typeof head === 'string' ? Buffer.from(head) : head);
    this.line(path, seen, headAt, headLength);
  }

  /** A file of the last record not to be trusted any more (appending: it could not be read this time). */
  forget(path: string): void {
    this.line(path, { size: -1, mtimeMs: -1, key: '' }, 0, 0);
  }

  finish(): void {
    // The heads first: a committed line points at bytes already written.
    this.heads.finish();
    this.log.commit(this.id);
    if (!this.appending) removeHeadsFilesBut(this.dir, this.heads.path);
    const path = join(this.dir, SEEN_FILE);
    if (this.memory)
      this.memory.record = this.appendTo
        ? { path, settings: this.settings, mark: this.id, stamp: stampOf(path), base: this.appendTo, lines: this.lines }
        : undefined;
  }

  /** A failed build leaves the last record as it was. */
  abandon(): void {
    this.log.abandon();
    this.heads.abandon();
  }

  private line(path: string, seen: FileSeen, headAt: number, headLength: number): void {
    if (this.appendTo) this.lines.push([path, seen.size < 0 ? undefined : { seen, headAt, headLength }]);
    this.log.add(Buffer.from(`${seen.size}\t${seen.mtimeMs}\t${seen.key}\t${headAt}\t${headLength}\t${encodePath(path)}\n`));
  }
}

/** Appends head lines to a heads file; says where each went. */
class HeadsWriter {
  private readonly fd: number;
  private readonly writes: GatheredWrites;
  /** The file's size when opened: what a failed build is cut back to. */
  private readonly base: number;
  private size: number;
  private static readonly NEWLINE = Buffer.from('\n');

  constructor(
    readonly path: string,
    appending: boolean,
  ) {
    this.fd = openSync(path, appending ? 'a' : 'w');
    this.writes = new GatheredWrites(this.fd);
    this.base = this.size = fstatSync(this.fd).size;
  }

  /** Returns where the head starts and its length (its line break not counted). */
  add(head: Uint8Array): [number, number] {
    const at = this.size;
    this.writes.add(head);
    this.writes.add(HeadsWriter.NEWLINE);
    this.size += head.length + 1;
    return [at, head.length];
  }

  finish(): void {
    this.writes.flush();
    closeSync(this.fd);
  }

  abandon(): void {
    this.writes.drop();
    ftruncateSync(this.fd, this.base);
    closeSync(this.fd);
    if (this.base === 0) rmSync(this.path, { force: true });
  }
}

/** Once a new record is in place: the heads files of older records, and the first design's record, go. */
function removeHeadsFilesBut(dir: string, keep: string): void {
  for (const name of readdirSync(dir)) {
    if ((name.startsWith(HEADS_PREFIX) && join(dir, name) !== keep) || name === OLD_SEEN_FILE) rmSync(join(dir, name), { force: true });
  }
}

/** Whether there is a record at all (usable or not: see loadSeenFiles). */
export function hasSeenFiles(dir: string): boolean {
  return existsSync(join(dir, SEEN_FILE));
}

/**
 * Drops the record: the next build checks every file against the store again. Called when a build
 * failed after reading, in case the record named an entry the store no longer has (a cache folder
 * partly deleted by hand).
 */
export function forgetSeenFiles(dir: string): void {
  rmSync(join(dir, SEEN_FILE), { force: true });
}
