import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { bundledWorker } from '../../src/indexer/workers/worker-bundle.ts';
import { WorkerPool } from '../../src/indexer/workers/worker-pool.ts';
import { diskStore, isMissingEntryError, missingEntryError, sourceFingerprint, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import { agoraPost } from './helpers.ts';
import { parsePost } from '../../src/indexer/parse/parse-post.ts';
import { digestOutcome } from '../../src/indexer/parse/post-digest.ts';
import { postFileFromBody, renderPostFile } from '../../src/indexer/parse/render-post.ts';

const post = agoraPost;

/** A disk store that counts how many posts had to be parsed (each parse is followed by a put). */
function countingStore(dir: string): PostStore & { parsed: number; headsRead: number } {
  const inner = diskStore(dir);
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

const packs = (dir: string) => readdirSync(join(dir, 'packs')).sort();

/** A build as the Vite plugin runs one: the last build's entries kept until the index is written, then pruned. */
async function build(postsDir: string, store: PostStore) {
  const built = await ingestPosts({ postsDir, store, keepStale: true });
  await store.prune(built.storeKeys);
  store.close();
  return built;
}

describe('the disk post store', () => {
  it('parses only new and edited posts on a rebuild, and drops a pack once none of its entries is used', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    writeFileSync(join(postsDir, '2026-11-02-b.html'), post('乙', '02'));

    // A cache of the first design (one file per entry, in folders named by two hex digits) is cleared away.
    mkdirSync(join(cacheDir, '3f'));
    writeFileSync(join(cacheDir, '3f', '3f00.json'), '{}');
    const first = countingStore(cacheDir);
    await build(postsDir, first);
    expect(first.parsed).toBe(2);
    const [firstPack] = packs(cacheDir);
    expect(existsSync(join(cacheDir, '3f'))).toBe(false);

    const unchanged = countingStore(cacheDir);
    const again = await build(postsDir, unchanged);
    expect(unchanged.parsed).toBe(0);
    // Unchanged files are taken from the last build's record (see seen-files.ts), their store entries left unopened.
    expect(unchanged.headsRead).toBe(0);
    expect(JSON.parse((await again.postFile('2026-11-01-a'))!).title).toBe('甲');
    expect(packs(cacheDir)).toEqual([firstPack]);

    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲（更正）', '01'));
    writeFileSync(join(postsDir, '2026-11-03-c.html'), post('丙', '03'));
    const edited = countingStore(cacheDir);
    const rebuilt = await build(postsDir, edited);
    expect(edited.parsed).toBe(2);
    expect(JSON.parse((await rebuilt.postFile('2026-11-01-a'))!).title).toBe('甲（更正）');
    // The first pack still holds 乙, which is used: both packs stay.
    expect(packs(cacheDir)).toHaveLength(2);
    expect(packs(cacheDir)).toContain(firstPack);

    writeFileSync(join(postsDir, '2026-11-02-b.html'), post('乙（更正）', '02'));
    await build(postsDir, countingStore(cacheDir));
    // Nothing in the first pack is used any more: it is gone.
    expect(packs(cacheDir)).toHaveLength(2);
    expect(packs(cacheDir)).not.toContain(firstPack);
  });

  it('leaves the packs of another build still running on the same cache folder', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    mkdirSync(join(cacheDir, 'packs'));
    // Named as packs of this test's parent process (running) and of a process id no system gives out.
    const running = `mwwaaaaa-${process.ppid.toString(36)}-1-0`;
    const ended = `mwwaaaaa-${(2 ** 31).toString(36)}-1-0`;
    for (const pack of [running, ended]) writeFileSync(join(cacheDir, 'packs', `${pack}.pack`), '');
    await build(postsDir, countingStore(cacheDir));
    expect(packs(cacheDir)).toContain(`${running}.pack`);
    expect(packs(cacheDir)).not.toContain(`${ended}.pack`);
  });

  it('copies the entries still used out of a mostly dead pack, without parsing them, and then drops it', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    const names = ['2026-11-01-a', '2026-11-02-b', '2026-11-03-c', '2026-11-04-d'];
    names.forEach((name, n) => writeFileSync(join(postsDir, `${name}.html`), post(`第${n}篇`, name.slice(8, 10))));
    await build(postsDir, countingStore(cacheDir));
    const [firstPack] = packs(cacheDir);

    // Three of four edited: a quarter of the first pack is still used after this build.
    names.slice(1).forEach((name, n) => writeFileSync(join(postsDir, `${name}.html`), post(`第${n + 1}篇（更正）`, name.slice(8, 10))));
    await build(postsDir, countingStore(cacheDir));
    expect(packs(cacheDir)).toContain(firstPack);

    // The next build copies the one used entry out, and drops the pack.
    const store = countingStore(cacheDir);
    const built = await build(postsDir, store);
    expect(store.parsed).toBe(0);
    expect(packs(cacheDir)).not.toContain(firstPack);
    expect(JSON.parse((await built.postFile('2026-11-01-a'))!).title).toBe('第0篇');
    store.close();

    // And the build after reads it where it was copied to.
    const after = countingStore(cacheDir);
    const again = await build(postsDir, after);
    expect(after.parsed).toBe(0);
    expect(JSON.parse((await again.postFile('2026-11-01-a'))!).title).toBe('第0篇');
  });

  it('trusts an unchanged size and modification time, and reads a file again when either changes', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    const a = join(postsDir, '2026-11-01-a.html');
    const b = join(postsDir, '2026-11-02-b.html');
    writeFileSync(a, post('甲', '01'));
    writeFileSync(b, post('乙', '02'));
    await ingestPosts({ postsDir, store: countingStore(cacheDir) });
    // Each file's line (the header first, and the build's commit line, which begins with a tab, aside).
    const lines = readFileSync(join(cacheDir, 'files-seen.tsv'), 'utf8').split('\n').slice(1).filter((line) => line !== '' && !line.startsWith('\t'));
    const seen = lines.map((line) => line.split('\t')[5]);
    expect(seen.sort()).toEqual(['2026-11-01-a.html', '2026-11-02-b.html']);

    // Touched, same bytes: read and hashed again, found in the store, not parsed.
    utimesSync(a, new Date('2027-01-01'), new Date('2027-01-01'));
    // Same size, other bytes, new time: parsed again.
    writeFileSync(b, post('丙', '02'));
    const store = countingStore(cacheDir);
    const built = await ingestPosts({ postsDir, store });
    expect(store.parsed).toBe(1);
    expect(JSON.parse((await built.postFile('2026-11-02-b'))!).title).toBe('丙');
    expect(JSON.parse((await built.postFile('2026-11-01-a'))!).title).toBe('甲');
  });

  it('on workers: stats every file there on a rebuild, and takes the changed ones to parse', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    // More files than a build parses on its own thread.
    const names = Array.from({ length: 300 }, (_, n) => `2026-11-${String(1 + (n % 28)).padStart(2, '0')}-p${n}`);
    // Each its own original link (posts with the same link are one story, merged).
    const numbered = (title: string, n: number) => post(title, names[n]!.slice(8, 10)).replace(/\/a\/\d+\.aspx/, `/a/${n}.aspx`);
    names.forEach((name, n) => writeFileSync(join(postsDir, `${name}.html`), numbered(`第${n}篇`, n)));
    const root = resolve(import.meta.dirname, '../..');
    const entry = await bundledWorker(cacheDir, [join(root, 'src/indexer'), join(root, 'src/shared')], join(root, 'package-lock.json'));
    const buildOnWorkers = async () => {
      const pool = WorkerPool.start(2, entry);
      const requests: string[] = [];
      const run = pool.run.bind(pool);
      pool.run = ((request) => (requests.push(request.type), run(request))) as typeof pool.run;
      const store = diskStore(cacheDir);
      try {
        const built = await ingestPosts({ postsDir, store, pool, keepStale: true });
        await store.prune(built.storeKeys);
        return { built, requests };
      } finally {
        store.close();
        await pool.close();
      }
    };
    const first = await buildOnWorkers();
    expect(first.requests).not.toContain('stat');
    expect(first.built.report.postsIndexed).toBe(300);

    writeFileSync(join(postsDir, `${names[7]}.html`), numbered('第7篇（更正）', 7));
    const again = await buildOnWorkers();
    expect(again.requests.filter((type) => type === 'stat')).toHaveLength(2);
    // One file to parse: on this thread, not on the workers.
    expect(again.requests).not.toContain('ingest');
    expect(JSON.parse((await again.built.postFile(names[7]!))!).title).toBe('第7篇（更正）');
    expect(JSON.parse((await again.built.postFile(names[8]!))!).title).toBe('第8篇');
  });

  it('gives back each post as it was stored, and writes its file from the stored body as renderPostFile would', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const store = diskStore(dir);
    for (const name of ['seed-fork-picinfo-proxy-more-article.md', 'agora-lazy-picture.html', 'agora-cna-figure-unclosed-div.html', 'hostile-markup.html', 'bad-yaml.md']) {
      const outcome = parsePost(name, readFileSync(resolve('test/fixtures/posts', name)), { timeZone: 'Asia/Taipei' });
      const { key } = await store.put(`content-${name.replace(/\W/g, '-')}`, outcome, digestOutcome(outcome));
      expect(await store.get(key)).toEqual(outcome);
      const parts = await store.getForFile(key);
      if (!('post' in outcome)) {
        expect(parts).toBeUndefined();
        continue;
      }
      const place = { id: 'an-id', previousId: 'older', nextId: 'newer', relatedIds: outcome.post.related.map((_, n) => (n === 0 ? 'archived-one' : undefined)) };
      const file = postFileFromBody(parts!.body, parts!.related, place).toString();
      expect(file).toBe(renderPostFile(outcome.post, place));
      expect(JSON.parse(file)).toMatchObject({ id: 'an-id', title: outcome.post.title, html: outcome.post.html, figures: outcome.post.figures, previousId: 'older', nextId: 'newer' });
    }
  });

  it('gathers what it stores and writes it on close, where another store on the folder (a worker) reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-store-'));
    const writer = diskStore(dir);
    const problem = (path: string) => ({ problem: { path, reason: 'unreadable', severity: 'error', detail: '讀不到'.repeat(1000) } }) as const;
    const keys = [];
    // Enough entries (~2 MB) to pass the size at which gathered bytes are written on their own.
    for (let n = 0; n < 200; n++) keys.push((await writer.put(`content${n}`, problem(`${n}.md`), problem(`${n}.md`))).key);
    // The writer reads its own entries at once, gathered or written.
    expect(await writer.get(keys[199]!)).toMatchObject({ problem: { path: '199.md' } });
    // Reading flushed them; one more is gathered, unseen by another store until the writer closes.
    keys.push((await writer.put('content-last', problem('last.md'), problem('last.md'))).key);
    const reader = diskStore(dir);
    expect(await reader.get(keys[200]!)).toBeUndefined();
    writer.close();
    for (const [n, key] of keys.entries()) expect(await reader.get(key)).toMatchObject({ problem: { path: n === 200 ? 'last.md' : `${n}.md` } });
  });

  it('tells a build that lost an entry from one that failed otherwise, also when the error crossed from a worker', () => {
    const lost = missingEntryError('abc.pack.0.1.1.1');
    expect(isMissingEntryError(lost)).toBe(true);
    expect(isMissingEntryError(new Error(`build worker: ${lost.stack}`))).toBe(true);
    expect(isMissingEntryError(new Error('ENOSPC: no space left on device, write'))).toBe(false);
  });

  it('starts over when the parser code changes', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    await ingestPosts({ postsDir, store: countingStore(cacheDir), codeVersion: 'v1' });
    const store = countingStore(cacheDir);
    await ingestPosts({ postsDir, store, codeVersion: 'v2' });
    expect(store.parsed).toBe(1);
  });

  it('fingerprints the source folders it is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    writeFileSync(join(dir, 'a.ts'), 'export const a = 1;');
    const before = await sourceFingerprint([dir]);
    writeFileSync(join(dir, 'a.ts'), 'export const a = 2;');
    expect(await sourceFingerprint([dir])).not.toBe(before);
  });

  it('fingerprints modules in subfolders too, so moving parse code never serves stale posts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-src-'));
    mkdirSync(join(dir, 'html'));
    writeFileSync(join(dir, 'html', 'sanitize.ts'), 'export const s = 1;');
    const before = await sourceFingerprint([dir]);
    writeFileSync(join(dir, 'html', 'sanitize.ts'), 'export const s = 2;');
    const edited = await sourceFingerprint([dir]);
    expect(edited).not.toBe(before);
    renameSync(join(dir, 'html', 'sanitize.ts'), join(dir, 'sanitize.ts'));
    expect(await sourceFingerprint([dir])).not.toBe(edited);
  });
});
