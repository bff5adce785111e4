/**
 * Writes each post's extras (ExtrasBucket): its other reports of the same story (plan/same-story.ts)
 * and, for a post with few links of its own, further reading (plan/related-reading.ts), and the list's
 * row groups. A post's title, date and tags come from the metadata shards as written; its story print
 * (signature, name terms, lead) from the post store, where its parse put it (parse/post-digest.ts); its
 * links and versions from its post bucket, through the bucket cache (extras-bucket-cache.ts), or as the
 * worker that wrote the bucket in this build reported them (a cold build reads no bucket). What the
 * last build found stands where its inputs did not change (extras-state.ts). Files are written only when
 * they change.
 *
 * Memory is bounded by design (docs/build-memory.md, "Extras"): the posts go into flat tables
 * (StoryTable, ReadingTable) one at a time, a post bucket is read and let go, and the cache and the
 * extras files are written a bucket at a time.
 */
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  extrasBucketCount,
  GROUPS_FILE,
  INDEX_FORMAT_VERSION,
  postBucketFile,
  postBucketKey,
  POSTS_FOLDER,
  type RowGroups,
  type Manifest,
} from '../../shared/types.ts';
import { readDataFileSync } from './data-file.ts';
import { bucketWithoutBodies } from './bucket-without-bodies.ts';
import { rowsOfPosts } from './post-rows.ts';
import { EXTRAS_FOLDER, writeExtrasFiles, writeIfChanged } from './extras-files.ts';
import type { PostStore } from '../incremental/post-store.ts';
import { createHash } from 'node:crypto';
import {
  byNamesByRow,
  byNamesOfState,
  extrasCode,
  foundByRow,
  foundOfState,
  frequenciesDigest,
  loadExtrasState,
  sameIds,
  saveExtrasState,
  storyChanges,
  storyDigests,
  type ExtrasState,
} from './extras-state.ts';
import { updateStoryPairs } from '../plan/same-story-update.ts';
import { keptFurtherReading, type ExclusionChange } from '../plan/further-reading-update.ts';
import { parseStoryPrint, StoryTable } from '../plan/same-story.ts';
import { PrintColumns } from '../plan/print-columns.ts';
import { PrintsReadOnce } from './prints-read-once.ts';
import { findStoryPairs, pairJudge, type StoryPairs } from '../plan/story-pairs.ts';
import { countTermFrequencies, movedTermFrequencies, movedTerms } from '../plan/term-frequencies.ts';
import {
  emptyStoryTable,
  fillPrints,
  leadsDigest,
  leadsOf,
  loadStoryTable,
  printDigestsOf,
  READ_HERE,
  saveStoryTable,
  type Leads,
  type PrintSources,
} from './story-table-cache.ts';
import {
  cachedPostsOf,
  EXTRAS_CACHE_FILE,
  loadCache,
  NO_PRINT,
  OLD_EXTRAS_CACHE_FILES,
  saveCache,
  writtenBucketsOf,
  type CachedBucket,
  type CachedPost,
  type OutputBuilds,
  type WrittenBuckets,
} from './extras-bucket-cache.ts';
import { buildRowGroups } from '../plan/story-groups.ts';
import { PhaseClock } from '../phase-clock.ts';
import { collectGarbage, isLargeBuild } from '../collect-garbage.ts';
import { FEW_OWN_LINKS, pickFurtherReading } from '../plan/related-reading.ts';
import { rankFurtherReadingHere, rankFurtherReadingOnPool, type ReadingRequest } from '../workers/further-reading-task.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';

/** Where the build keeps the story prints its workers made: the post store, and each row's key in it. */
export interface StoryPrints {
  /** Every row's store key, in row order (oldest first), as the metadata shards list the posts. */
  keys: readonly string[];
  store: Pick<PostStore, 'getStory' | 'dropMap'>;
  /** A cold pass's prints read between two drops of the store's map (PRINTS_BETWEEN_DROPS unless given). */
  printsBetweenDrops?: number;
}

export interface WrittenStoryExtras {
  posts: number;
  /** Posts listed with at least one other report. */
  grouped: number;
  /** Posts given further reading. */
  furtherReading: number;
  /** Post buckets read (the others' links and versions came from the cache, or from the workers that wrote them). */
  bucketsRead: number;
  /** Post buckets taken as this build's writers reported them, not read (see WrittenBuckets). */
  bucketsReported: number;
  /**
   * How the others were found: `cache`, as the cache holds them (it names the output this build wrote
   * over, and the folder's listing agrees: none stat'ed), or `stats`, each listed bucket's size and time compared.
   */
  bucketsFrom: 'cache' | 'stats';
  /** Story prints made here from a written post (the others came from the post store or the cache). */
  printsMade: number;
  /** Story prints copied from the last build's table (their posts' store keys unchanged), not read from the store. */
  printsCopied?: number;
  /**
   * What was found again: over all posts, only around the posts whose inputs changed, or nothing (the last
   * build's stood, see extras-state.ts).
   */
  redone?: { sameStory: 'all' | 'changed' | 'none'; furtherReading: 'all' | 'none' };
  written: number;
  unchanged: number;
  /** Extras files made and compared with what was there (the others' entries had not changed). */
  filesMade?: number;
  seconds: number;
}

/** The extras' report, and what the output's record keeps beside it. */
export interface StoryExtrasOutcome {
  report: WrittenStoryExtras;
  /**
   * The id the bucket cache is saved for (its Header.output) whose buckets are now the output's: this
   * build's (OutputBuilds.next) when it saved the cache, the saved one's when it changed no bucket. The
   * output's record keeps it with the state, in one transaction (last-build.ts). Undefined without `output`.
   */
  bucketCache?: string;
}

/** What the build hands the extras beside the site it wrote. */
export interface StoryExtrasHelp {
  /**
   * The post buckets this build wrote, as their writers reported them: taken as reported, read only when
   * the store lacks a print of one of their posts. Every other bucket is taken from the cache when its
   * size and time are the cache's, else read.
   */
  writtenBuckets?: WrittenBuckets;
  /** The build's workers when a thread of theirs is free: further reading is ranked there, beside the same story. */
  pool?: WorkerPool;
  /**
   * The output this build writes over and the one it leaves: the cache is saved as the latter's buckets,
   * and taken for them, unstat'ed, when it names the former. Without it every bucket is stat'ed.
   */
  output?: OutputBuilds;
}

/** The extras' report alone (see writeStoryExtrasOver). */
export async function writeStoryExtras(dataRoot: string, cacheDir?: string, prints?: StoryPrints, help: StoryExtrasHelp = {}): Promise<WrittenStoryExtras> {
  return (await writeStoryExtrasOver(dataRoot, cacheDir, prints, help)).report;
}

/** Writes the extras over the output `help.output` names; returns their report and the bucket cache its record keeps. */
export async function writeStoryExtrasOver(
  dataRoot: string,
  cacheDir?: string,
  prints?: StoryPrints,
  { writtenBuckets, pool, output }: StoryExtrasHelp = {},
): Promise<StoryExtrasOutcome> {
  const started = performance.now();
  // CNA_READER_PHASE_CPU=1 prints the extras' parts' CPU too (not in the report: the phase is one).
  const clock = new PhaseClock();
  const manifest = JSON.parse(await readFile(join(dataRoot, 'manifest.json'), 'utf8')) as Manifest;
  const cachePath = cacheDir && join(cacheDir, EXTRAS_CACHE_FILE);
  if (cacheDir) for (const old of OLD_EXTRAS_CACHE_FILES) await rm(join(cacheDir, old), { force: true });
  const cache = loadCache(cachePath);
  const postsRoot = join(dataRoot, POSTS_FOLDER);

  // The buckets as written: each one this build's writers reported is taken as reported (the writer knows
  // what it wrote: a bucket rewritten within one time tick at the same size looks unchanged); the others,
  // over the output the cache names, as the cache holds them; else those whose size or time differ from
  // the cache's are read below.
  const reportedBuckets = writtenBucketsOf(writtenBuckets ?? []);
  const emptied = new Set(output?.emptied);
  // Listed in both ways (no stat: ~16k names at 64k cost little): a bucket missing or extra, as a hand
  // edit or removal in data/posts/ leaves, sends the build to the stats.
  const listed = await listBuckets(postsRoot, emptied);
  const ofCache = cache.savedFor !== undefined && cache.savedFor === output?.last ? bucketsOfCache(listed, cache.buckets, reportedBuckets, emptied) : undefined;
  const bucketsFrom = ofCache ? 'cache' : 'stats';
  const { buckets, changed } = ofCache ?? statBuckets(postsRoot, listed, cache.buckets, reportedBuckets);
  // Nothing read or reported, nothing gone, the same code and the output there: the extras are what the last build
  // wrote from these same posts (a rebuild with no post changed skips the grouping).
  const code = cacheDir ? await extrasCode() : '';
  const unchangedPosts = changed.length === 0 && cache.buckets.size === buckets.size && cache.written !== undefined && cache.code === code;
  // Cleared: a changed bucket's loaded object is let go here.
  cache.buckets.clear();
  if (unchangedPosts && (await outputIsThere(dataRoot))) {
    const files = extrasBucketCount(manifest.postBuckets);
    const report = {
      ...cache.written!,
      bucketsRead: 0,
      bucketsReported: 0,
      bucketsFrom,
      printsMade: 0,
      printsCopied: 0,
      written: 0,
      unchanged: files,
      seconds: (performance.now() - started) / 1000,
    } satisfies WrittenStoryExtras;
    // The saved cache holds the buckets of this build's output too.
    return { report, ...(cachePath && output && cache.savedFor ? { bucketCache: cache.savedFor } : {}) };
  }

  clock.lap('extras: buckets listed');
  const rows = await rowsOfPosts(dataRoot, manifest, cacheDir ? { dir: cacheDir, code } : undefined);
  const storeLine = async (row: number | undefined) => {
    const key = row === undefined ? undefined : prints?.keys[row];
    return key === undefined ? undefined : prints!.store.getStory(key);
  };
  let bucketsRead = 0;
  let bucketsReported = 0;
  let printsMade = 0;
  // The last build's story table: its rows' prints are copied below, not read from the store.
  const saved = cacheDir && prints ? loadStoryTable(cacheDir, code) : undefined;
  const noneTaken = new Uint8Array(0);
  const isSavedRow = (row: number) => {
    const key = prints?.keys[row];
    return key !== undefined && saved?.rowOf(key, row, noneTaken) !== undefined;
  };
  // Each row's post as the bucket cache keeps it.
  const cachedPosts: (Readonly<CachedPost> | undefined)[] = Array.from({ length: rows.ids.length }, () => undefined);
  // Every print read here in this pass, by the buckets' reads and the row loop: held until the table is filled.
  const printColumns = new PrintColumns(rows.ids.length);
  const readPrints = new PrintsReadOnce(rows.ids.length, storeLine, printColumns);
  // A bucket's key, as the folder was read above.
  const bucketOf = (id: string) => postBucketKey(postBucketFile(id, manifest.postBuckets));
  // A cold pass reads the prints of every row in a changed bucket: read here in the store's key order, not
  // bucket by bucket in random key order, so letting the map go during the read faults fewer pages again.
  if (prints && !saved) {
    const changedPaths = new Set(changed.map(({ path }) => path));
    const rowsToRead = rows.ids.flatMap((id, row) => (prints.keys[row] !== undefined && changedPaths.has(bucketOf(id)) ? [row] : []));
    await readPrints.keepInKeyOrder(
      rowsToRead,
      (row) => prints.keys[row]!,
      () => prints.store.dropMap(),
      prints.printsBetweenDrops,
    );
  }
  // On a bucket's first read, a row the saved table holds has its store print (the table copied it from
  // there): none is read, none kept. Read again from a row's turn (printOfRow), the store is asked, nothing kept.
  const hasPrint = async (row: number | undefined, firstRead: boolean) =>
    row !== undefined && ((firstRead && isSavedRow(row)) || (await readPrints.has(row, firstRead)));
  // `storeHasPrint`: by post id, whether the store has its print, when a reported bucket's check asked already.
  const readBucket = async (path: string, into: CachedBucket, firstRead: boolean, storeHasPrint?: ReadonlyMap<string, boolean>) => {
    bucketsRead++;
    // Synchronous: a cold pass reads every bucket, and an awaited read's open, stat, read and close cost more CPU than the read.
    const bucket = bucketWithoutBodies(readDataFileSync(join(postsRoot, path)), path);
    const { posts, made } = await cachedPostsOf(bucket, async (id) => storeHasPrint?.get(id) ?? (await hasPrint(rows.rowOf.get(id), firstRead)));
    into.posts = posts;
    placeRows(posts);
    printsMade += made;
  };
  const placeRows = (posts: CachedBucket['posts']) => {
    for (const post of posts) {
      const row = rows.rowOf.get(post.id);
      if (row !== undefined) cachedPosts[row] = post;
    }
  };
  const storePrintsOf = async (bucket: CachedBucket) =>
    new Map(await Promise.all(bucket.posts.map(async (post) => [post.id, await hasPrint(rows.rowOf.get(post.id), true)] as const)));
  // A bucket this build wrote, as its writer reported it: taken when the store has each post's print,
  // else read (the prints the store lacks are made from the posts' bodies; the store is not asked again).
  for (const { path, bucket, reported } of changed) {
    const storeHasPrint = reported ? await storePrintsOf(bucket) : undefined;
    if (storeHasPrint && [...storeHasPrint.values()].every(Boolean)) {
      placeRows(bucket.posts);
      bucketsReported++;
    } else await readBucket(path, bucket, true, storeHasPrint);
  }
  for (const bucket of buckets.values()) {
    for (const post of bucket.posts) {
      const row = rows.rowOf.get(post.id);
      if (row !== undefined) cachedPosts[row] ??= post;
    }
  }
  const postOf = (row: number) => cachedPosts[row];

  // Each post into the table, by row: its print copied from the last build's table when its store key is
  // the same (story-table-cache.ts), else its print read here, held in sources.read until fillPrints.
  const count = rows.ids.length;
  const table = new StoryTable(count);
  const links = new Uint32Array(count);
  // Further reading's inputs: each row's title and links here, the leads' bytes (leadsOf) after them.
  const readingDigest = createHash('sha1');
  let readingText = '';
  // Each row's store key when its print is the store's (what the saved table reuses), and the rows not copied.
  const tableKeys: (string | undefined)[] = [];
  const savedRowUsed = new Uint8Array(saved?.count ?? 0);
  // Each row's print: a saved row (its columns and lead copied in runs by fillPrints and leadsOf) or a print
  // read here, packed with those the key-order read kept.
  const sources: PrintSources = { savedRows: new Int32Array(count).fill(READ_HERE), read: printColumns };
  let printsRead = 0;
  for (let row = 0; row < count; row++) {
    const id = rows.ids[row]!;
    const key = prints?.keys[row];
    const savedRow = key === undefined ? undefined : saved?.rowOf(key, row, savedRowUsed);
    if (savedRow !== undefined) {
      savedRowUsed[savedRow] = 1;
      sources.savedRows[row] = savedRow;
      tableKeys.push(key);
    } else {
      tableKeys.push((await printOfRow(row)) ? key : undefined);
      printsRead++;
    }
    table.add(id, rows.titles[row]!, Date.parse(rows.dates[row]!), rows.tags[row]![0] || undefined, NO_PRINT);
    links[row] = postOf(row)?.links ?? 0;
    readingText += `${rows.titles[row]}\0${links[row]}\n`;
    // Fed 1,024 rows at a time, fewer calls for the same digest.
    if (row % 1024 === 1023) {
      readingDigest.update(readingText);
      readingText = '';
    }
  }
  // Every term's frequency: the saved table's, moved by the posts not copied from it and those gone;
  // taken before fillPrints, which may write the new prints over the saved rows.
  const movedFrequencies =
    saved &&
    movedTermFrequencies(
      saved.frequencies,
      concatenated(Array.from({ length: saved.count }, (_, at) => (savedRowUsed[at] ? EMPTY : saved.termsOf(at)))),
      concatenated(Array.from(sources.savedRows, (source, row) => (source === READ_HERE ? sources.read.termHashesOf(row) : EMPTY))),
    );
  fillPrints(table, saved, sources);
  let leads: Leads | undefined = leadsOf(saved, sources);
  const printsDigested = printDigestsOf(table, saved, sources);
  // Held by this function's closures till it returns: let go here.
  readPrints.clear();
  const digestOfLeads = leadsDigest(leads, saved);
  readingDigest.update(readingText).update(digestOfLeads);
  const frequencies = movedFrequencies ?? countTermFrequencies(table);
  /** Puts the row's print with those read here; whether it is the store's. */
  async function printOfRow(row: number): Promise<boolean> {
    const kept = readPrints.keptOf(row);
    if (kept) return true;
    // Not asked again when a bucket's read found none.
    const stored = kept === false ? undefined : await storeLine(row);
    const fromStore = stored === undefined ? undefined : parseStoryPrint(stored);
    if (fromStore) {
      sources.read.put(row, fromStore);
      return true;
    }
    // A store line that does not parse is passed over: the bucket's read made the print the cache keeps.
    const line = postOf(row)?.print;
    const print = line === undefined ? undefined : parseStoryPrint(line);
    if (print) {
      sources.read.put(row, print);
      return false;
    }
    // A print neither the store nor the cache has (an entry gone, a damaged line): the bucket is read again.
    const path = bucketOf(rows.ids[row]!);
    const bucket = buckets.get(path);
    if (bucket) await readBucket(path, bucket, false);
    const made = postOf(row)?.print;
    // A post the buckets do not hold (an output changed by hand) groups with nothing.
    sources.read.put(row, (made === undefined ? undefined : parseStoryPrint(made)) ?? NO_PRINT);
    return false;
  }
  if (cacheDir && prints) await saveStoryTable(cacheDir, code, table, leads, digestOfLeads, saved, printsDigested, tableKeys, frequencies, sources);

  clock.lap('extras: rows and prints');
  // A cold pass has read every print: the pages those reads mapped are let go before the extras' own
  // memory peaks (the prints' file is never let go by a count of reads: cache-db.ts).
  if (prints && !saved) await prints.store.dropMap();
  // A cold pass's garbage (the prints' columns, the table's bytes as saved) collected before the same story and
  // further reading's ranking, which peak together.
  const coldAndLarge = !saved && isLargeBuild(count);
  if (coldAndLarge) collectGarbage({ compact: false });
  // What the last build found stands where its inputs did not change (extras-state.ts).
  const last = cacheDir ? loadExtrasState(cacheDir, rows.ids) : undefined;
  // Compared once: a comparison walks every id.
  const sameRowsAsLast = last !== undefined && sameIds(last.ids, rows.ids);
  // What an entry shows of each row: its story digest's part, and what the extras files compare.
  const { shown } = rows;
  const digests = { ...storyDigests(table, printsDigested, shown), reading: readingDigest.digest('base64') };
  const sameRows = last !== undefined && last.code === code && sameRowsAsLast;
  // Further reading kept where its inputs are the last build's; else ranked now, on the pool's free thread
  // beside the same story when given one (the ranking needs no pair: exclusions are taken out after).
  const mayKeepFurther = sameRows && last.reading === digests.reading;
  // The leads' bytes read only for a ranking: a saved table's are then read from their file.
  const readingInputs = (): ReadingRequest => {
    if (!leads) throw new Error('writeStoryExtras: the leads were let go before further reading was ranked');
    return { ids: rows.ids, titles: rows.titles, leads: { bytes: leads.readAll(), ends: leads.ends }, links };
  };
  const rankingFurther = mayKeepFurther ? undefined : rankFurtherReadingOnPool(readingInputs(), pool);
  if (rankingFurther) {
    // Ranked, or being ranked on a copy of them: nothing reads the leads again.
    leads = undefined;
    // Awaited below; should the same story fail first, its failure is that one.
    rankingFurther.catch(() => {});
    // The task goes to its thread once this thread yields: before the same story, which does not.
    await new Promise((resolve) => setImmediate(resolve));
  }
  let pairs: StoryPairs;
  const redone = { sameStory: 'all' as 'all' | 'changed' | 'none', furtherReading: 'all' as 'all' | 'none' };
  if (last !== undefined && last.code === code) {
    // Posts added, removed or changed: only the pairs they may turn are found or weighed again.
    // The idf moved only by the terms counted otherwise, when the saved table's counts are the ones the last pairs were weighed with.
    const moved =
      saved && last.ids.length === count && last.frequencies === frequenciesDigest(saved.frequencies) ? movedTerms(saved.frequencies, frequencies) : undefined;
    const changes = { ...storyChanges(last, digests, sameRowsAsLast), ...(moved ? { termsMoved: moved } : {}) };
    const previous = { found: foundOfState(last.found, last.ids), byNames: byNamesOfState(last.byNames, last.ids) };
    redone.sameStory = changes.times.length === 0 ? 'none' : 'changed';
    pairs = changes.times.length === 0 ? previous : updateStoryPairs(table, previous, changes, frequencies, rows.rowOf);
  } else pairs = findStoryPairs(table, {}, pairJudge(table, frequencies));
  const found = pairs.found;
  // A cold pass's table is not read once its pairs are found (the leads, if ranked on a thread, went above):
  // emptied, and collected, before the extras' files are made, where a large build's memory peaked (docs/build-speed.md).
  if (coldAndLarge) {
    emptyStoryTable(table);
    collectGarbage({ compact: false });
  }
  clock.lap('extras: same story');
  // Further reading leaves out what the article lists already: the stories it links to and its other reports.
  const excludedOf = (row: number) => [...(postOf(row)?.archived ?? []), ...(found.get(rows.ids[row]!) ?? []).map((other) => other.id)];
  const exclude = (row: number) => new Set(excludedOf(row));
  const idOf = (row: number) => rows.ids[row]!;
  const excluded: ExtrasState['excluded'] = [];
  for (let row = 0; row < count; row++) {
    // Most rows exclude nothing: no list made for them.
    const archived = postOf(row)?.archived;
    const others = found.get(rows.ids[row]!);
    if (archived?.length || others?.length) excluded.push([row, ...excludedOf(row)]);
  }
  let further = mayKeepFurther
    ? keptFurtherReading(
        last.further,
        exclusionChanges(last.excluded, excluded, (row) => links[row]! < FEW_OWN_LINKS),
        idOf,
      )
    : undefined;
  if (further) redone.furtherReading = 'none';
  // Ranked above when the inputs changed; else the last lists could not be kept (a post excludes less): ranked now.
  else further = pickFurtherReading(await (rankingFurther ?? rankFurtherReadingHere(readingInputs())), exclude, idOf);
  clock.lap('extras: further reading');

  const compression = manifest.compression ?? 'none';
  const files = await writeExtrasFiles(dataRoot, rows, { found, further }, last?.code === code ? { ...last, sameRows: sameRowsAsLast } : undefined, {
    postBuckets: manifest.postBuckets,
    compression,
    shown,
  });

  const versionsOf = new Map<string, string[]>();
  for (const bucket of buckets.values()) for (const post of bucket.posts) if (post.versions) versionsOf.set(post.id, post.versions);
  const groups: RowGroups = { version: INDEX_FORMAT_VERSION, ...buildRowGroups({ rowOf: rows.rowOf, versionsOf, sameStoryOf: found }) };
  await writeIfChanged(dataRoot, GROUPS_FILE, JSON.stringify(groups), compression);

  clock.lap('extras: write files');
  const summary = { posts: count, grouped: found.size, furtherReading: further.size };
  if (cacheDir && cachePath) {
    await mkdir(cacheDir, { recursive: true });
    await saveCache(cachePath, { written: summary, code, ...(output ? { output: output.next } : {}) }, buckets);
    await saveExtrasState(cacheDir, {
      code,
      ...digests,
      frequencies: frequenciesDigest(frequencies),
      found: foundByRow(found, rows.rowOf),
      byNames: byNamesByRow(pairs.byNames, rows.rowOf),
      further,
      excluded,
      files: files.state,
    });
  }
  clock.lap('extras: save state');
  const report = {
    ...summary,
    bucketsRead,
    bucketsReported,
    bucketsFrom,
    printsMade,
    printsCopied: count - printsRead,
    redone,
    written: files.written,
    unchanged: files.unchanged,
    filesMade: files.made,
    seconds: (performance.now() - started) / 1000,
  } satisfies WrittenStoryExtras;
  return { report, ...(cachePath && output ? { bucketCache: output.next } : {}) };
}

const EMPTY = new Uint32Array(0);

/** A bucket not as the cache keeps it: `reported` by its writer in this build, else to be read. */
interface ChangedBucket {
  path: string;
  bucket: CachedBucket;
  reported: boolean;
}

/** The output's post buckets (by key, see postBucketKey), and those not as the cache keeps them. */
interface FoundBuckets {
  buckets: Map<string, CachedBucket>;
  changed: ChangedBucket[];
}

/** The post buckets in the folder (by key, see postBucketKey) but the `emptied`: still there, removed once the extras are done. */
async function listBuckets(postsRoot: string, emptied: ReadonlySet<string>): Promise<string[]> {
  const paths: string[] = [];
  for (const folder of await readdir(postsRoot).catch(() => [] as string[])) {
    for (const name of await readdir(join(postsRoot, folder))) {
      const path = `${folder}/${name}`;
      if (!emptied.has(path)) paths.push(path);
    }
  }
  return paths;
}

/** Takes `path` as this build reported it, if it did: into `buckets`, and `changed` as reported. */
function takeReported(path: string, reported: ReadonlyMap<string, CachedBucket>, buckets: Map<string, CachedBucket>, changed: ChangedBucket[]): boolean {
  const bucket = reported.get(path);
  if (!bucket) return false;
  buckets.set(path, bucket);
  changed.push({ path, bucket, reported: true });
  return true;
}

/**
 * The `listed` buckets: those `reported` as reported, the others as the cache holds them when their size
 * and time are the cache's, else to be read.
 */
function statBuckets(
  postsRoot: string,
  listed: readonly string[],
  cached: ReadonlyMap<string, CachedBucket>,
  reported: ReadonlyMap<string, CachedBucket>,
): FoundBuckets {
  const buckets = new Map<string, CachedBucket>();
  const changed: ChangedBucket[] = [];
  for (const path of listed) {
    if (takeReported(path, reported, buckets, changed)) continue;
    // Synchronous: 16k awaited stats at 64k posts took ~1 CPU s in promises and thread-pool hops.
    const { size, mtimeMs } = statSync(join(postsRoot, path));
    const known = cached.get(path);
    if (known && known.size === size && known.mtimeMs === mtimeMs) buckets.set(path, known);
    else {
      const unread: CachedBucket = { size, mtimeMs, posts: [] };
      buckets.set(path, unread);
      changed.push({ path, bucket: unread, reported: false });
    }
  }
  return { buckets, changed };
}

/**
 * The `listed` buckets of the output the cache names, as this build leaves them: those `reported` as
 * reported, the others as the cache holds them, none stat'ed (no bucket is changed but by this build's
 * writers; hand edits of a bucket's bytes are not seen). Undefined when a listed bucket is neither, or
 * one the cache holds is not listed: the folder is not the output the cache names.
 */
function bucketsOfCache(
  listed: readonly string[],
  cached: ReadonlyMap<string, CachedBucket>,
  reported: ReadonlyMap<string, CachedBucket>,
  emptied: ReadonlySet<string>,
): FoundBuckets | undefined {
  const buckets = new Map<string, CachedBucket>();
  const changed: ChangedBucket[] = [];
  for (const path of listed) {
    if (takeReported(path, reported, buckets, changed)) continue;
    const known = cached.get(path);
    if (!known) return undefined;
    buckets.set(path, known);
  }
  // Every bucket the cache holds (but the emptied) and every one reported is there.
  for (const path of cached.keys()) if (!emptied.has(path) && !buckets.has(path)) return undefined;
  return changed.length === reported.size ? { buckets, changed } : undefined;
}

/** The arrays one after another, in one array. */
function concatenated(arrays: readonly Uint32Array[]): Uint32Array {
  const all = new Uint32Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let at = 0;
  for (const array of arrays) {
    all.set(array, at);
    at += array.length;
  }
  return all;
}

/** The posts given further reading whose exclusions differ between two builds of the same rows. */
function exclusionChanges(before: ExtrasState['excluded'], now: ExtrasState['excluded'], wants: (row: number) => boolean): ExclusionChange[] {
  const setsOf = (lists: ExtrasState['excluded']) => new Map(lists.map(([row, ...ids]) => [row, new Set(ids)]));
  const [old, fresh] = [setsOf(before), setsOf(now)];
  const none = new Set<string>();
  const changes: ExclusionChange[] = [];
  for (const row of new Set([...old.keys(), ...fresh.keys()])) {
    const [was, is] = [old.get(row) ?? none, fresh.get(row) ?? none];
    if (wants(row) && (was.size !== is.size || [...was].some((id) => !is.has(id)))) changes.push([row, was, is]);
  }
  return changes;
}

/** Whether the extras' files are in the output (a data folder made anew has none). */
async function outputIsThere(dataRoot: string): Promise<boolean> {
  return (await stat(join(dataRoot, GROUPS_FILE)).catch(() => undefined)) !== undefined && existsSync(join(dataRoot, EXTRAS_FOLDER, '0.json'));
}
