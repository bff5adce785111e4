/**
 * What the last build wrote into an output folder, kept in the build cache: the state of its files
 * (each path with a hash of what it holds, see write-index.ts) and the snapshot of its plan (the order
 * of its rows and what the manifest was made from, see patch-plan.ts), both under the build id that the
 * data folder itself carries. Either is trusted only while the data folder carries that id: a fresh,
 * emptied or half-written output folder gets every file.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fnv1a, type Manifest, type Problem } from '../../shared/types.ts';
import type { BuildMemory } from './build-memory.ts';
import { forEachLine, isStamped, LineLogWriter, readLineLog, stampOf, worthAppending, type FileStamp, type LineLog } from './line-log.ts';
import { firstIndexWhere } from '../../shared/binary-search.ts';

/**
 * The layout of the data folder a state and a plan describe: a build over a folder of another layout
 * (written by an older version, e.g. with a file per post) writes it anew. Changed with the layout.
 */
const OUTPUT_LAYOUT = 2;

/** File in the data folder naming the build that wrote it; written last, so a half-written folder has none. */
export const BUILD_ID_FILE = '.build-id';

/**
 * The state of an output folder: a line log (line-log.ts) whose header names the data folder, with a
 * line `<path>\t<hash>` per file (an empty hash: the file was removed), each build's lines closed by
 * its build id. A build appends the lines of the files it wrote or removed (paths under `data/` hold no
 * tab nor line break), or, when lines said again have piled up, writes the whole state anew.
 */
export interface WriteState {
  buildId: string;
  /** Path under `data/` → hash of its content (or, for post files, of what their content is made from). */
  files: ReadonlyMap<string, string>;
  /** The state as read, to append to. */
  log: LineLog;
  /** Lines said again by a later line. */
  superseded: number;
}

/**
 * A plan as a later build can patch it (see patch-plan.ts): rows in order with what placing a new post
 * among them needs, and the archive-wide parts of the index (manifest, problems). About 100 bytes a row.
 */
export interface PlanSnapshot {
  /** Id of the record of files seen (seen-files.ts) written by the build that made the plan. */
  record: string;
  shardSize: number;
  /** Each row's path, id and date (ms), oldest row first. */
  paths: string[];
  ids: string[];
  dates: number[];
  /**
   * Each row's URL identity and each not-archived related link, as pairs (hash of the URL identity,
   * row): see encodeUrlPairs. Hashes, not URLs: ~40% of the snapshot's size otherwise, and a build that finds
   * a candidate checks it against the post itself.
   */
  urlRows: string;
  unresolvedRows: string;
  /** URL identities held by several posts (one indexed, the others reported as duplicates). */
  duplicateUrls: string[];
  /** Each tag's first and last row. */
  tagRows: Record<string, [first: number, last: number]>;
  manifest: Manifest;
  /** Every problem of the report, in the report's order. */
  problems: Problem[];
}

/**
 * Removes the states in the build cache that no build can use again: each output folder ever built
 * into leaves one (`output-<hash>.state`, with its plan and its search rows), and one whose data
 * folder is gone could only be refused (see loadState); and what older versions kept
 * (`output-<hash>.json`, with a copy of the search index: 205 MB at 200k posts), never read now.
 */
export function removeDeadStates(cacheDir: string): void {
  let names: string[];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return; // no build cache yet
  }
  const dead = new Set<string>();
  for (const name of names) {
    const state = /^(output-[0-9a-f]+\.(?:state|json))$/.exec(name)?.[1];
    if (!state) continue;
    // A data folder that exists may be another build's, writing (its build id file comes last).
    const dataRoot = state.endsWith('.state') ? stateDataRoot(join(cacheDir, state)) : undefined;
    if (!dataRoot || !existsSync(dataRoot)) dead.add(state);
  }
  for (const name of names) {
    const state = /^(output-[0-9a-f]+\.(?:state|json))(?:\..*)?$/.exec(name)?.[1];
    if (state && dead.has(state)) rmSync(join(cacheDir, name), { force: true });
  }
}

/** The data folder a state names in its header, without reading the rest of it. */
function stateDataRoot(statePath: string): string | undefined {
  try {
    const fd = openSync(statePath, 'r');
    try {
      const head = Buffer.alloc(4096);
      const length = readSync(fd, head, 0, head.length, 0);
      const line = head.toString('utf8', 0, length).split('\n')[0]!;
      return (JSON.parse(line) as { dataRoot?: string }).dataRoot;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

export function planSnapshotPath(statePath: string): string {
  return `${statePath}.plan.json`;
}

/**
 * The state and plan a build saved, kept for the build that follows in the same process (see
 * BuildMemory): reading them back from their files took ~0.5 s at 200k posts. Used only while those
 * files are still the ones saved: the same build id in the data folder, the same size and time of the
 * state and of the plan.
 */
export interface SavedState {
  statePath: string;
  dataRoot: string;
  buildId: string;
  state: FileStamp;
  files: ReadonlyMap<string, string>;
  superseded: number;
  plan?: { stamp: FileStamp; snapshot: PlanSnapshot & { buildId: string } };
}

/** The state of the output folder the last build wrote; `memory`: what this process's last build saved. */
export async function loadState(statePath: string | undefined, dataRoot: string, memory?: BuildMemory): Promise<WriteState | undefined> {
  if (!statePath) return undefined;
  try {
    const log = readLineLog(statePath);
    const header = log && (JSON.parse(log.header) as { dataRoot?: string; layout?: number });
    if (!log || header?.dataRoot !== dataRoot || header.layout !== OUTPUT_LAYOUT || log.mark !== (await readBuildId(dataRoot))) return undefined;
    const saved = memory?.state;
    if (saved && saved.statePath === statePath && saved.dataRoot === dataRoot && saved.buildId === log.mark && isStamped(statePath, saved.state)) {
      return { buildId: log.mark, files: saved.files, log, superseded: saved.superseded };
    }
    const files = new Map<string, string>();
    let lines = 0;
    forEachLine(log, (text, start, end) => {
      const tab = text.indexOf('\t', start);
      lines++;
      if (tab + 1 === end) files.delete(text.slice(start, tab));
      else files.set(text.slice(start, tab), text.slice(tab + 1, end));
    });
    return { buildId: log.mark, files, log, superseded: lines - files.size };
  } catch {
    return undefined; // no state yet, or no data folder: a full write
  }
}

/** The last build's plan, when the data folder is still as that build left it. */
export async function loadPlanSnapshot(statePath: string, dataRoot: string, memory?: BuildMemory): Promise<(PlanSnapshot & { buildId: string }) | undefined> {
  try {
    const saved = memory?.state;
    if (saved?.plan && saved.statePath === statePath && saved.dataRoot === dataRoot) {
      const id = await readBuildId(dataRoot);
      if (id === saved.buildId && isStamped(planSnapshotPath(statePath), saved.plan.stamp)) return saved.plan.snapshot;
    }
    const [text, id] = await Promise.all([readFile(planSnapshotPath(statePath), 'utf8'), readBuildId(dataRoot)]);
    const snapshot = JSON.parse(text) as PlanSnapshot & { buildId: string; dataRoot: string; layout?: number };
    return snapshot.buildId === id && snapshot.dataRoot === dataRoot && snapshot.layout === OUTPUT_LAYOUT ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Saves the state of the folder's files under a new build id, written into the data folder last, and
 * the plan, when given; returns the id. Appended to `previous`, the state the build was loaded with,
 * when there is one to append to: then only `changes` (paths whose hash is new, paths removed) are written.
 */
export async function saveState(
  statePath: string,
  dataRoot: string,
  previous: WriteState | undefined,
  files: ReadonlyMap<string, string>,
  changes: { changed: readonly string[]; removed: readonly string[] },
  plan: PlanSnapshot | undefined,
  memory?: BuildMemory,
): Promise<string> {
  const buildId = randomUUID();
  if (memory) memory.state = undefined;
  await mkdir(dirname(statePath), { recursive: true });
  const appending = previous && worthAppending(previous.superseded, previous.files.size);
  const writer = appending
    ? LineLogWriter.append(statePath, previous.log)
    : LineLogWriter.create(statePath, JSON.stringify({ dataRoot, layout: OUTPUT_LAYOUT }));
  try {
    if (appending) {
      for (const path of changes.changed) writer.add(Buffer.from(`${path}\t${files.get(path)}\n`));
      for (const path of changes.removed) writer.add(Buffer.from(`${path}\t\n`));
    } else {
      for (const [path, hash] of files) writer.add(Buffer.from(`${path}\t${hash}\n`));
    }
    writer.commit(buildId);
  } catch (error) {
    writer.abandon();
    throw error;
  }
  if (plan) await writeFile(planSnapshotPath(statePath), JSON.stringify({ buildId, dataRoot, layout: OUTPUT_LAYOUT, ...plan }));
  await writeFile(join(dataRoot, BUILD_ID_FILE), buildId);
  // Each line of the state says one path; a line said again counts as superseded (see loadState).
  const lines = appending ? previous.superseded + previous.files.size + changes.changed.length + changes.removed.length : files.size;
  if (memory)
    memory.state = {
      statePath,
      dataRoot,
      buildId,
      state: stampOf(statePath),
      // Not copied: the build that made it is done with it, and the next only reads it.
      files,
      superseded: lines - files.size,
      ...(plan ? { plan: { stamp: stampOf(planSnapshotPath(statePath)), snapshot: { ...plan, buildId } } } : {}),
    };
  return buildId;
}

async function readBuildId(dataRoot: string): Promise<string> {
  return (await readFile(join(dataRoot, BUILD_ID_FILE), 'utf8')).trim();
}

/** Hash of a URL identity, as the snapshot keeps it. */
export function urlHash(url: string): number {
  return fnv1a(url);
}

/** Pairs (urlHash of a URL identity, row), sorted, as base64: what PlanSnapshot.urlRows and unresolvedRows hold. */
export function encodeUrlPairs(pairs: Iterable<[hash: number, row: number]>): string {
  const list = [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const words = new Uint32Array(list.length * 2);
  list.forEach(([hash, row], n) => {
    words[2 * n] = hash;
    words[2 * n + 1] = row;
  });
  return Buffer.from(words.buffer).toString('base64');
}

/** Reads pairs made by encodeUrlPairs. */
export class UrlPairs {
  private readonly words: Uint32Array;

  constructor(base64: string) {
    const bytes = Buffer.from(base64, 'base64');
    // A copy at offset 0: a Buffer's bytes may start anywhere in Node's shared pool.
    this.words = new Uint32Array(new Uint8Array(bytes).buffer);
  }

  /** Rows paired with this URL's hash: the rows that may hold it (a hash can be shared). */
  rowsOf(url: string): number[] {
    const hash = urlHash(url);
    const rows: number[] = [];
    const low = firstIndexWhere(this.words.length / 2, (n) => this.words[2 * n]! >= hash);
    for (let n = low; n < this.words.length / 2 && this.words[2 * n] === hash; n++) rows.push(this.words[2 * n + 1]!);
    return rows;
  }

  /** Every pair, for a plan made from this one. */
  *entries(): Generator<[hash: number, row: number]> {
    for (let n = 0; n < this.words.length; n += 2) yield [this.words[n]!, this.words[n + 1]!];
  }
}
