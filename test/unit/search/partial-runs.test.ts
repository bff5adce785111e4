import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRunsFolder, mergeRuns, writeRun } from '../../../src/indexer/search/partial-runs.ts';
import { SearchIndexBuilder, mergePartialIndexes, type TokenPostings } from '../../../src/indexer/search/search-index.ts';

// Rows far apart (multi-byte deltas), tokens in one range only, in several, once, and one in every post
// (its postings longer than the small buffers below).
const POSTS = Array.from({ length: 400 }, (_, n) => ({
  row: n * 211,
  title: `第${n % 7}號颱風 ${'甲乙丙丁戊己庚辛壬癸'[n % 10]}`,
  text: `${'甲乙丙丁戊己庚辛'.slice(n % 5, (n % 5) + 3)} 編號${n} word${n % 13} 共同的詞`,
}));

/** The posts fed to `ranges` builders over consecutive rows. */
function buildersOver(ranges: number): SearchIndexBuilder[] {
  const builders = Array.from({ length: ranges }, () => new SearchIndexBuilder());
  POSTS.forEach((post, n) => builders[Math.floor((n * ranges) / POSTS.length)]!.addText(post.row, post.title, post.text));
  return builders;
}

const plain = (lists: Iterable<TokenPostings>) => Array.from(lists, ({ token, count, postings }) => ({ token, count, postings: [...postings] }));

describe('search index runs on disk', () => {
  it('merge into the same token stream as the partial indexes they were written from, in memory', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-runs-'));
    const expected = plain(mergePartialIndexes(buildersOver(3).map((builder) => builder.exportPartial())));
    const paths = buildersOver(3).map((builder, n) => {
      const path = join(folder, `${n}.run`);
      writeRun(builder.exportPartial(), path);
      return path;
    });
    expect(plain(mergeRuns(paths))).toEqual(expected);
  });

  it('are read right when a token is larger than the buffer they are written and read by', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-runs-'));
    const expected = plain(mergePartialIndexes(buildersOver(2).map((builder) => builder.exportPartial())));
    const paths = buildersOver(2).map((builder, n) => {
      const path = join(folder, `${n}.run`);
      writeRun(builder.exportPartial(), path, 64);
      return path;
    });
    const merged = plain(mergeRuns(paths, 64));
    expect(merged).toEqual(expected);
    expect(Math.max(...merged.map((list) => list.postings.length))).toBeGreaterThan(64);
  });

  it('are removed once merged', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-runs-'));
    const path = join(folder, '0.run');
    writeRun(buildersOver(1)[0]!.exportPartial(), path);
    expect(plain(mergeRuns([path])).length).toBeGreaterThan(0);
    expect(existsSync(path)).toBe(false);
  });

  it('stop a merge with an error when a run ends inside a token', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cna-reader-runs-'));
    const path = join(folder, '0.run');
    // A token's header (19 bytes) saying 10 units and 100 bytes of postings follow, and nothing after it.
    const header = Buffer.alloc(19);
    header.writeUInt32LE(1, 0);
    header.writeUInt32LE(100, 12);
    header.writeUInt16LE(10, 16);
    writeFileSync(path, header);
    expect(() => [...mergeRuns([path])]).toThrow(/ends inside a token/);
  });

  it('go in a folder of their own in the cache, emptied of a killed build’s runs', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-runs-cache-'));
    // Above the largest process id Linux gives: no process has it.
    mkdirSync(join(cacheDir, `search-runs-${2 ** 22 + 1}`));
    const earlier = makeRunsFolder(cacheDir);
    writeFileSync(join(earlier, '0.run'), 'left by a build of this process');
    const folder = makeRunsFolder(cacheDir);
    expect(readdirSync(folder)).toEqual([]);
    expect(readdirSync(cacheDir)).toEqual([folder.slice(cacheDir.length + 1)]);
  });

  it('leave the runs of another process’s build that is still running', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-runs-cache-'));
    const running = join(cacheDir, `search-runs-${process.ppid}`);
    mkdirSync(running);
    writeFileSync(join(running, '0.run'), 'being merged');
    makeRunsFolder(cacheDir);
    expect(readdirSync(running)).toEqual(['0.run']);
  });
});
