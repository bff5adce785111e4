import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { WorkerPool } from '../../src/indexer/workers/worker-pool.ts';
import { diskStore, isMissingEntryError, missingEntryError, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import { importedCodeFingerprint } from '../../src/indexer/incremental/code-version.ts';
import { openBuildCache, type BuildCache } from '../../src/indexer/incremental/build-cache.ts';
import { openCacheDb, type CacheDb, type CacheFile } from '../../src/indexer/incremental/cache-db.ts';
import { recordedFiles } from '../../src/indexer/incremental/seen-files.ts';
import { agoraPost } from './helpers.ts';
import { parsePost } from '../../src/indexer/parse/parse-post.ts';
import { digestOutcome, newPostScratch } from '../../src/indexer/parse/post-digest.ts';
import { postFileFromBody, renderPostFile } from '../../src/indexer/parse/render-post.ts';

const post = agoraPost;

/** The posts of a build cache, counting how many had to be parsed (each parse is followed by a put). */
function countingStore(cache: BuildCache): PostStore & { parsed: number; headsRead: number } {
  const inner = cache.posts;
  const store = {
    ...inner,
    parsed: 0,
    headsRead: 0,
    find: (...args: Parameters<PostStore['find']>) => {
      store.headsRead++;
      return inner.find(...args);
    },
    put: async (...entry: Parameters<PostStore['put']>) => {
      store.parsed++;
      return inner.put(...entry);
    },
  };
  return store;
}

/** A build as buildSite runs one: the last build's entries kept until the index is written, then pruned. */
async function build(postsDir: string, cacheDir: string, codeVersion?: string) {
  await lastCache?.close();
  const cache = (lastCache = openBuildCache(cacheDir));
  const store = countingStore(cache);
  const built = await ingestPosts({ postsDir, cache, store, keepStale: true, ...(codeVersion ? { codeVersion } : {}) });
  await cache.prune(built.storeKeys);
  // Left open until the next build: the test reads the built posts from it.
  return { built, parsed: store.parsed, headsRead: store.headsRead };
}
let lastCache: BuildCache | undefined;
afterEach(async () => {
  await lastCache?.close();
  lastCache = undefined;
});

const problem = (path: string) => ({ problem: { path, reason: 'unreadable', severity: 'error', detail: '讀不到'.repeat(1000) } }) as const;
const STORE_MODULE = resolve('src/indexer/incremental/post-store.ts');
const LOCK_MODULE = resolve('src/indexer/incremental/cache-lock.ts');

/** A script for another process: `body` runs with `dir`, `diskStore` and `problem` in scope. */
function storeScript(dir: string, body: string): string {
  return `const { diskStore } = await import(${JSON.stringify(STORE_MODULE)});
    const dir = ${JSON.stringify(dir)};
    const problem = ${problem.toString()};
    ${body}`;
}

/** Node's arguments to run `body` (see storeScript) in another process. */
const storeProcessArgs = (dir: string, body: string) => ['--import', 'tsx', '--input-type=module', '-e', storeScript(dir, body)];

/** Runs `body` in another process to its end: its exit, signal and output. */
function runStoreProcess(dir: string, body: string) {
  return spawnSync(process.execPath, storeProcessArgs(dir, body), { encoding: 'utf8' });
}

/** Starts `body` in another process, its output shown; resolves with its exit code. */
function startStoreProcess(dir: string, body: string): Promise<number | null> {
  return new Promise((done) => spawn(process.execPath, storeProcessArgs(dir, body), { stdio: 'inherit' }).on('exit', done));
}

describe('the disk post store', () => {
  it('parses only new and edited posts on a rebuild, and forgets the entries no longer used', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    writeFileSync(join(postsDir, '2026-11-02-b.html'), post('乙', '02'));
    // The pack files of the store before LMDB are cleared away.
    mkdirSync(join(cacheDir, 'packs'));
    writeFileSync(join(cacheDir, 'packs', 'old.pack'), '');
    const first = await build(postsDir, cacheDir);
    expect(first.parsed).toBe(2);
    expect(existsSync(join(cacheDir, 'packs'))).toBe(false);
    const firstKeys = [...first.built.storeKeys].sort();

    const unchanged = await build(postsDir, cacheDir);
    expect(unchanged.parsed).toBe(0);
    // Unchanged files are taken from the last build's record (see seen-files.ts), their store entries left unopened.
    expect(unchanged.headsRead).toBe(0);
    expect(JSON.parse((await unchanged.built.postFile('2026-11-01-a'))!).title).toBe('甲');

    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲（更正）', '01'));
    writeFileSync(join(postsDir, '2026-11-03-c.html'), post('丙', '03'));
    const edited = await build(postsDir, cacheDir);
    expect(edited.parsed).toBe(2);
    expect(JSON.parse((await edited.built.postFile('2026-11-01-a'))!).title).toBe('甲（更正）');
    const reader = diskStore(cacheDir);
    const kept = await Promise.all(firstKeys.map(async (key) => (await reader.get(key)) !== undefined));
    // 甲's first entry is gone, 乙's stays.
    expect(kept.filter(Boolean)).toHaveLength(1);
    await reader.close();
  });

  it('trusts an unchanged size and modification time, and reads a file again when either changes', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    const a = join(postsDir, '2026-11-01-a.html');
    const b = join(postsDir, '2026-11-02-b.html');
    writeFileSync(a, post('甲', '01'));
    writeFileSync(b, post('乙', '02'));
    await build(postsDir, cacheDir);
    const seen = [...recordedFiles(openCacheDb(cacheDir))!.keys()];
    expect(seen.sort()).toEqual(['2026-11-01-a.html', '2026-11-02-b.html']);

    // Touched, same bytes: read and hashed again, found in the store, not parsed.
    utimesSync(a, new Date('2027-01-01'), new Date('2027-01-01'));
    // Same size, other bytes, new time: parsed again.
    writeFileSync(b, post('丙', '02'));
    const { built, parsed } = await build(postsDir, cacheDir);
    expect(parsed).toBe(1);
    expect(JSON.parse((await built.postFile('2026-11-02-b'))!).title).toBe('丙');
    expect(JSON.parse((await built.postFile('2026-11-01-a'))!).title).toBe('甲');
  });

  it('with workers: makes no request of them on a rebuild of a few changes, parses an edit or an addition here, and drops a file gone', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    // More files than a build parses on its own thread.
    const names = Array.from({ length: 300 }, (_, n) => `2026-11-${String(1 + (n % 28)).padStart(2, '0')}-p${n}`);
    // Each its own original link (posts with the same link are one story, merged).
    const numbered = (title: string, n: number) => post(title, names[n]!.slice(8, 10), n);
    names.forEach((name, n) => writeFileSync(join(postsDir, `${name}.html`), numbered(`第${n}篇`, n)));
    const root = resolve(import.meta.dirname, '../..');
    const entry = await bundledWorker(cacheDir, [join(root, 'src/indexer'), join(root, 'src/shared')], join(root, 'package-lock.json'));
    const buildOnWorkers = async () => {
      const pool = WorkerPool.start(2, entry);
      const requests: string[] = [];
      const run = pool.run.bind(pool);
      pool.run = ((request) => (requests.push(request.type), run(request))) as typeof pool.run;
      await lastCache?.close();
      // Left open until the next build (see build above).
      const cache = (lastCache = openBuildCache(cacheDir));
      try {
        const built = await ingestPosts({ postsDir, cache, pool, keepStale: true });
        await cache.prune(built.storeKeys);
        return { built, requests };
      } finally {
        await pool.close();
      }
    };
    const first = await buildOnWorkers();
    expect(first.built.report.postsIndexed).toBe(300);

    writeFileSync(join(postsDir, `${names[7]}.html`), numbered('第7篇（更正）', 7));
    const again = await buildOnWorkers();
    // Fewer files than a stat thread is started for, and one file to parse on this thread: no worker booted.
    expect(again.requests).toEqual([]);
    expect(JSON.parse((await again.built.postFile(names[7]!))!).title).toBe('第7篇（更正）');
    expect(JSON.parse((await again.built.postFile(names[8]!))!).title).toBe('第8篇');

    // A file gone and one added: the one read here, the other gone.
    rmSync(join(postsDir, `${names[9]}.html`));
    writeFileSync(join(postsDir, '2026-11-30-added.html'), post('新增一篇', '30', 'added'));
    const third = await buildOnWorkers();
    expect(third.requests).toEqual([]);
    expect(third.built.report.postsIndexed).toBe(300);
    expect(await third.built.postFile(names[9]!)).toBeUndefined();
    expect(JSON.parse((await third.built.postFile('2026-11-30-added'))!).title).toBe('新增一篇');
    expect(JSON.parse((await third.built.postFile(names[7]!))!).title).toBe('第7篇（更正）');
  });

  it('gives back each post as it was stored, and writes its file from the stored body as renderPostFile would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const store = diskStore(dir);
    for (const name of [
      'seed-fork-picinfo-proxy-more-article.md',
      'agora-lazy-picture.html',
      'agora-cna-figure-unclosed-div.html',
      'hostile-markup.html',
      'bad-yaml.md',
    ]) {
      const outcome = parsePost(name, readFileSync(resolve('test/fixtures/posts', name)), { timeZone: 'Asia/Taipei' });
      const { key } = await store.put(`content-${name.replace(/\W/g, '-')}`, outcome, digestOutcome(outcome, newPostScratch()));
      await store.close();
      expect(await store.get(key)).toEqual(outcome);
      const parts = await store.getForFile(key);
      if (!('post' in outcome)) {
        expect(parts).toBeUndefined();
        continue;
      }
      const place = {
        id: 'an-id',
        previousId: 'older',
        nextId: 'newer',
        relatedIds: outcome.post.related.map((_, n) => (n === 0 ? 'archived-one' : undefined)),
      };
      const file = postFileFromBody(parts!.body, parts!.related, place).toString();
      expect(file).toBe(renderPostFile(outcome.post, place));
      expect(JSON.parse(file)).toMatchObject({
        id: 'an-id',
        title: outcome.post.title,
        html: outcome.post.html,
        figures: outcome.post.figures,
        previousId: 'older',
        nextId: 'newer',
      });
    }
  });

  it('commits what it stores on close, where another store on the folder (a worker) reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const writer = diskStore(dir);
    const keys = [];
    for (let n = 0; n < 200; n++) keys.push((await writer.put(`content${n}`, problem(`${n}.md`), problem(`${n}.md`))).key);
    await writer.close();
    const reader = diskStore(dir);
    for (const [n, key] of keys.entries()) expect(await reader.get(key)).toMatchObject({ problem: { path: `${n}.md` } });
    await reader.close();
  });

  it('prunes more entries than one of its transactions removes, keeping exactly the ones asked for', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const store = diskStore(dir);
    const keys = [];
    for (let n = 0; n < 700; n++) keys.push((await store.put(`content${n}`, problem(`${n}.md`), problem(`${n}.md`))).key);
    const kept = keys.filter((_, n) => n % 3 === 0);
    await store.prune(kept);
    await store.close();
    const reader = diskStore(dir);
    for (const [n, key] of keys.entries()) {
      const keep = n % 3 === 0;
      expect(await reader.get(key)).toEqual(keep ? problem(`${n}.md`) : undefined);
      expect(await reader.getHead(key)).toEqual(keep ? expect.any(String) : undefined);
    }
    await reader.close();
  });

  it('keeps the last committed entries when a process dies while writing more', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    // The child commits one entry, then dies in the middle of a large transaction.
    const child = runStoreProcess(
      dir,
      `
      const store = diskStore(dir);
      await store.put('committed', problem('kept.md'), problem('kept.md'));
      await store.close();
      const dying = diskStore(dir);
      for (let n = 0; n < 2000; n++) void dying.put('lost' + n, problem(n + '.md'), problem(n + '.md'));
      setImmediate(() => process.kill(process.pid, 'SIGKILL'));
    `,
    );
    expect(child.signal).toBe('SIGKILL');
    const check = runStoreProcess(
      dir,
      `
      const store = diskStore(dir);
      const kept = await store.get('committed');
      const found = (await Promise.all(Array.from({ length: 2000 }, (_, n) => store.find('lost' + n)))).filter(Boolean).length;
      console.log(JSON.stringify({ kept: kept?.problem.path, found }));
    `,
    );
    expect(check.stderr).toBe('');
    const result = JSON.parse(check.stdout) as { kept: string; found: number };
    expect(result.kept).toBe('kept.md');
    // A transaction is whole or absent: of the dying batch, none or all (if it committed before the kill).
    expect([0, 2000]).toContain(result.found);
  });

  it("takes the entries of several builds' processes started at once, each holding the cache's lock in turn", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const turns = join(dir, 'turns.log');
    const writers = Array.from({ length: 4 }, (_, writer) =>
      startStoreProcess(
        dir,
        `
          const { appendFileSync } = await import('node:fs');
          const { lockBuildCache } = await import(${JSON.stringify(LOCK_MODULE)});
          const unlock = await lockBuildCache(dir);
          appendFileSync(${JSON.stringify(turns)}, 'start ${writer}\\n');
          const store = diskStore(dir);
          for (let n = 0; n < 300; n++) {
            await store.put('w${writer}-' + n, problem('w${writer}/' + n + '.md'), problem('w${writer}/' + n + '.md'));
            if (n % 50 === 0) await store.close();
          }
          await store.close();
          appendFileSync(${JSON.stringify(turns)}, 'end ${writer}\\n');
          await unlock();
        `,
      ),
    );
    expect(await Promise.all(writers)).toEqual([0, 0, 0, 0]);
    // One writer at a time: each start is followed by its own end.
    const lines = readFileSync(turns, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    for (let at = 0; at < 8; at += 2) expect(lines[at + 1]).toBe(lines[at]!.replace('start', 'end'));
    const reader = diskStore(dir);
    for (let writer = 0; writer < 4; writer++) {
      for (let n = 0; n < 300; n++) expect(await reader.get(`w${writer}-${n}`)).toMatchObject({ problem: { path: `w${writer}/${n}.md` } });
    }
    await reader.close();
  });

  describe("the two files' commits in order: a process killed between them leaves no head without its large half", () => {
    const LARGE = ['search', 'bodies', 'rests'] as const;
    /** A cache whose transactions of the file named in `failing.file` fail, as in a process killed before their commit. */
    function failingCache(dir: string) {
      const db = openCacheDb(dir);
      const failing: { file?: CacheFile } = {};
      const transaction: CacheDb['transaction'] = (work, file = 'main') =>
        file === failing.file ? Promise.reject(new Error('killed')) : db.transaction(work, file);
      return { db: { ...db, transaction }, failing };
    }

    it('puts the large half first: when the heads commit fails, find sees nothing and the large parts hold the key', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
      const { db, failing } = failingCache(dir);
      failing.file = 'heads';
      const store = diskStore(dir, db);
      await store.put('content', problem('a.md'), problem('a.md'));
      await expect(store.close()).rejects.toThrow('killed');
      expect(await store.find('content')).toBeUndefined();
      for (const part of LARGE) expect(db.part(part).doesExist('content')).toBe(true);
      await db.close();
    });

    it('prunes the heads first: when the main commit fails, no head or print is left for the pruned key', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
      const { db, failing } = failingCache(dir);
      const store = diskStore(dir, db);
      await store.put('content', problem('a.md'), problem('a.md'));
      await store.close();
      failing.file = 'main';
      await expect(store.prune([])).rejects.toThrow('killed');
      for (const part of ['heads', 'stories'] as const) expect(db.part(part).doesExist('content')).toBe(false);
      expect(await store.find('content')).toBeUndefined();
      await db.close();
    });
  });

  it('tells a build that lost an entry from one that failed otherwise, also when the error crossed from a worker', () => {
    const lost = missingEntryError('abc');
    expect(isMissingEntryError(lost)).toBe(true);
    expect(isMissingEntryError(new Error(`build worker: ${lost.stack}`))).toBe(true);
    expect(isMissingEntryError(new Error('ENOSPC: no space left on device, write'))).toBe(false);
  });

  it('starts over when the parser code changes', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    await build(postsDir, cacheDir, 'v1');
    const { built, parsed } = await build(postsDir, cacheDir, 'v2');
    expect(parsed).toBe(1);
    // The entry of the old code is forgotten: the store holds the new one only.
    const reader = diskStore(cacheDir);
    expect(await reader.get(built.storeKeys[0]!)).toBeDefined();
    await reader.close();
  });

  it('fingerprints every module the parser imports, in any folder, the lock file and the installed packages', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    mkdirSync(join(root, 'parse'));
    mkdirSync(join(root, 'plan'));
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    writeFileSync(join(root, 'parse', 'digest.ts'), "import { print } from '../plan/print.ts';\nexport const digest = print;");
    writeFileSync(join(root, 'plan', 'print.ts'), 'export const print = 1;');
    writeFileSync(join(root, 'plan', 'unused.ts'), 'export const unused = 1;');
    const fingerprint = () => importedCodeFingerprint([join(root, 'parse', 'digest.ts')], join(root, 'package-lock.json'));
    const before = await fingerprint();
    writeFileSync(join(root, 'plan', 'unused.ts'), 'export const unused = 2;');
    expect(await fingerprint()).toBe(before);
    writeFileSync(join(root, 'plan', 'print.ts'), 'export const print = 2;');
    const edited = await fingerprint();
    expect(edited).not.toBe(before);
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    const locked = await fingerprint();
    expect(locked).not.toBe(edited);
    // Installed with `npm install`, which writes its own record of the tree.
    mkdirSync(join(root, 'node_modules'), { recursive: true });
    writeFileSync(join(root, 'node_modules', '.package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect(await fingerprint()).not.toBe(locked);
  });

  it('follows an import added since the last build, though it remembers the modules it found', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
    writeFileSync(join(root, 'digest.ts'), 'export const digest = 1;');
    writeFileSync(join(root, 'print.ts'), 'export const print = 1;');
    const fingerprint = () => importedCodeFingerprint([join(root, 'digest.ts')], join(root, 'package-lock.json'));
    const before = await fingerprint();
    expect(await fingerprint()).toBe(before);
    writeFileSync(join(root, 'digest.ts'), "import { print } from './print.ts';\nexport const digest = print;");
    const importing = await fingerprint();
    expect(importing).not.toBe(before);
    writeFileSync(join(root, 'print.ts'), 'export const print = 2;');
    expect(await fingerprint()).not.toBe(importing);
  });
});
