/**
 * A rebuild's plan made by patching the last build's (its snapshot, see last-build.ts) instead of
 * planning 200k posts again: what a maintainer's rebuild after a fetch or a correction is. Planning from
 * scratch reads every post's summary back, sorts, numbers, and makes every metadata shard, tag list and
 * placement again (~7 s of a 200k-post rebuild, a fifth of it collecting the garbage); a patch touches
 * only the rows that changed and the shards, tag lists and post files that show them.
 *
 * A patch is made only when it gives exactly what planning from scratch would (the tests compare both,
 * file by file): no post the last build indexed is gone, but for posts moved to another folder under
 * the same name (mirrors move posts to `archived/YYYY-MM-DD/` after two weeks); an edited or moved post
 * keeps its date, link, tags and related stories (what places it), and is not one of several copies of
 * an article; a new post has an id and a link no other post has, and comes after all but the newest few
 * thousand rows. Otherwise the build plans from scratch, and says why in its report.
 */
import { join } from 'node:path';
import {
  INDEX_FORMAT_VERSION,
  postBucketCount,
  shardFile,
  type IngestReport,
  type Manifest,
  type MetaShard,
  type PostMeta,
  type Problem,
  type TagPostList,
} from '../../shared/types.ts';
import { countDays, makeReport, placement, plannedRow, sortTags, tagListJson, toMeta, type PlannedRow } from '../plan/build-index.ts';
import { slugFromFileName } from '../parse/ids.ts';
import { encodeUrlPairs, urlHash, UrlPairs, type PlanSnapshot } from './last-build.ts';
import type { StoredPlan } from './saved-plan.ts';
import { parseDigestHead, type DigestHead, type PostSummary } from '../parse/post-digest.ts';
import { missingEntryError, type PostStore } from './post-store.ts';
import { rowMapping, type RowMapping } from '../search/search-cache.ts';
import type { PostFileRef } from '../read-posts.ts';
import type { SeenFiles, SeenPlaces } from './seen-files.ts';
import { urlIdentity } from '../parse/urls.ts';
import { firstIndexWhere } from '../../shared/binary-search.ts';
import { readDataText } from '../output/data-file.ts';

/** A plan patched from the last build's: only what changed, for writeIndex to write over that build's output. */
export interface PatchedIndex {
  kind: 'patched';
  /** The small files that changed (path under `data/` → JSON text); the others stay as the last build wrote them. */
  files: Map<string, string>;
  manifest: Manifest;
  report: IngestReport;
  postCount: number;
  storeKeys: string[];
  snapshot: PlanSnapshot;
  patch: {
    /** The build id of the output this patch is to be written over. */
    base: string;
    /** Every row's store key, in row order. */
    keys: string[];
    /** The rows whose post file is written again (new, edited, or placed differently), by row. */
    rows: Map<number, PlannedRow>;
    /**
     * How the last build's rows became this build's, for its search index (see search-cache.ts), and
     * the old store key of each row dropped (edited posts, entries moved), whose tokens leave it, by
     * its old row.
     */
    search: { mapping: RowMapping | undefined; droppedKeys: Map<number, string> };
  };
}

/** What reading the files gave (see readFiles in ingest.ts), position by position. */
export interface FilesRead {
  keys: (string | undefined)[];
  /** 1 for each file read this build, 0 for a file taken from the record (see readHead). */
  readThisBuild: Uint8Array;
  /** The heads of the files read this build that have no key (unreadable, or their worker died): not in the store. */
  keyless: Map<number, DigestHead>;
  /** Where the last build's record has each file (undefined: no record, or let go). */
  seen: SeenPlaces | undefined;
  previous: SeenFiles | undefined;
  /** The paths of the last build's record that are gone. */
  gone: ReadonlySet<string>;
  /** This build's record id. */
  record: string;
}

export interface PatchInput {
  snapshot: StoredPlan;
  files: readonly PostFileRef[];
  read: FilesRead;
  /** The data folder the last build wrote: shards and tag lists are read back from it. */
  dataRoot: string;
  /** Where a moved post's old and new entries are compared (its search tokens). */
  store: PostStore;
  timeZone: string;
  postsDir: string;
  startedAt: number;
}

/**
 * New posts are placed among the newest rows only: each row after the first new one moves, and its
 * shard is written again. Past this, planning from scratch costs about the same.
 */
export const PATCH_MAX_MOVED_ROWS = 5_000;

/** An edited or moved post: its old row, its new summary and store key. */
type Edit = { row: number; summary: PostSummary; key: string };
/** A new post, its URL identity, and where it goes: `position` old rows before it, at `row`. */
type NewPost = { id: string; url: string | undefined; summary: PostSummary; key: string };
type Added = NewPost & { position: number; row: number };

/** A patched plan, or why the last one cannot be patched (the build then plans from scratch). */
/** Problems about copies under one URL: they stay, a patch never touching such posts. */
const SAME_URL_REASONS = new Set<string>(['duplicate-url', 'url-version', 'url-reused']);

export type PatchOutcome = { kind: 'patched'; index: PatchedIndex } | { kind: 'refused'; reason: string };

export async function patchPlan(input: PatchInput): Promise<PatchOutcome> {
  const { snapshot, files, read, dataRoot } = input;
  const previous = read.previous;
  if (!previous || snapshot.record !== previous.id) return { kind: 'refused', reason: 'the last plan was not made from the last record of files' };
  const oldCount = snapshot.paths.length;
  const rowOfPath = new Map<string, number>();
  snapshot.paths.forEach((path, row) => rowOfPath.set(path, row));

  // 1. What changed, file by file. A file not read this build has its record's key (see FileChanges).
  const oldKeys: (string | undefined)[] = Array.from({ length: oldCount });
  const edits: Edit[] = [];
  const added: NewPost[] = [];
  const readPaths = new Set<string>();
  const problems: Problem[] = [];
  const summaries = new SummaryReader(snapshot, previous);
  for (let at = 0; at < files.length; at++) {
    const path = files[at]!.path;
    const key = read.keys[at];
    const row = rowOfPath.get(path);
    if (row !== undefined) oldKeys[row] = key;
    if (!read.readThisBuild[at]) continue;
    const entry = read.seen?.at(at);
    const head = await readHead(read, at, input.store);
    readPaths.add(path);
    // A file read again has its problems found again (but duplicates are found by planning, below).
    problems.push(...('problem' in head ? [head.problem] : head.warnings));
    if (entry && key && key === entry.key) continue;
    if (row !== undefined) {
      if (!('summary' in head)) return { kind: 'refused', reason: `a post is no longer usable (${path})` };
      const why = editRefusal(summaries.at(row), head.summary, snapshot.duplicateUrls);
      if (why) return { kind: 'refused', reason: `${why} (${path})` };
      edits.push({ row, summary: head.summary, key: key! });
      continue;
    }
    if (!('summary' in head)) continue;
    if (entry && 'summary' in parseDigestHead(previous.head(entry))) return { kind: 'refused', reason: `a duplicate changed (${path})` };
    const url = head.summary.originalUrl ? urlIdentity(head.summary.originalUrl) : undefined;
    added.push({ id: slugFromFileName(path.slice(path.lastIndexOf('/') + 1)), url, summary: head.summary, key: key! });
  }
  // Files gone: a post moved to another folder under the same name keeps its row (its id, taken from
  // the name, is the same); a file that was not indexed goes with its problems; any other removal
  // plans from scratch.
  const removed = read.gone;
  const moves: Edit[] = [];
  for (const path of removed) {
    const row = rowOfPath.get(path);
    if (row === undefined) {
      if ('summary' in parseDigestHead(previous.head(previous.get(path)!))) return { kind: 'refused', reason: `a duplicate was removed (${path})` };
      continue;
    }
    const id = snapshot.ids[row]!;
    const at = added.findIndex((post) => post.id === id);
    if (at < 0 || id !== slugFromFileName(path.slice(path.lastIndexOf('/') + 1))) return { kind: 'refused', reason: `a post was removed (${path})` };
    const post = added.splice(at, 1)[0]!;
    const why = editRefusal(summaries.at(row), post.summary, snapshot.duplicateUrls);
    if (why) return { kind: 'refused', reason: `${why} (${post.summary.path})` };
    moves.push({ row, summary: post.summary, key: post.key });
    oldKeys[row] = post.key;
  }

  // 2. Where new posts go.
  const urlRows = new UrlPairs(snapshot.urlRows);
  const refusal = checkAdded(added, snapshot, urlRows, summaries);
  if (refusal) return { kind: 'refused', reason: refusal };
  const order = placeAdded(added, snapshot);
  const firstMoved = order.length > 0 ? order[0]!.position : oldCount;
  if (oldCount - firstMoved > PATCH_MAX_MOVED_ROWS) return { kind: 'refused', reason: `new posts go before ${oldCount - firstMoved} older rows` };
  const rows = new RowOrder(snapshot.ids, order);
  // Past a power of two, posts are spread over twice as many buckets: every bucket file changes.
  const bucketCount = snapshot.manifest.postBuckets;
  if (postBucketCount(rows.count) !== bucketCount)
    return { kind: 'refused', reason: `the posts fill ${postBucketCount(rows.count)} buckets, no longer ${bucketCount}` };

  // 3. Post files to write again: new and edited posts, moved entries, new posts' neighbours, and posts
  //    whose related links now point into the archive.
  const newSummaries = new Map<number, PostSummary>();
  const rewrite = new Set<number>();
  for (const edit of edits) newSummaries.set(rows.newRow(edit.row), edit.summary);
  for (const row of [...edits.map((edit) => edit.row), ...moves.map((move) => move.row)]) rewrite.add(rows.newRow(row));
  const unresolved = new UrlPairs(snapshot.unresolvedRows);
  const resolvedLinks: [hash: number, oldRow: number][] = [];
  for (const post of order) {
    newSummaries.set(post.row, post.summary);
    rewrite.add(post.row);
    if (post.row > 0) rewrite.add(post.row - 1);
    if (post.row + 1 < rows.count) rewrite.add(post.row + 1);
    if (post.url === undefined) continue;
    for (const old of unresolved.rowsOf(post.url)) {
      if (!summaries.at(old).relatedUrls.includes(post.url)) continue;
      rewrite.add(rows.newRow(old));
      resolvedLinks.push([urlHash(post.url), old]);
    }
  }
  const summaryAt = (row: number) => newSummaries.get(row) ?? summaries.at(rows.oldRow(row));
  // A post with versions is planned with its URL's other copies, which only a full plan gathers.
  for (const row of rewrite) {
    const { originalUrl, path } = summaryAt(row);
    if (originalUrl && snapshot.duplicateUrls.includes(urlIdentity(originalUrl)))
      return { kind: 'refused', reason: `a post with other copies would be rewritten (${path})` };
  }
  const resolver = new UrlResolver(urlRows, snapshot.ids, summaries, order);
  const keys = rows.keys(oldKeys);
  const planned = new Map<number, PlannedRow>();
  const newUnresolved: [hash: number, row: number][] = [];
  for (const row of [...rewrite].sort((a, b) => a - b)) {
    const id = rows.idAt(row);
    const relatedIds = summaryAt(row).relatedUrls.map((url) => {
      const archivedId = resolver.idOf(url);
      if (archivedId === undefined && rows.oldRow(row) < 0) newUnresolved.push([urlHash(url), row]);
      return archivedId !== id ? archivedId : undefined;
    });
    planned.set(
      row,
      plannedRow(
        keys[row]!,
        placement(id, relatedIds, row > 0 ? rows.idAt(row - 1) : undefined, row + 1 < rows.count ? rows.idAt(row + 1) : undefined),
        bucketCount,
      ),
    );
  }

  // The search index's rows: an old row moves; an edited or moved entry's row is dropped and fresh
  // again, but a moved post's whose tokens are the same (its bytes, unless the folder changed its date).
  const movedTokensDiffer = await Promise.all(
    moves.map(async (move) => !(await sameTokens(input.store, previous.get(snapshot.paths[move.row]!)!.key, move.key))),
  );
  const droppedRows = [...new Set([...edits.map((edit) => edit.row), ...moves.filter((_, n) => movedTokensDiffer[n]).map((move) => move.row)])];
  const newRowOf = new Int32Array(oldCount);
  for (let old = 0; old < oldCount; old++) newRowOf[old] = rows.newRow(old);
  for (const old of droppedRows) newRowOf[old] = -1;
  const freshRows = [...droppedRows.map((old) => rows.newRow(old)), ...order.map((post) => post.row)].sort((a, b) => a - b);
  const search = {
    mapping: rowMapping(newRowOf, freshRows),
    droppedKeys: new Map(droppedRows.map((old) => [old, previous.get(snapshot.paths[old]!)!.key])),
  };

  // 4. The small files: metadata shards, tag lists, manifest.
  const smallFiles = new Map<string, string>();
  await patchShards(smallFiles, dataRoot, snapshot, order, edits);
  const tags = await patchTags(smallFiles, dataRoot, snapshot, rows, order);
  const dayCounts = new Map(snapshot.manifest.days);
  const manifest: Manifest = {
    ...snapshot.manifest,
    builtAt: new Date().toISOString(),
    postCount: rows.count,
    tags: tags.summaries,
    days: countDays(
      order.map((post) => post.summary.date),
      input.timeZone,
      dayCounts,
    ),
    shardCount: Math.ceil(rows.count / snapshot.shardSize),
  };
  smallFiles.set('manifest.json', JSON.stringify(manifest));

  // The last build's problems, but those of files read again (found again above) and of files gone
  // (unreadable ones, which the record does not hold); duplicates stay, none of them having changed.
  const kept = snapshot.problems.filter(
    (problem) =>
      SAME_URL_REASONS.has(problem.reason) || (!readPaths.has(problem.path) && !removed.has(problem.path) && previous.get(problem.path) !== undefined),
  );
  const report = makeReport({ filesSeen: files.length, postsDir: input.postsDir, startedAt: input.startedAt }, rows.count, [...kept, ...problems]);
  const next: PlanSnapshot = {
    record: read.record,
    shardSize: snapshot.shardSize,
    paths: rows.column(
      movedPaths(snapshot.paths, moves),
      order.map((post) => post.summary.path),
    ),
    ids: rows.column(
      snapshot.ids,
      order.map((post) => post.id),
    ),
    dates: rows.column(
      snapshot.dates,
      order.map((post) => post.summary.date.getTime()),
    ),
    // Without new posts, no row moves and no link is resolved: the pairs stay as they were.
    urlRows:
      order.length === 0
        ? snapshot.urlRows
        : encodeUrlPairs([
            ...rows.movePairs(urlRows.entries()),
            ...order.flatMap((post) => (post.url === undefined ? [] : [[urlHash(post.url), post.row] as [number, number]])),
          ]),
    unresolvedRows:
      order.length === 0 ? snapshot.unresolvedRows : encodeUrlPairs([...rows.movePairs(withoutPairs(unresolved.entries(), resolvedLinks)), ...newUnresolved]),
    duplicateUrls: snapshot.duplicateUrls,
    tagRows: tags.rows,
    manifest,
    problems: report.problems,
  };
  return {
    kind: 'patched',
    index: {
      kind: 'patched',
      files: smallFiles,
      manifest,
      report,
      postCount: rows.count,
      storeKeys: read.keys.filter((key): key is string => key !== undefined),
      snapshot: next,
      patch: { base: snapshot.buildId, keys, rows: planned, search },
    },
  };
}

/** The rows' paths with the moved posts' new ones. */
function movedPaths(paths: string[], moves: readonly Edit[]): string[] {
  if (moves.length === 0) return paths;
  const moved = [...paths];
  for (const move of moves) moved[move.row] = move.summary.path;
  return moved;
}

/** Whether two entries have the same search tokens and weights. */
async function sameTokens(store: PostStore, a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([store.getSearch(a), store.getSearch(b)]);
  return x !== undefined && y !== undefined && x.joined === y.joined && Buffer.compare(x.weights, y.weights) === 0;
}

/** Why an edited post cannot be patched in place, if it cannot. */
function editRefusal(before: PostSummary, after: PostSummary, duplicateUrls: readonly string[]): string | undefined {
  if (before.date.getTime() !== after.date.getTime()) return 'an edited post changed its date';
  const url = (summary: PostSummary) => (summary.originalUrl ? urlIdentity(summary.originalUrl) : undefined);
  if (url(before) !== url(after)) return 'an edited post changed its link';
  if (JSON.stringify(before.tags) !== JSON.stringify(after.tags)) return 'an edited post changed its tags';
  if (JSON.stringify(before.relatedUrls) !== JSON.stringify(after.relatedUrls)) return 'an edited post changed its related stories';
  const identity = url(after);
  if (identity !== undefined && duplicateUrls.includes(identity)) return 'an edited post has duplicates';
  return undefined;
}

/** Why the new posts cannot be added as they are, if they cannot: an id or a link already taken. */
function checkAdded(added: readonly NewPost[], snapshot: PlanSnapshot, urls: UrlPairs, summaries: SummaryReader): string | undefined {
  if (added.length === 0) return undefined;
  const ids = new Set(snapshot.ids);
  const newUrls = new Set<string>();
  for (const post of added) {
    if (ids.has(post.id)) return `a new post's id is taken (${post.summary.path})`;
    ids.add(post.id);
    if (post.url === undefined) continue;
    const taken = newUrls.has(post.url) || snapshot.duplicateUrls.includes(post.url) || urls.rowsOf(post.url).some((row) => summaries.urlAt(row) === post.url);
    if (taken) return `a new post has the link of another (${post.summary.path})`;
    newUrls.add(post.url);
  }
  return undefined;
}

/**
 * The new posts in row order, each with its position among the old rows (the number of old rows
 * before it) and its row: rows order by date, then by id backwards (see buildIndex).
 */
function placeAdded(added: NewPost[], snapshot: PlanSnapshot): Added[] {
  const before = (a: { date: number; id: string }, b: { date: number; id: string }) => a.date - b.date || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
  const keyOf = (post: NewPost) => ({ date: post.summary.date.getTime(), id: post.id });
  return [...added]
    .sort((a, b) => before(keyOf(a), keyOf(b)))
    .map((post, n) => {
      const mine = keyOf(post);
      const position = firstIndexWhere(snapshot.paths.length, (row) => before({ date: snapshot.dates[row]!, id: snapshot.ids[row]! }, mine) >= 0);
      return { ...post, position, row: position + n };
    });
}

/** The number of values in an ascending list that are at most `value` (or, `strictly`, below it). */
function countUpTo(values: readonly number[], value: number, strictly = false): number {
  return firstIndexWhere(values.length, (n) => (strictly ? values[n]! >= value : values[n]! > value));
}

/** This build's rows: the old ones, with the new posts placed among them. */
class RowOrder {
  readonly count: number;
  private readonly positions: number[];
  private readonly addedRows: number[];
  private readonly addedAt: Map<number, Added>;

  constructor(
    private readonly oldIds: readonly string[],
    readonly order: readonly Added[],
  ) {
    this.count = oldIds.length + order.length;
    this.positions = order.map((post) => post.position);
    this.addedRows = order.map((post) => post.row);
    this.addedAt = new Map(order.map((post) => [post.row, post]));
  }

  /** An old row's row now: moved by the new posts placed before it. */
  newRow(old: number): number {
    return old + countUpTo(this.positions, old);
  }

  /** A row's old row, or -1 for a new post. */
  oldRow(row: number): number {
    if (this.addedAt.has(row)) return -1;
    return row - countUpTo(this.addedRows, row, true);
  }

  idAt(row: number): string {
    return this.addedAt.get(row)?.id ?? this.oldIds[this.oldRow(row)]!;
  }

  /** A column of the snapshot with the new posts' values put in their rows. */
  column<T>(old: readonly T[], values: readonly T[]): T[] {
    if (values.length === 0) return old as T[];
    const first = this.order[0]!.position;
    const out = old.slice(0, first);
    let next = 0;
    for (let oldRow = first; oldRow <= old.length; oldRow++) {
      while (next < this.order.length && this.order[next]!.position === oldRow) out.push(values[next++]!);
      if (oldRow < old.length) out.push(old[oldRow]!);
    }
    return out;
  }

  /** Every row's store key: the old rows' as read this build, the new posts'. */
  keys(oldKeys: readonly (string | undefined)[]): string[] {
    return this.column(
      oldKeys as string[],
      this.order.map((post) => post.key),
    );
  }

  *movePairs(pairs: Iterable<[number, number]>): Generator<[number, number]> {
    for (const [hash, row] of pairs) yield [hash, this.newRow(row)];
  }
}

/** Pairs less the given ones (each taken away once). */
function* withoutPairs(pairs: Iterable<[number, number]>, removed: readonly [number, number][]): Generator<[number, number]> {
  const left = new Map<string, number>();
  for (const [hash, row] of removed) left.set(`${hash}:${row}`, (left.get(`${hash}:${row}`) ?? 0) + 1);
  for (const pair of pairs) {
    const name = `${pair[0]}:${pair[1]}`;
    const count = left.get(name) ?? 0;
    if (count > 0) left.set(name, count - 1);
    else yield pair;
  }
}

/** Old rows' summaries, read from the last record (the file of an unchanged row has the same summary). */
class SummaryReader {
  private readonly cache = new Map<number, PostSummary>();

  constructor(
    private readonly snapshot: PlanSnapshot,
    private readonly previous: SeenFiles,
  ) {}

  at(row: number): PostSummary {
    let summary = this.cache.get(row);
    if (summary) return summary;
    const entry = this.previous.get(this.snapshot.paths[row]!);
    const head = entry && parseDigestHead(this.previous.head(entry));
    if (!head || !('summary' in head)) throw new Error(`the last build's row ${row} (${this.snapshot.paths[row]}) is not in its record`);
    summary = head.summary;
    this.cache.set(row, summary);
    return summary;
  }

  urlAt(row: number): string | undefined {
    const url = this.at(row).originalUrl;
    return url ? urlIdentity(url) : undefined;
  }
}

/** The id of the post holding a URL identity, among the old rows and the new posts. */
class UrlResolver {
  private readonly addedIds = new Map<string, string>();

  constructor(
    /** The old rows' URL pairs, and their ids. */
    private readonly urls: UrlPairs,
    private readonly ids: readonly string[],
    private readonly summaries: SummaryReader,
    order: readonly Added[],
  ) {
    for (const post of order) if (post.url !== undefined) this.addedIds.set(post.url, post.id);
  }

  idOf(url: string): string | undefined {
    const added = this.addedIds.get(url);
    if (added !== undefined) return added;
    const row = this.urls.rowsOf(url).find((candidate) => this.summaries.urlAt(candidate) === url);
    return row === undefined ? undefined : this.ids[row];
  }
}

/**
 * Metadata shards: each shard holding an edited post, and every shard from the first new post's on
 * (rows move there), made from the shards the last build wrote.
 */
async function patchShards(
  files: Map<string, string>,
  dataRoot: string,
  snapshot: PlanSnapshot,
  order: readonly Added[],
  edits: readonly Edit[],
): Promise<void> {
  const size = snapshot.shardSize;
  const oldCount = snapshot.paths.length;
  const readShard = async (shard: number) => (JSON.parse(await readDataText(join(dataRoot, shardFile(shard)))) as MetaShard).posts;
  const editsByOldRow = new Map(edits.map((edit) => [edit.row, edit]));
  const firstMovedShard = order.length > 0 ? Math.floor(order[0]!.position / size) : Math.ceil(oldCount / size);

  // Shards before the moved ones: an edited post's shard gets its new metadata.
  const editedShards = new Set(edits.map((edit) => Math.floor(edit.row / size)).filter((shard) => shard < firstMovedShard));
  for (const shard of editedShards) {
    const posts = await readShard(shard);
    posts.forEach((_, n) => {
      const edit = editsByOldRow.get(shard * size + n);
      if (edit) posts[n] = toMeta(edit.summary, snapshot.ids[edit.row]!);
    });
    files.set(shardFile(shard), JSON.stringify({ version: INDEX_FORMAT_VERSION, posts } satisfies MetaShard));
  }
  if (order.length === 0) return;

  // From the first moved shard on: the old rows' metadata with the new posts among them, cut again.
  const metas: PostMeta[] = [];
  for (let shard = firstMovedShard; shard * size < oldCount; shard++) metas.push(...(await readShard(shard)));
  metas.forEach((_, n) => {
    const edit = editsByOldRow.get(firstMovedShard * size + n);
    if (edit) metas[n] = toMeta(edit.summary, snapshot.ids[edit.row]!);
  });
  const merged: PostMeta[] = [];
  let next = 0;
  metas.forEach((meta, n) => {
    const oldRow = firstMovedShard * size + n;
    while (next < order.length && order[next]!.position === oldRow) merged.push(toMeta(order[next]!.summary, order[next++]!.id));
    merged.push(meta);
  });
  while (next < order.length) merged.push(toMeta(order[next]!.summary, order[next++]!.id));
  for (let start = 0; start < merged.length; start += size) {
    files.set(
      shardFile(firstMovedShard + start / size),
      JSON.stringify({ version: INDEX_FORMAT_VERSION, posts: merged.slice(start, start + size) } satisfies MetaShard),
    );
  }
}

/**
 * Tag counts and lists: a tag of a new post, or with rows that moved, gets its list again (the last
 * build's list, its moved rows renumbered, the new rows added); a tag whose place in the ranking
 * changed is written under its new file name.
 */
async function patchTags(
  files: Map<string, string>,
  dataRoot: string,
  snapshot: PlanSnapshot,
  rows: RowOrder,
  order: readonly Added[],
): Promise<{ summaries: Manifest['tags']; rows: PlanSnapshot['tagRows'] }> {
  const firstMoved = order.length > 0 ? order[0]!.position : snapshot.paths.length;
  const oldTags = new Map(snapshot.manifest.tags.map((tag) => [tag.key, tag]));
  const counts = new Map(snapshot.manifest.tags.map(({ file: _file, ...tag }) => [tag.key, { ...tag }]));
  const addedRows = new Map<string, number[]>();
  for (const { row, summary } of order) {
    for (const tag of summary.tags) {
      const count = counts.get(tag.key);
      if (!count) counts.set(tag.key, { ...tag, count: 1 });
      else {
        count.count++;
        // The label is the oldest post's: a new post's, if it comes before the tag's first row.
        const first = snapshot.tagRows[tag.key]![0];
        if (row < rows.newRow(first) && !addedRows.get(tag.key)?.length) count.label = tag.label;
      }
      addedRows.set(tag.key, [...(addedRows.get(tag.key) ?? []), row]);
    }
  }
  const summaries = sortTags([...counts.values()]);
  const tagRows: PlanSnapshot['tagRows'] = {};
  for (const tag of summaries) {
    const old = oldTags.get(tag.key);
    const added = addedRows.get(tag.key) ?? [];
    const [first, last] = old ? snapshot.tagRows[tag.key]! : [Infinity, -1];
    const moves = old !== undefined && last >= firstMoved;
    if (!old || added.length > 0 || moves) {
      const oldRows = old
        ? decodeDeltas((JSON.parse(await readDataText(join(dataRoot, old.file))) as TagPostList).rowDeltas).map((row) => rows.newRow(row))
        : [];
      const all = [...oldRows, ...added].sort((a, b) => a - b);
      files.set(tag.file, tagListJson(tag.key, encodeDeltas(all)));
      tagRows[tag.key] = [all[0]!, all[all.length - 1]!];
      continue;
    }
    tagRows[tag.key] = [first, last];
    if (old.file !== tag.file) files.set(tag.file, await readDataText(join(dataRoot, old.file)));
  }
  return { summaries, rows: tagRows };
}

function decodeDeltas(deltas: readonly number[]): number[] {
  let row = 0;
  return deltas.map((delta) => (row += delta));
}

function encodeDeltas(rows: readonly number[]): number[] {
  return rows.map((row, n) => row - (n > 0 ? rows[n - 1]! : 0));
}

/** A file's digest head: its problem, or what its entry in the store (or the last build's record) says. */
export async function readHead(read: FilesRead, at: number, store: PostStore): Promise<DigestHead> {
  const keyless = read.keyless.get(at);
  if (keyless) return keyless;
  // A file taken from the record: its head is the record's.
  if (!read.readThisBuild[at]) return parseDigestHead(await read.previous!.readHead(read.seen!.at(at)!));
  const key = read.keys[at]!;
  const head = await store.getHead(key);
  if (head === undefined) throw missingEntryError(key);
  return parseDigestHead(head);
}
