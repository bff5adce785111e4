/**
 * The two kinds of work on the posts a build hands out, on the build's worker threads or inline:
 * feeding the search index a run of rows in ascending order (each worker over its own contiguous range,
 * with its own index builder), and writing post bucket files (see postBucketFile), whose posts are
 * spread over the whole archive.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { missingEntryError, type PostStore } from '../incremental/post-store.ts';
import { bucketFile, bucketMembers, placedRelated, postFileFromBody, sortedById, type BucketMember, type PostPlacement } from '../parse/render-post.ts';
import { searchIndexBuilder, type IndexBuilder } from '../search/index-builder.ts';
import { RUN_ROWS, writeRun } from '../search/partial-runs.ts';
import { encodeDataFile, readDataFileSync, type DataCompression } from './data-file.ts';
import { writtenBucketLine, type ExtrasFields, type WrittenBuckets } from './extras-bucket-cache.ts';
import { bucketWithoutBodies } from './bucket-without-bodies.ts';
import { postBucketKey, type RelatedLink } from '../../shared/types.ts';

export interface RowTask {
  row: number;
  /** Post store key. */
  key: string;
}

/** A bucket file to write: its posts to render, and those to carry over from the file as it is. */
export interface BucketTask {
  /** Path under the data folder. */
  file: string;
  /** The posts whose file is new or changed: store key and placement. */
  render: { key: string; place: PostPlacement }[];
  /**
   * The bucket's other posts, unchanged, taken from its file as the last build wrote it: these ids, or
   * every post of the file but those rendered.
   */
  keep: string[] | 'rest';
}

/** Feeds each row's search tokens to the index, in the order given (ascending rows). */
export async function indexRows(tasks: readonly RowTask[], store: PostStore, search: IndexBuilder): Promise<void> {
  const tokens = await Promise.all(tasks.map((task) => store.getSearch(task.key)));
  await store.pause();
  tokens.forEach((list, n) => {
    const task = tasks[n]!;
    if (!list) throw missingEntryError(task.key);
    search.add(task.row, list);
  });
}

/** Rows whose tokens are read at once. */
const ROW_BATCH = 128;

/**
 * Feeds runs of rows (ascending) to a builder each, at most RUN_ROWS rows a builder, and spills each one's
 * partial index to a run file in `runsFolder` (see partial-runs.ts); returns the files in row order.
 */
export async function indexRowsToRuns(tasks: readonly RowTask[], store: PostStore, runsFolder: string): Promise<string[]> {
  const runs: string[] = [];
  // Runs of equal size: a share a little over RUN_ROWS rows makes no run of a few rows, each run
  // costing its export and a cursor in the merge.
  const runRows = Math.ceil(tasks.length / Math.max(1, Math.ceil(tasks.length / RUN_ROWS)));
  for (let from = 0; from < tasks.length; from += runRows) {
    const run = tasks.slice(from, from + runRows);
    const search = searchIndexBuilder(run.length);
    // A batch's tokens at a time: the run's would be hundreds of MB.
    for (let start = 0; start < run.length; start += ROW_BATCH) await indexRows(run.slice(start, start + ROW_BATCH), store, search);
    const path = join(runsFolder, `${run[0]!.row}.run`);
    // Seconds without a read: the store's opening closes meanwhile (a drop round would wait for it).
    await store.idle();
    writeRun(search.exportPartial(), path);
    runs.push(path);
  }
  return runs;
}

/**
 * Writes each bucket's file; returns a line for each (WrittenBuckets): what the extras take of its posts,
 * so that they read no bucket back. `madeFolders` remembers the folders made during this build.
 */
export async function writeBuckets(
  tasks: readonly BucketTask[],
  store: PostStore,
  dataRoot: string,
  madeFolders: Set<string>,
  compression: DataCompression = 'none',
): Promise<WrittenBuckets> {
  const lines: string[] = [];
  for (const task of tasks) {
    // Named before anything is written: a file outside the posts folder is refused.
    const bucketKey = postBucketKey(task.file);
    const path = join(dataRoot, task.file);
    const renderedFields = new Map<string, ExtrasFields>();
    const members: BucketMember[] = await Promise.all(
      task.render.map(async ({ key, place }) => {
        const parts = await store.getForFile(key);
        if (!parts) throw missingEntryError(key);
        renderedFields.set(place.id, placedFields(parts.related, place));
        return { id: place.id, file: postFileFromBody(parts.body, parts.related, place) };
      }),
    );
    await store.pause();
    const kept =
      task.keep === 'rest' ? otherMembers(path, new Set(members.map((member) => member.id))) : task.keep.length > 0 ? keptMembers(path, task.keep) : [];
    const keptFields = new Map(fieldsOfMembers(kept, task.file).map((fields) => [fields.id, fields]));
    // Sorted here, in the file's order: bucketFile finds them so, and the fields follow the same array.
    const sorted = sortedById([...members, ...kept]);
    const folder = dirname(path);
    if (!madeFolders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      madeFolders.add(folder);
    }
    // Synchronous: see post-store.ts.
    writeFileSync(path, encodeDataFile(bucketFile(sorted), compression));
    const { size, mtimeMs } = statSync(path);
    const fields = sorted.map((member) => renderedFields.get(member.id) ?? keptFields.get(member.id)!);
    lines.push(writtenBucketLine(bucketKey, size, mtimeMs, fields));
  }
  return lines;
}

/**
 * The fields of a rendered post's file that the extras take, as placementHead writes them
 * (parse/render-post.ts): a test holds them equal to the file's as read back.
 */
function placedFields(related: readonly RelatedLink[], place: PostPlacement): ExtrasFields {
  return { id: place.id, related: placedRelated(related, place), ...(place.versions?.length ? { versions: place.versions } : {}) };
}

/** The fields of posts carried over from a bucket's file, parsed without their bodies. */
function fieldsOfMembers(members: readonly BucketMember[], file: string): readonly ExtrasFields[] {
  return members.length === 0 ? [] : bucketWithoutBodies(bucketFile(members), file);
}

/** The posts of a bucket's file as written but `rendered` (none when there is no such file yet). */
function otherMembers(path: string, rendered: ReadonlySet<string>): BucketMember[] {
  return writtenMembers(path).filter((member) => !rendered.has(member.id));
}

/** The posts `ids` of a bucket's file as written: each must be there (the last build's state says so). */
function keptMembers(path: string, ids: readonly string[]): BucketMember[] {
  const wanted = new Set(ids);
  let members: BucketMember[];
  try {
    members = writtenMembers(path).filter((member) => wanted.has(member.id));
  } catch {
    members = [];
  }
  if (members.length !== wanted.size) {
    throw new Error(
      `the post bucket ${path} is not as the last build wrote it (changed by hand, or by another build?): build again, the next build writes every file`,
    );
  }
  return members;
}

/** The posts of a bucket's file as written; none when there is no such file. */
function writtenMembers(path: string): BucketMember[] {
  let file: Buffer;
  try {
    file = readDataFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return bucketMembers(file);
}
