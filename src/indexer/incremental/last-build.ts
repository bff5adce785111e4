/**
 * What the last build wrote into an output folder, kept in the build cache: the state of its files
 * (each path with a hash of what it holds, see write-index.ts), the snapshot of its plan (the order of
 * its rows and what the manifest was made from, see patch-plan.ts) and its search index's rows (see
 * search-cache.ts), all under the build id that the data folder itself carries, and committed in one
 * transaction. They are trusted only while the data folder carries that id: a fresh, emptied or
 * half-written output folder gets every file.
 *
 * In the cache's databases: `outputs` (data folder → its id in the others, its build id and layout),
 * `files` (`<id>` → every path and hash, packed; `<id>/<path>` → a hash changed since, '' when removed),
 * `plans` (id → plan, its row columns apart: saved-plan.ts) and `search-rows` (id → rows; `<id>/keys` →
 * their store keys, joined, read only when asked for).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fnv1a, type Manifest, type Problem } from '../../shared/types.ts';
import type { CachedRows } from '../search/search-cache.ts';
import type { CacheDb } from './cache-db.ts';
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { decodeStrings, encodeStrings, joinStrings, splitStrings } from './joined-strings.ts';
import { getPlan, putPlan, removePlan, type NoPlan, type StoredPlan } from './saved-plan.ts';

/**
 * The layout of the data folder and of its record here: a build over a folder of another layout (written
 * by an older version, e.g. with a file per post) writes it anew. Changed with either. 3: the state packed
 * under `<id>` with later changes as keys of their own, the plan as saved-plan.ts keeps it; code of
 * layout 2 refuses the whole record, plan included.
 */
const OUTPUT_LAYOUT = 3;
/**
 * The layout before, each path of the state under `<id>/<path>`, still read. One that also holds a packed
 * whole was touched by code of both layouts, and which keys are changes is not known: it is not trusted.
 */
const OUTPUT_LAYOUT_KEY_A_PATH = 2;

/** File in the data folder naming the build that wrote it; written last, so a half-written folder has none. */
export const BUILD_ID_FILE = '.build-id';

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

/** An output folder's entry in `outputs`. */
interface OutputEntry {
  id: string;
  buildId: string;
  layout: number;
  /** The extras' bucket cache whose buckets are the folder's (see WrittenOutput.bucketCache). */
  bucketCache?: string;
}

/** What the last build wrote into the folder, as the build cache holds it. */
export interface LastOutput {
  buildId: string;
  /** Path under `data/` → hash of its content (or, for post files, of what their content is made from). */
  files: ReadonlyMap<string, string>;
  plan: StoredPlan | undefined;
  /** Why `plan` is undefined: none saved, one of an older layout or not its own, or of another build. */
  whyNoPlan: NoPlan | 'of-another-build' | undefined;
  /** The written search index's rows; their keys read only when asked for (a patched plan
   * knows how rows moved without them). */
  searchRows(withKeys: boolean): CachedRows | undefined;
  /** The extras' bucket cache whose buckets are the folder's, when the last build named one (see WrittenOutput.bucketCache). */
  bucketCache: string | undefined;
}

/** What a build wrote: every file's hash, the paths whose hash is new, the paths removed; its plan and search rows. */
export interface WrittenOutput {
  files: ReadonlyMap<string, string>;
  changed: readonly string[];
  removed: readonly string[];
  plan: PlanSnapshot | undefined;
  searchRows: Omit<CachedRows, 'buildId'> | undefined;
  /**
   * The id the extras' bucket cache was saved for (extras-bucket-cache.ts) whose buckets are those this
   * build leaves: committed with the state, so that the next build takes the buckets from that cache only
   * when this build's output and record both stand.
   */
  bucketCache?: string;
}

/** The output a build wrote, as the next build of the same process takes it without reading it back. */
export interface RememberedOutput {
  dataRoot: string;
  buildId: string;
  files: ReadonlyMap<string, string>;
  plan: StoredPlan | undefined;
}

/** One output folder's part of the build cache. */
export class OutputRecord {
  private lastRead: Promise<LastOutput | undefined> | undefined;
  private readonly id: string;

  constructor(
    private readonly db: CacheDb,
    readonly dataRoot: string,
    private readonly memory: { output?: RememberedOutput } = {},
    /** The same folder's record on another opening of the cache, whose read of the last build this one keeps. */
    from?: OutputRecord,
  ) {
    this.id = createHash('sha1').update(dataRoot).digest('hex').slice(0, 12);
    this.lastRead = from?.lastRead;
  }

  /** The last build's output, when the data folder is still as that build left it (read once per build). */
  last(): Promise<LastOutput | undefined> {
    return (this.lastRead ??= this.read());
  }

  /**
   * Commits what this build wrote, in one transaction, under its build id (`buildId`, see newBuildId: made
   * before the extras, which name it in their cache), then writes that id into the data folder: until then
   * the folder matches no state. Returns the id.
   */
  async record(written: WrittenOutput, buildId: string): Promise<string> {
    const last = await this.last();
    this.memory.output = undefined;
    const { id } = this;
    const plan = written.plan && { ...written.plan, buildId };
    await this.db.transaction(() => {
      const { outputs, files, plans, rows } = this.parts();
      // Only the changes go over the state this build read, if it is still the one in the cache, of this
      // layout, and the changes kept apart stay few; else the whole state is packed again.
      const entry = outputs.get(this.dataRoot);
      const cacheHoldsStateRead = last !== undefined && entry?.buildId === last.buildId && entry.layout === OUTPUT_LAYOUT;
      const changeKeys = written.changed.length + written.removed.length;
      if (cacheHoldsStateRead && files.getKeysCount(filesRange(id)) + changeKeys <= STATE_CHANGES_KEPT) {
        for (const path of written.changed) files.put(filesKey(id, path), written.files.get(path)!);
        for (const path of written.removed) files.put(filesKey(id, path), REMOVED);
      } else {
        for (const key of files.getKeys(filesRange(id))) files.remove(key);
        files.put(id, packState(written.files));
      }
      if (plan) putPlan(plans, id, plan, last?.plan);
      else removePlan(plans, id);
      if (written.searchRows) {
        const { keys, ...stats } = written.searchRows;
        rows.put(id, { ...stats, buildId });
        const packed: PackedKeys = { count: keys.length, joined: encodeStrings(keys) };
        rows.put(filesKey(id, 'keys'), packed);
      } else {
        rows.remove(id);
        rows.remove(filesKey(id, 'keys'));
      }
      outputs.put(this.dataRoot, { id, buildId, layout: OUTPUT_LAYOUT, ...(written.bucketCache ? { bucketCache: written.bucketCache } : {}) });
    });
    await writeFile(join(this.dataRoot, BUILD_ID_FILE), buildId);
    // Not copied: the build that made them is done with them, and the next only reads them.
    this.memory.output = { dataRoot: this.dataRoot, buildId, files: written.files, plan };
    return buildId;
  }

  private async read(): Promise<LastOutput | undefined> {
    const entry = this.parts().outputs.get(this.dataRoot);
    const isLayoutRead = entry?.layout === OUTPUT_LAYOUT || entry?.layout === OUTPUT_LAYOUT_KEY_A_PATH;
    if (!entry || !isLayoutRead || entry.buildId !== (await readBuildId(this.dataRoot))) return undefined;
    // Looked up again after the await, and at each later ask: the opening may have been closed (see CacheDb.part).
    const { files, plans } = this.parts();
    const { id, buildId } = entry;
    if (entry.layout === OUTPUT_LAYOUT_KEY_A_PATH && files.get(id) !== undefined) return undefined;
    const remembered = this.memory.output;
    const fromMemory = remembered?.dataRoot === this.dataRoot && remembered.buildId === buildId ? remembered : undefined;
    let state = fromMemory?.files;
    if (!state) {
      const read = unpackState(files.get(id));
      const prefix = id.length + 1;
      for (const { key, value } of files.getRange(filesRange(id))) {
        if (value === REMOVED) read.delete(key.slice(prefix));
        else read.set(key.slice(prefix), value);
      }
      state = read;
    }
    const plan = fromMemory ? (fromMemory.plan ?? 'none') : getPlan(plans, id);
    const whyNoPlan = typeof plan === 'string' ? plan : plan.buildId !== buildId ? 'of-another-build' : undefined;
    return {
      buildId,
      files: state,
      plan: whyNoPlan === undefined ? (plan as StoredPlan) : undefined,
      whyNoPlan,
      bucketCache: entry.bucketCache,
      searchRows: (withKeys) => {
        const { rows } = this.parts();
        const stats = rows.get(id) as Omit<CachedRows, 'keys'> | undefined;
        if (stats?.buildId !== buildId) return undefined;
        return { ...stats, keys: withKeys ? unpackKeys(rows.get(filesKey(id, 'keys'))) : [] };
      },
    };
  }

  private parts() {
    return {
      outputs: this.db.part<OutputEntry>('outputs'),
      files: this.db.part<string>('files'),
      plans: this.db.part<unknown>('plans'),
      rows: this.db.part<unknown>('search-rows'),
    };
  }
}

/** A build's id: unique to one build of one output folder. */
export function newBuildId(): string {
  return randomUUID();
}

/**
 * Changes of the state kept as keys of their own over its packed whole (see packState): at most this many,
 * then the whole is packed again. A one-edit rebuild changes a few dozen files; a rebuild reads the whole
 * as one string and these one by one (72k keys read one by one took ~0.2-0.4 CPU s at 64k posts).
 * Why 4,096: reading that many keys one by one costs ~12-25 ms a build, less than writing the whole (~3 MB
 * at 64k posts) again at each build.
 */
const STATE_CHANGES_KEPT = 4096;
/** A change's value for a path removed (a hash is never empty). */
const REMOVED = '';

/** A folder's whole state as one string, kept under its id: path, hash, path, hash… (UTF-8, as `files` keeps strings). */
function packState(state: ReadonlyMap<string, string>): string {
  const parts: string[] = [];
  for (const [path, hash] of state) parts.push(path, hash);
  return joinStrings(parts);
}

function unpackState(packed: string | undefined): Map<string, string> {
  const state = new Map<string, string>();
  const parts = splitStrings(packed ?? '');
  for (let at = 0; at + 1 < parts.length; at += 2) state.set(parts[at]!, parts[at + 1]!);
  return state;
}

/** The search rows' store keys as `<id>/keys` holds them: joined, not a packed string each. */
interface PackedKeys {
  count: number;
  joined: Buffer;
}

/** The search rows' keys; [] (no row's key known: every row is indexed again) when none can be read. */
function unpackKeys(value: unknown): string[] {
  // The older layout: the array itself.
  if (Array.isArray(value)) return value as string[];
  const packed = value as Partial<PackedKeys> | undefined;
  return (typeof packed?.count === 'number' && decodeStrings(packed.joined, packed.count)) || [];
}

/** `<id>/<path>`: ids are of one length, so a folder's keys are one range. (A NUL would make the key an array.) */
function filesKey(id: string, path: string): string {
  return `${id}/${path}`;
}

function filesRange(id: string): { start: string; end: string } {
  // '0' follows '/'.
  return { start: `${id}/`, end: `${id}0` };
}

/**
 * Forgets the output folders that no build can use again: one whose data folder is gone could only be
 * refused (see OutputRecord.last). One transaction.
 */
export async function removeDeadOutputs(db: CacheDb): Promise<void> {
  const dead = [...db.part<OutputEntry>('outputs').getRange()].filter(({ key }) => !existsSync(key));
  if (dead.length === 0) return;
  await db.transaction(() => {
    const files = db.part<string>('files');
    const rows = db.part('search-rows');
    for (const { key, value } of dead) {
      for (const path of files.getKeys(filesRange(value.id))) files.remove(path);
      files.remove(value.id);
      removePlan(db.part('plans'), value.id);
      rows.remove(value.id);
      rows.remove(filesKey(value.id, 'keys'));
      db.part('outputs').remove(key);
    }
  });
}

async function readBuildId(dataRoot: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dataRoot, BUILD_ID_FILE), 'utf8')).trim();
  } catch {
    return undefined;
  }
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
