/**
 * Real-shaped corpora: real posts multiplied into N posts for the benchmark. Every copy keeps its source's
 * body byte for byte (so the HTML and the size distribution are the real ones); only what identifies a
 * post changes: the title, the date, the original URL and the file name (see varyPost).
 *
 *   npm run gen:corpus -- --from ../shared/corpus --posts 64000 --out .cache/corpus-64k
 *
 * Deterministic: the same sources and N always give the same files.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { compareCodeUnits } from '../shared/code-unit-order.ts';

/** What the indexer reads as a post (see read-posts.ts), and the folders it never enters. */
const POST_FILE = /\.(md|markdown|html?)$/i;
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.cache', '_site']);

/** Bumped whenever what a copy holds changes, so that corpora made before are made again. */
export const REAL_SHAPED_VERSION = 1;

/**
 * Days between one copy of a post and the next. Each source folder spans about a month (see the corpus
 * README), so copies tile the calendar month after month instead of piling on the same days.
 */
export const COPY_SPACING_DAYS = 31;

const DAY_MS = 86_400_000;
/** How many files are written at once: enough to keep the disk busy, few enough to bound memory. */
const WRITES_IN_FLIGHT = 64;

/** Post files below `dir`, as `/`-separated relative paths sorted by code units. */
export function postFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (absolute: string, relative: string) => {
    for (const entry of readdirSync(absolute, { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(join(absolute, entry.name), path);
      } else if (entry.isFile() && POST_FILE.test(entry.name)) found.push(path);
    }
  };
  walk(dir, '');
  return found.sort(compareCodeUnits);
}

/** Whether a file opens with a front matter block: one that does not (a corpus's README.md) is no post to copy. */
function hasFrontMatter(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4).toString('latin1');
  return head === '---\n' || head === '---\r';
}

/** A source post cut where its identifying fields are, read once and copied many times. */
interface SourcePost {
  path: string;
  /** Front matter lines, between the `---` delimiters (line ends kept). */
  frontMatter: string;
  /** The seed family's preamble (`<!--epoch-->` and `[title](url)` heading), varied with the front matter. */
  preamble: string;
  /** Everything after: never changed. */
  body: Buffer;
  /** The delimiters as the file writes them (`---\n` or `---\r\n`). */
  open: string;
  close: string;
}

const FRONT_MATTER = /^(---\r?\n)([\s\S]*?\r?\n)?(---[ \t]*(?:\r?\n|$))/;
/** See stripSeedPreamble in parse/markdown.ts: the epoch comment, then a heading repeating title and link. */
const SEED_PREAMBLE = /^(?:(\s*<!--\s*)(\d{10,13})(\s*-->[ \t]*\r?\n))?(?:(\s*\[)((?:[^\]\\\n]|\\.)*)(\]\()([^)\n]*)(\)[ \t]*\r?\n-{3,}[ \t]*\r?\n))?/;
/** The preamble is short; only this much of the body is decoded to look for it. */
const PREAMBLE_WINDOW = 8 * 1024;

/** The source cut in three, or undefined for a file without front matter (or with one not in UTF-8). */
export function splitSource(path: string, bytes: Buffer): SourcePost | undefined {
  if (!hasFrontMatter(bytes)) return undefined;
  // Decoded as far as the front matter and a preamble could reach; the rest stays bytes.
  const window = bytes.subarray(0, 64 * 1024 + PREAMBLE_WINDOW).toString('utf8');
  const match = FRONT_MATTER.exec(window);
  if (!match) return undefined;
  const [whole, open, frontMatter = '', close] = match;
  const afterFrontMatter = Buffer.byteLength(whole);
  // Front matter that is not valid UTF-8 would not be written back as it was: such a file is not copied.
  if (!bytes.subarray(0, afterFrontMatter).equals(Buffer.from(whole))) return undefined;
  const start = bytes.subarray(afterFrontMatter, afterFrontMatter + PREAMBLE_WINDOW).toString('utf8');
  const preamble = SEED_PREAMBLE.exec(start)?.[0] ?? '';
  const bodyStart = afterFrontMatter + Buffer.byteLength(preamble);
  return { path, frontMatter, preamble, body: bytes.subarray(bodyStart), open: open!, close: close! };
}

/** What copy number `copy` (0 = the first) of a post changes. */
export interface Variation {
  copy: number;
  /** Days the copy's date, file name and epoch comment move back. */
  daysBack: number;
  /** Appended to the title: copies of one post never share a title. */
  titleSuffix: string;
}

export function variationOf(copy: number): Variation {
  return { copy, daysBack: COPY_SPACING_DAYS * (copy + 1), titleSuffix: `（${copy + 1}）` };
}

/** `YYYY-MM-DD` moved back by `days`; anything that is not such a date is returned as it is. */
export function shiftDay(day: string, days: number): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(time)) return day;
  return new Date(time - days * DAY_MS).toISOString().slice(0, 10);
}

/** An http(s) URL made the copy's own by a query parameter; the path and any fragment are kept. */
export function varyUrl(url: string, copy: number): string {
  if (!/^\s*https?:\/\//i.test(url)) return url;
  const hash = url.indexOf('#');
  const [base, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${base}${base.includes('?') ? '&' : '?'}copy=${copy + 1}${fragment}`;
}

/**
 * The title with the suffix added inside its quoting: `"…"`, `'…'`, a block scalar's first line, or a
 * plain scalar (before a ` #` comment). An empty title stays empty, so the no-title case stays one.
 */
function varyTitle(lines: string[], index: number, suffix: string): void {
  const line = lines[index]!;
  const m = /^(title:[ \t]*)(.*?)([ \t]*\r?)$/.exec(line);
  if (!m) return;
  const [, key, value, end] = m as unknown as [string, string, string, string];
  if (value === '' || value === '""' || value === "''") return;
  if (/^[|>]/.test(value)) {
    // Block scalar: its text is the indented (or blank) lines below; the suffix ends its last line of text.
    let last = -1;
    for (let next = index + 1; next < lines.length && /^(?:[ \t]+\S|[ \t]*\r?$)/.test(lines[next]!); next++) if (/\S/.test(lines[next]!)) last = next;
    if (last > 0) lines[last] = lines[last]!.replace(/([ \t]*\r?)$/, `${suffix}$1`);
    return;
  }
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length > 1 && value.endsWith(quote)) {
    lines[index] = `${key}${value.slice(0, -1)}${suffix}${quote}${end}`;
    return;
  }
  if (quote === '"' || quote === "'") return; // a quoted title going on over several lines: left as it is
  const comment = value.indexOf(' #');
  lines[index] = comment < 0 ? `${key}${value}${suffix}${end}` : `${key}${value.slice(0, comment)}${suffix}${value.slice(comment)}${end}`;
}

/** The front matter of a copy: title, date (`date:`) and original URL (`from:` or `link:`) varied. */
export function varyFrontMatter(frontMatter: string, variation: Variation): { frontMatter: string; oldUrl?: string; newUrl?: string } {
  const lines = frontMatter.split('\n');
  let oldUrl: string | undefined;
  let newUrl: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('title:')) varyTitle(lines, i, variation.titleSuffix);
    else if (line.startsWith('date:')) {
      lines[i] = line.replace(/^(date:[ \t]*['"]?)(\d{4}-\d{2}-\d{2})/, (_, key: string, day: string) => `${key}${shiftDay(day, variation.daysBack)}`);
    } else {
      // The URL inside quotes when it has them.
      const url = /^((?:from|link):[ \t]*(['"]?))(\S.*?)(\2[ \t]*\r?)$/.exec(line);
      if (url && oldUrl === undefined) {
        oldUrl = url[3]!;
        newUrl = varyUrl(oldUrl, variation.copy);
        lines[i] = `${url[1]}${newUrl}${url[4]}`;
      }
    }
  }
  return { frontMatter: lines.join('\n'), ...(oldUrl !== undefined ? { oldUrl, newUrl: newUrl! } : {}) };
}

/** The seed preamble of a copy: the epoch moved back, the heading given the copy's title and URL. */
function varyPreamble(preamble: string, variation: Variation, oldUrl: string | undefined, newUrl: string | undefined): string {
  return preamble.replace(
    SEED_PREAMBLE,
    (_, open?: string, epoch?: string, close?: string, hOpen?: string, text?: string, mid?: string, url?: string, hClose?: string) => {
      const shifted = epoch === undefined ? '' : String(Number(epoch) - variation.daysBack * DAY_MS);
      // Nei.st posts have no comment; an epoch that would lose a digit (before 1970) is kept.
      const comment = epoch === undefined ? '' : `${open}${shifted.length === epoch.length ? shifted : epoch}${close}`;
      if (hOpen === undefined) return comment;
      const headingUrl = url !== undefined && oldUrl !== undefined && url.trim() === oldUrl ? url.replace(oldUrl, newUrl!) : url;
      return `${comment}${hOpen}${text === '' ? '' : `${text}${variation.titleSuffix}`}${mid}${headingUrl}${hClose}`;
    },
  );
}

/**
 * The path of a copy: every `YYYY-MM-DD` folder and the file name's date prefix moved back. The rest of
 * the name (spaces, quotes, CJK) is kept. A name without a date gets the copy's number instead.
 */
export function varyPath(path: string, variation: Variation): string {
  const parts = path.split('/');
  const name = parts.pop()!;
  const folders = parts.map((part) => shiftDay(part, variation.daysBack));
  const dated = /^(\d{4}-\d{2}-\d{2})(.*)$/s.exec(name);
  const newName = dated ? `${shiftDay(dated[1]!, variation.daysBack)}${dated[2]}` : withBeforeExtension(name, `-${variation.copy + 1}`);
  return [...folders, newName].join('/');
}

function withBeforeExtension(name: string, insert: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? `${name}${insert}` : `${name.slice(0, dot)}${insert}${name.slice(dot)}`;
}

/** The bytes of one copy of a source post. */
export function copyOf(source: SourcePost, variation: Variation): Buffer {
  const { frontMatter, oldUrl, newUrl } = varyFrontMatter(source.frontMatter, variation);
  const preamble = source.preamble === '' ? '' : varyPreamble(source.preamble, variation, oldUrl, newUrl);
  return Buffer.concat([Buffer.from(`${source.open}${frontMatter}${source.close}${preamble}`), source.body]);
}

export interface MultiplyOptions {
  /** Folder of real posts (both front-matter families may be mixed). */
  from: string;
  posts: number;
  out: string;
}

export interface MultiplyResult {
  files: number;
  bytes: number;
  sources: number;
  /** Post files of `from` left out (no front matter). */
  skipped: string[];
}

/**
 * Writes `posts` copies of the real posts in `from` to `out`. Sources are taken in a fixed shuffled order
 * (by SHA-1 of the path), round after round: at N equal to the source count each post is copied once,
 * and a last partial round is a fair sample of both families, not the first folder's posts.
 */
export async function multiplyCorpus(options: MultiplyOptions): Promise<MultiplyResult> {
  const order = postFiles(options.from)
    .map((path) => ({ path, key: createHash('sha1').update(path).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ path }) => path);
  const sources: SourcePost[] = [];
  const skipped: string[] = [];
  for (const path of order) {
    const split = splitSource(path, await readFile(join(options.from, path)));
    if (split) sources.push(split);
    else skipped.push(path);
  }
  if (sources.length === 0) throw new Error(`no post files with front matter under ${options.from}`);
  const written = new Set<string>();
  const folders = new Set<string>();
  const pending: Promise<void>[] = [];
  let bytes = 0;
  for (let i = 0; i < options.posts; i++) {
    const source = sources[i % sources.length]!;
    const variation = variationOf(Math.floor(i / sources.length));
    let path = varyPath(source.path, variation);
    // Two sources whose names differ only by a date a copy apart: never one file over the other.
    for (let n = 2; written.has(path); n++) path = withBeforeExtension(varyPath(source.path, variation), `-${n}`);
    written.add(path);
    const text = copyOf(source, variation);
    bytes += text.length;
    const file = join(options.out, path);
    const folder = dirname(file);
    if (!folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      folders.add(folder);
    }
    pending.push(writeFile(file, text));
    if (pending.length >= WRITES_IN_FLIGHT) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { files: options.posts, bytes, sources: sources.length, skipped };
}

/** The source posts themselves, byte for byte under their own paths: the real corpus the copies stand for. */
export async function copyRealPosts(from: string, out: string): Promise<MultiplyResult> {
  let bytes = 0;
  let files = 0;
  const skipped: string[] = [];
  for (const path of postFiles(from)) {
    const text = await readFile(join(from, path));
    if (!hasFrontMatter(text)) {
      skipped.push(path);
      continue;
    }
    await mkdir(dirname(join(out, path)), { recursive: true });
    await writeFile(join(out, path), text);
    bytes += text.length;
    files++;
  }
  return { files, bytes, sources: files, skipped };
}
