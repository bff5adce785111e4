/**
 * `npx tsx src/tools/bench-parse.ts [DIR] [--rounds N] [--steps] [--puts]`: what a build's parse workers do to each post
 * (parsePost, digestOutcome, the store's serialisation), on this thread, timed by step; then a hash of
 * every output (and one of the story prints), so that a change meant to be faster only can be checked
 * to change nothing. `--puts`: then every post put into a fresh disk store, as a worker's tasks do,
 * `--rounds` times (CPU of all threads, and the file's size); it holds every post's outcome at once (not
 * for a 64k corpus). Profile it with `node --cpu-prof --import tsx src/tools/bench-parse.ts`. Prints
 * numbers, never pass/fail.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parsePost, type ParseOutcome } from '../indexer/parse/parse-post.ts';
import { digestOutcome, newPostScratch, serializeDigest, type PostDigest } from '../indexer/parse/post-digest.ts';
import { diskStore, storeKey } from '../indexer/incremental/post-store.ts';
import { CACHE_DB_FILE, HEADS_DB_FILE, openCacheDb } from '../indexer/incremental/cache-db.ts';
import { postFileBody } from '../indexer/parse/render-post.ts';
import { listPostFiles } from '../indexer/read-posts.ts';
import { WORKER_BATCH } from '../indexer/ingest.ts';

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of rounds, 1 or more (given ${args[roundsAt + 1]})`);
/** Time each step too (three clock reads a post, which cost a few percent themselves). */
const bySteps = args.includes('--steps');
const dir = resolve(args.find((arg, n) => !arg.startsWith('--') && args[n - 1] !== '--rounds') ?? process.env['CORPUS_DIR'] ?? '../shared/corpus');

// Read into memory first: the disk is not timed.
/** CPU milliseconds of this process: wall time moves with other people's load. */
const cpuNow = () => {
  if (!bySteps) return 0;
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};
const posts = (await listPostFiles(dir)).map((file) => ({ path: file.path, bytes: readFileSync(file.absolutePath) }));
const options = { timeZone: 'Asia/Taipei', assetBase: '/archive-assets/' };
const steps = { parse: 0, digest: 0, serialize: 0 };
let hash = '';
let storyHash = '';
let best = Number.POSITIVE_INFINITY;
const scratch = newPostScratch();
for (let round = 0; round < rounds; round++) {
  const outputs = createHash('sha1');
  // Story prints apart, so that the outputs hash stays comparable with runs made before it was added.
  const stories = createHash('sha1');
  const cpu = process.cpuUsage();
  for (const step of Object.keys(steps) as (keyof typeof steps)[]) steps[step] = 0;
  for (const post of posts) {
    let at = cpuNow();
    const outcome: ParseOutcome = parsePost(post.path, post.bytes, options, scratch.wallTimes);
    steps.parse += cpuNow() - at;
    at = cpuNow();
    const digest = digestOutcome(outcome, scratch);
    steps.digest += cpuNow() - at;
    at = cpuNow();
    const [head, search, story] = serializeDigest(digest);
    const body = 'post' in outcome ? postFileBody(outcome.post) + JSON.stringify(outcome.post.related) + outcome.post.text + outcome.post.excerpt : '';
    steps.serialize += cpuNow() - at;
    outputs.update(head).update('\u0000').update(search).update('\u0000').update(body).update('\u0001');
    stories.update(story).update('\u0001');
  }
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  best = Math.min(best, cpuSeconds);
  hash = outputs.digest('hex');
  storyHash = stories.digest('hex');
  const ms = (value: number) => `${(value / 1000).toFixed(2)} s`;
  const byStep = bySteps ? `; parse ${ms(steps.parse)}, digest ${ms(steps.digest)}, serialize ${ms(steps.serialize)}` : '';
  console.log(`round ${round + 1}: ${posts.length} posts, ${cpuSeconds.toFixed(2)} CPU s${byStep}`);
}
console.log(`best ${best.toFixed(2)} CPU s (${((best / posts.length) * 1e6).toFixed(0)} µs a post); outputs ${hash}; story prints ${storyHash}`);

if (args.includes('--puts')) await benchPuts();

/** Every post put into a fresh disk store, WORKER_BATCH a task as a worker puts them, each task's puts committed at its end. */
async function benchPuts(): Promise<void> {
  const entries: { key: string; outcome: ParseOutcome; digest: PostDigest }[] = posts.map((post) => {
    const outcome = parsePost(post.path, post.bytes, options, scratch.wallTimes);
    return { key: storeKey(post.bytes, post.path), outcome, digest: digestOutcome(outcome, scratch) };
  });
  for (let round = 0; round < rounds; round++) {
    const folder = mkdtempSync(join(tmpdir(), 'bench-parse-puts-'));
    try {
      const db = openCacheDb(folder);
      const cpu = process.cpuUsage();
      for (let start = 0; start < entries.length; start += WORKER_BATCH) {
        const store = diskStore(folder, db);
        for (const { key, outcome, digest } of entries.slice(start, start + WORKER_BATCH)) await store.put(key, outcome, digest);
        await store.close();
      }
      await db.close();
      const used = process.cpuUsage(cpu);
      const megabytes = (statSync(join(folder, CACHE_DB_FILE)).size + statSync(join(folder, HEADS_DB_FILE)).size) / 2 ** 20;
      console.log(`puts round ${round + 1}: ${entries.length} posts, ${((used.user + used.system) / 1e6).toFixed(2)} CPU s; files ${megabytes.toFixed(1)} MB`);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
}
