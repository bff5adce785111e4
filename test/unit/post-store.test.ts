import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/ingest/ingest.ts';
import { diskStore, sourceFingerprint, type PostStore } from '../../src/ingest/post-store.ts';
import { agoraPost } from './helpers.ts';

const post = agoraPost;

/** A disk store that counts how many posts had to be parsed (each parse is followed by a put). */
function countingStore(dir: string): PostStore & { parsed: number; headsRead: number } {
  const inner = diskStore(dir);
  const store = {
    parsed: 0,
    headsRead: 0,
    dir: inner.dir,
    get: inner.get,
    getDigest: inner.getDigest,
    getHeadLine: (key: string) => {
      store.headsRead++;
      return inner.getHeadLine(key);
    },
    getEntry: inner.getEntry,
    prune: inner.prune,
    forget: inner.forget,
    put: async (...entry: Parameters<PostStore['put']>) => {
      store.parsed++;
      return inner.put(...entry);
    },
  };
  return store;
}

const entries = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).flatMap((folder) => readdirSync(join(dir, folder.name)));

describe('the disk post store', () => {
  it('parses only new and edited posts on a rebuild, and forgets the old versions', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲', '01'));
    writeFileSync(join(postsDir, '2026-11-02-b.html'), post('乙', '02'));

    const first = countingStore(cacheDir);
    await ingestPosts({ postsDir, store: first });
    expect(first.parsed).toBe(2);

    const unchanged = countingStore(cacheDir);
    const again = await ingestPosts({ postsDir, store: unchanged });
    expect(unchanged.parsed).toBe(0);
    // Unchanged files are taken from the last build's record (see seen-files.ts), their store entries left unopened.
    expect(unchanged.headsRead).toBe(0);
    expect(JSON.parse((await again.postFile('2026-11-01-a'))!).title).toBe('甲');

    writeFileSync(join(postsDir, '2026-11-01-a.html'), post('甲（更正）', '01'));
    writeFileSync(join(postsDir, '2026-11-03-c.html'), post('丙', '03'));
    const edited = countingStore(cacheDir);
    const rebuilt = await ingestPosts({ postsDir, store: edited });
    expect(edited.parsed).toBe(2);
    expect(JSON.parse((await rebuilt.postFile('2026-11-01-a'))!).title).toBe('甲（更正）');
    expect(entries(cacheDir)).toHaveLength(3);
  });

  it('trusts an unchanged size and modification time, and reads a file again when either changes', async () => {
    const postsDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-posts-'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-store-cache-'));
    const a = join(postsDir, '2026-11-01-a.html');
    const b = join(postsDir, '2026-11-02-b.html');
    writeFileSync(a, post('甲', '01'));
    writeFileSync(b, post('乙', '02'));
    await ingestPosts({ postsDir, store: countingStore(cacheDir) });
    const seen = readFileSync(join(cacheDir, 'files-seen.ndjson'), 'utf8').trim().split('\n').slice(1).map((line) => JSON.parse(line.split('\t')[0]!)[0]);
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
    // Modules that only write the index are left out when named.
    const withWriter = await sourceFingerprint([dir], ['writer.ts']);
    writeFileSync(join(dir, 'writer.ts'), 'export const w = 1;');
    expect(await sourceFingerprint([dir], ['writer.ts'])).toBe(withWriter);
    expect(await sourceFingerprint([dir])).not.toBe(withWriter);
  });
});
