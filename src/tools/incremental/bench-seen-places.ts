/**
 * `npx tsx --expose-gc src/tools/incremental/bench-seen-places.ts --cache DIR [--rounds N]`: what a rebuild's lookups
 * of the record of files seen cost in one process, by place (SeenPlaces) and with a FileSeen made for
 * each file as the lookups did before stop 44. The cache (`--cache`, a build cache's folder, only read)
 * gives the record; the listing is the record's own paths. Each round, in this order: the record read
 * (`loadSeenFiles`), then the two lookups, which alternate which goes first (by place first in odd
 * rounds); each is the listed files' places and, for each file, its key, size and time. CPU ms of this
 * thread, each part after a GC, one line a round, then the medians; prints numbers, never pass/fail (docs/build-speed.md, "The record's lookups
 * by place").
 */
import { resolve } from 'node:path';
import { openCacheDb } from '../../indexer/incremental/cache-db.ts';
import { loadSeenFiles, type SeenFiles } from '../../indexer/incremental/seen-files.ts';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const cacheDir = option('--cache');
if (!cacheDir) throw new Error('give --cache DIR, a build cache folder (see the usage at the top of bench-seen-places.ts)');
const rounds = Number(option('--rounds') ?? 3);

const db = openCacheDb(resolve(cacheDir));
// The record's settings as it was committed under them (seen-files.ts: RECORD_SETTINGS).
const settings = db.part<string>('meta').get('seen-columns-settings');
if (settings === undefined) throw new Error(`${cacheDir} holds no record of files seen as columns`);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc (npx tsx --expose-gc …): each part starts after a GC, not paying for the garbage of the one before');

/** CPU ms this thread spends in `work`, after a GC. */
function cpuMs(work: () => void): number {
  gc!();
  const start = process.cpuUsage();
  work();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e3;
}

let sink = 0;

/** By place: no object a file. */
function byPlace(record: SeenFiles, files: readonly { path: string }[]): void {
  const places = record.placesOf(files);
  for (let at = 0; at < files.length; at++) sink += (places.key(at)?.length ?? 0) + places.sizeAt(at) + places.mtimeAt(at);
}

/** As before: a FileSeen made for each listed file. */
function byFileSeen(record: SeenFiles, files: readonly { path: string }[]): void {
  const places = record.placesOf(files);
  for (let at = 0; at < files.length; at++) {
    const seen = places.at(at);
    sink += (seen?.key.length ?? 0) + (seen?.size ?? 0) + (seen?.mtimeMs ?? 0);
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const times = { read: [] as number[], place: [] as number[], seen: [] as number[] };
for (let round = 1; round <= rounds; round++) {
  let record: SeenFiles | undefined;
  const read = cpuMs(() => {
    record = loadSeenFiles(db, settings);
  });
  const files = [...record!.entries()].map(([path]) => ({ path }));
  const first = round % 2 === 1 ? 'by place' : 'a FileSeen each';
  const [placeMs, seenMs] =
    round % 2 === 1
      ? [cpuMs(() => byPlace(record!, files)), cpuMs(() => byFileSeen(record!, files))]
      : ((([seen, place]) => [place, seen])([cpuMs(() => byFileSeen(record!, files)), cpuMs(() => byPlace(record!, files))]) as [number, number]);
  times.read.push(read);
  times.place.push(placeMs);
  times.seen.push(seenMs);
  console.log(
    `round ${round} (${first} first), ${files.length} files: record read ${read.toFixed(0)} CPU ms, by place ${placeMs.toFixed(0)}, a FileSeen each ${seenMs.toFixed(0)}`,
  );
}
console.log(
  `medians of ${rounds} (the upper middle when even): record read ${median(times.read).toFixed(0)} CPU ms, by place ${median(times.place).toFixed(0)}, a FileSeen each ${median(times.seen).toFixed(0)}`,
);
if (sink === -1) console.log('');
await db.close();
