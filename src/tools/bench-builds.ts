/**
 * Builds as a maintainer runs them, for the bench: `npm run build` in a subprocess with POSTS_DIR, and
 * `npm run build -- --watch` kept up while posts change. Nothing here imports the indexer, so the bench
 * measures whatever the indexer has become.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { underTime, usageOf, type Usage } from './usage.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
/** The build report every build writes beside the site (a documented output, not an internal). */
export const REPORT_FILE = 'ingest-report.json';
/** A watching build that has not written its output after this long is given up on. */
const WATCH_TIMEOUT_MS = 15 * 60_000;

/** Builds under way, each in a process group of its own: a bench that is stopped ends them (stopBuilds). */
const running = new Set<ChildProcess>();

function tracked(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Ends every build under way, and the processes each started. */
export async function stopBuilds(): Promise<void> {
  await Promise.all([...running].map(stopGroup));
}

/** Calls `visit` with the path of every file below `dir`. */
export function forEachFile(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) forEachFile(path, visit);
    else visit(path);
  }
}

export function folderStats(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  forEachFile(dir, (path) => {
    files++;
    bytes += statSync(path).size;
  });
  return { files, bytes };
}

/**
 * Reads every file below `dir` once, so that a timed build starts with the posts in the page cache, as
 * Hugo's and Jekyll's do (they build links to the same files, just listed). Without it, a cold build of
 * 200k posts read half the corpus from the disk and took 108 s against 89 and 91 s for the next two.
 * Returns the seconds the read took.
 */
export function readIntoPageCache(dir: string): number {
  const started = performance.now();
  forEachFile(dir, (path) => readFileSync(path));
  return (performance.now() - started) / 1000;
}

/** Where a build reads and writes: its posts, its site folder and its own build cache. */
export interface BuildTarget {
  postsDir: string;
  outDir: string;
  cacheDir: string;
  /** Settings for the build beyond the bench's environment (see --retry-env). */
  env?: Record<string, string>;
}

export interface TimedBuild extends Usage {
  seconds: number;
}

function buildEnv(target: BuildTarget): NodeJS.ProcessEnv {
  return { ...process.env, ...target.env, POSTS_DIR: target.postsDir, CNA_READER_CACHE_DIR: target.cacheDir };
}

/** `npm run build` into the target's folder, timed from the command's start to its exit. */
export function npmBuild(target: BuildTarget): Promise<TimedBuild> {
  const [command, args] = underTime('npm', ['run', '--silent', 'build', '--', '--outDir', target.outDir, '--emptyOutDir', '--logLevel', 'warn']);
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = tracked(spawn(command, args, { cwd: ROOT, env: buildEnv(target), stdio: ['ignore', 'ignore', 'pipe'], detached: true }));
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return fail(new Error(`npm run build failed (${code}) on ${target.postsDir}:\n${stderr.slice(-4000)}`));
      done({ seconds: (performance.now() - started) / 1000, ...usageOf(stderr) });
    });
  });
}

/**
 * A cold build: the target's build cache and site removed first, the disk let settle (deleting 100k
 * files keeps it busy a while), the posts read into the page cache. Returns the build and that read.
 */
export async function coldBuild(target: BuildTarget): Promise<TimedBuild & { readSeconds: number }> {
  rmSync(target.cacheDir, { recursive: true, force: true });
  rmSync(target.outDir, { recursive: true, force: true });
  await new Promise<void>((done) => spawn('sync').on('exit', () => done()));
  const readSeconds = readIntoPageCache(target.postsDir);
  const built = await npmBuild(target);
  // A build that ignored CNA_READER_CACHE_DIR would share one cache between corpora: cold builds would not be.
  if (!existsSync(target.cacheDir))
    console.warn(`warning: the build wrote no cache at ${target.cacheDir} (CNA_READER_CACHE_DIR ignored?): later "cold" builds may be warm`);
  return { ...built, readSeconds };
}

/** Files under a folder with their size and modification time, to tell what a build wrote. */
export type OutputSnapshot = ReadonlyMap<string, string>;

export function snapshotOutput(dir: string): OutputSnapshot {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  forEachFile(dir, (path) => {
    const stat = statSync(path);
    files.set(path.slice(dir.length + 1), `${stat.size}:${stat.mtimeMs}`);
  });
  return files;
}

export interface ChangedFiles {
  /** Files written (new, or written again) since the snapshot before: what a deploy uploads. */
  files: number;
  MB: number;
  removed: number;
}

export function changedFiles(before: OutputSnapshot, after: OutputSnapshot, dir: string): ChangedFiles {
  let files = 0;
  let bytes = 0;
  for (const [path, stamp] of after) {
    if (before.get(path) === stamp) continue;
    files++;
    bytes += statSync(join(dir, path)).size;
  }
  let removed = 0;
  for (const path of before.keys()) if (!after.has(path)) removed++;
  return { files, MB: bytes / 1e6, removed };
}

/**
 * A post file under a new title and link (`link:` or `from:`, as its family has it), and a new date when
 * given: a new post whose text, and the search shards it touches, are typical.
 */
export function postCopy(source: string, fields: { title: string; url: string; date?: string }): string {
  const text = readFileSync(source, 'utf8')
    .replace(/^title:.*$/m, `title: ${fields.title}`)
    .replace(/^(link|from):.*$/m, `$1: ${fields.url}`);
  return fields.date === undefined ? text : text.replace(/^date:.*$/m, `date: ${fields.date}`);
}

/** A `_posts/` folder of agora-family posts, where the bench makes its changes as a mirror makes them. */
export interface ChangeFolder {
  /** Absolute path of the `_posts/` folder. */
  folder: string;
  /** Its dated `.html` post files, sorted (oldest first). */
  names: string[];
}

/** The `_posts/` folder (at most two levels down) holding the most dated `.html` posts. */
export function changeFolder(postsDir: string): ChangeFolder {
  const candidates = [
    postsDir,
    ...readdirSync(postsDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(postsDir, e.name)),
  ]
    .map((dir) => join(dir, '_posts'))
    .filter((dir) => existsSync(dir))
    .map((folder) => ({
      folder,
      names: readdirSync(folder)
        .filter((name) => /^\d{4}-\d{2}-\d{2}-.*\.html$/.test(name))
        .sort(),
    }))
    .sort((a, b) => b.names.length - a.names.length);
  const best = candidates[0];
  if (!best || best.names.length < 60)
    throw new Error(`no _posts/ folder with 60 dated .html posts or more under ${postsDir}: the bench has nowhere to make its changes`);
  return best;
}

/**
 * A day's fetch, as a mirror makes it (see the corpus README): the posts of the day two weeks before the
 * newest move to `archived/<day>/`, and as many new posts, copies under new titles, dates and links,
 * arrive after the newest. `undo` puts the corpus back.
 */
export function dayFetch({ folder, names }: ChangeFolder): { posts: number; undo: () => void } {
  const newest = new Date(`${names[names.length - 1]!.slice(0, 10)}T00:00:00Z`);
  const target = new Date(newest.getTime() - 14 * 86_400_000).toISOString().slice(0, 10);
  // The first day with posts from two weeks before the newest on (a small corpus has gaps).
  const day = names.find((name) => name.slice(0, 10) >= target)!.slice(0, 10);
  const archive = join(folder, '..', 'archived', day);
  // Never over a file of the same name already there (the undo would lose it).
  const moved = names.filter((name) => name.startsWith(`${day}-`) && !existsSync(join(archive, name)));
  // The new posts are copies of posts that stay where they are, read before anything moves.
  const staying = names.filter((name) => !name.startsWith(`${day}-`)).slice(-50);
  const added = moved.map((_, n) => {
    const time = `${String(Math.floor(n / 60) % 24).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`;
    const text = postCopy(join(folder, staying[n % staying.length]!), {
      title: `今日新聞第${n}則`,
      date: `2027-01-01 ${time}:00.000000000 +00:00`,
      url: `https://www.example-news.tw/day-${n}`,
    });
    return { file: join(folder, `2027-01-01-bench-day-${n}.html`), text };
  });
  const done: string[] = [];
  const undo = () => {
    for (const { file } of added) rmSync(file, { force: true });
    for (const name of done) renameSync(join(archive, name), join(folder, name));
  };
  try {
    mkdirSync(archive, { recursive: true });
    for (const name of moved) {
      renameSync(join(folder, name), join(archive, name));
      done.push(name);
    }
    for (const { file, text } of added) writeFileSync(file, text);
  } catch (error) {
    undo();
    throw error;
  }
  return { posts: moved.length, undo };
}

/** The changes a rebuild is timed after: one post added after the newest, one edited, a day's fetch. */
export type Change = 'add' | 'edit' | 'day';
export const ALL_CHANGES: readonly Change[] = ['add', 'edit', 'day'];

/** One-shot rebuilds over a cold build's output and cache: each timed, with what it wrote. */
export interface OneShotRebuilds {
  add?: TimedBuild & { changed: ChangedFiles };
  edit?: TimedBuild & { changed: ChangedFiles };
  day?: TimedBuild & { changed: ChangedFiles; posts: number };
}

/**
 * After a cold build: one post added after the newest, then one edited, then a day's fetch, each followed
 * by `npm run build` with the cache warm; then the posts are put back as they were.
 */
export async function oneShotRebuilds(target: BuildTarget, changes: ChangeFolder, kinds: readonly Change[] = ALL_CHANGES): Promise<OneShotRebuilds> {
  const { outDir } = target;
  const { folder, names } = changes;
  const addedFile = join(folder, '2026-12-31-bench-added.html');
  const editedFile = join(folder, names[0]!);
  const original = readFileSync(editedFile);
  let day: ReturnType<typeof dayFetch> | undefined;
  try {
    const measure = async (change: () => void) => {
      const before = snapshotOutput(outDir);
      change();
      const built = await npmBuild(target);
      return { ...built, changed: changedFiles(before, snapshotOutput(outDir), outDir) };
    };
    const result: OneShotRebuilds = {};
    if (kinds.includes('add')) {
      result.add = await measure(() =>
        writeFileSync(
          addedFile,
          postCopy(join(folder, names[1]!), { title: '新增的文章', date: '2026-12-31 01:00:00.000000000 +00:00', url: 'https://www.example-news.tw/added' }),
        ),
      );
    }
    if (kinds.includes('edit')) result.edit = await measure(() => appendFileSync(editedFile, '\n<p>更正：本文已更新。</p>\n'));
    if (kinds.includes('day')) {
      const dayBuild = await measure(() => (day = dayFetch(changes)));
      result.day = { ...dayBuild, posts: day!.posts };
    }
    return result;
  } finally {
    day?.undo();
    writeFileSync(editedFile, original);
    rmSync(addedFile, { force: true });
  }
}

/** Seconds from a change on disk to a watching build's output written. */
export interface WatchRebuilds {
  /** The watching build's own first build, over the one-shot builds' output and cache. */
  startSeconds: number;
  editSeconds?: number;
  addSeconds?: number;
  daySeconds?: number;
}

/**
 * `npm run build -- --watch` over the output the one-shot rebuilds left: once it has written it, a post
 * is edited, then one added, then a day's fetch made, each timed from the change on disk to the build's
 * report written again (its wait for the end of a burst of writes included). A change is made only
 * once the report has stood still for a second.
 */
export async function watchRebuilds(target: BuildTarget, changes: ChangeFolder, kinds: readonly Change[] = ALL_CHANGES): Promise<WatchRebuilds> {
  const { outDir } = target;
  const { folder, names } = changes;
  const report = join(outDir, REPORT_FILE);
  const reportTime = () => (existsSync(report) ? statSync(report).mtimeMs : 0);
  const started = performance.now();
  const spawnedAt = Date.now();
  // Its own process group: the watcher under npm is ended with it.
  const child = tracked(
    spawn('npm', ['run', '--silent', 'build', '--', '--watch', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'info'], {
      cwd: ROOT,
      env: buildEnv(target),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    }),
  );
  // Kept for the message when it fails.
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-8000)));
  let exitCode: number | null | undefined;
  child.on('exit', (code) => (exitCode = code));
  /** Resolves when the report is newer than `since`: the build writes it after the site's data. */
  const written = (since: number) =>
    new Promise<void>((done, fail) => {
      const deadline = performance.now() + WATCH_TIMEOUT_MS;
      const check = () => {
        if (reportTime() > since) return done();
        if (exitCode !== undefined) return fail(new Error(`npm run build -- --watch ended (${exitCode}):\n${output.slice(-4000)}`));
        if (performance.now() > deadline)
          return fail(new Error(`npm run build -- --watch wrote nothing in ${WATCH_TIMEOUT_MS / 60_000} min:\n${output.slice(-4000)}`));
        setTimeout(check, 10);
      };
      check();
    });
  /** Until the report has not changed for a second: a rebuild started by a late event is let finish. */
  const settled = async () => {
    for (let last = reportTime(); ;) {
      await new Promise((done) => setTimeout(done, 1000));
      const now = reportTime();
      if (now === last) return;
      last = now;
    }
  };
  const timed = async (change: () => void) => {
    await settled();
    const since = reportTime();
    const changedAt = performance.now();
    change();
    await written(since);
    return (performance.now() - changedAt) / 1000;
  };
  const editedFile = join(folder, names[1]!);
  const original = readFileSync(editedFile);
  const addedFile = join(folder, '2026-12-31-bench-watched.html');
  let day: ReturnType<typeof dayFetch> | undefined;
  try {
    await written(spawnedAt - 1);
    const startSeconds = (performance.now() - started) / 1000;
    const result: WatchRebuilds = { startSeconds };
    if (kinds.includes('edit')) result.editSeconds = await timed(() => appendFileSync(editedFile, '\n<p>更正：本文已再次更新。</p>\n'));
    if (kinds.includes('add')) {
      result.addSeconds = await timed(() =>
        writeFileSync(addedFile, postCopy(join(folder, names[3]!), { title: '追加的文章', url: 'https://www.example-news.tw/watched' })),
      );
    }
    if (kinds.includes('day')) result.daySeconds = await timed(() => (day = dayFetch(changes)));
    return result;
  } finally {
    // Ended before the posts are put back: it would rebuild them meanwhile.
    await stopGroup(child);
    day?.undo();
    writeFileSync(editedFile, original);
    rmSync(addedFile, { force: true });
  }
}

/** Ends a process started with `detached: true` and every process it started (its group, by its id). */
async function stopGroup(child: ChildProcess): Promise<void> {
  const group = child.pid;
  if (group === undefined) return;
  const signal = (name: NodeJS.Signals | 0) => {
    try {
      process.kill(-group, name);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signal('SIGTERM')) return;
  for (let waited = 0; waited < 10_000; waited += 50) {
    await new Promise((done) => setTimeout(done, 50));
    if (!signal(0)) return;
  }
  signal('SIGKILL');
}
