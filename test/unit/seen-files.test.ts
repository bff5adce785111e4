import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildMemory } from '../../src/indexer/incremental/build-memory.ts';
import { loadSeenFiles, SeenFilesWriter } from '../../src/indexer/incremental/seen-files.ts';

const settings = JSON.stringify({ timeZone: 'Asia/Taipei', code: 'v1' });
const head = (title: string) => JSON.stringify({ summary: { title, date: '2026-11-01T00:00:00.000Z' }, warnings: [] });

describe('the record of files seen by the last build', () => {
  it('gives back each path with its size, time, key and head, whatever characters the path holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const paths = ['_posts/2026-11-01-a.html', 'archived/tab\there.md', 'new\nline "quoted".html', '"quoted" first.md', '中文 檔名.md'];
    const writer = new SeenFilesWriter(dir, settings);
    paths.forEach((path, n) => writer.add(path, { size: 1000 + n, mtimeMs: 1795000000000.5 + n, key: `key${n}` }, head(`標題${n}\t`)));
    writer.finish();

    const seen = loadSeenFiles(dir, settings)!;
    paths.forEach((path, n) => {
      expect(seen.get(path)?.seen).toEqual({ size: 1000 + n, mtimeMs: 1795000000000.5 + n, key: `key${n}` });
      expect(JSON.parse(seen.head(seen.get(path)!)).summary.title).toBe(`標題${n}\t`);
    });
    expect(seen.get('_posts/missing.html')).toBeUndefined();
    expect([...seen.keys()]).toEqual(['key0', 'key1', 'key2', 'key3', 'key4']);
    // The record's lines are small; the heads are in a file of their own.
    expect(readFileSync(join(dir, 'files-seen.tsv'), 'utf8')).not.toContain('標題');
    // In ASCII, paths too (read as Latin-1, see encodePath).
    expect([...readFileSync(join(dir, 'files-seen.tsv'))].every((byte) => byte < 0x80)).toBe(true);
    seen.close();

    // A build writing the whole record copies unchanged files' heads as bytes, to a heads file of its
    // own: the last one goes once the new record is in place.
    const headsFiles = () => readdirSync(dir).filter((name) => name.startsWith('file-heads-'));
    const [firstHeads] = headsFiles();
    const heads = paths.map((path) => seen.head(seen.get(path)!));
    const next = new SeenFilesWriter(dir, settings);
    for (const path of paths) next.add(path, seen.get(path)!.seen, seen.headBytes(seen.get(path)!));
    next.finish();
    seen.close();
    const again = loadSeenFiles(dir, settings)!;
    paths.forEach((path, n) => {
      expect(again.get(path)!.seen).toEqual(seen.get(path)!.seen);
      expect(again.head(again.get(path)!)).toBe(heads[n]);
    });
    again.close();
    expect(headsFiles()).toHaveLength(1);
    expect(headsFiles()).not.toContain(firstHeads);
    expect(seen.id).toBe(writer.id);
    expect(again.id).toBe(next.id);
    expect(next.id).not.toBe(writer.id);
  });

  it('reads every head in one go for a build that plans every post', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const writer = new SeenFilesWriter(dir, settings);
    for (const name of ['a', 'b', 'c']) writer.add(`${name}.html`, { size: 1, mtimeMs: 2, key: `k${name}` }, head(name));
    writer.finish();
    const seen = loadSeenFiles(dir, settings)!;
    seen.loadAllHeads();
    // Read whole: the file is no longer needed.
    for (const name of readdirSync(dir).filter((file) => file.startsWith('file-heads-'))) rmSync(join(dir, name));
    expect(['a', 'b', 'c'].map((name) => JSON.parse(seen.head(seen.get(`${name}.html`)!)).summary.title)).toEqual(['a', 'b', 'c']);
    seen.close();
  });

  it('is not used without its heads file, nor with a line it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const writer = new SeenFilesWriter(dir, settings);
    writer.add('a.html', { size: 1, mtimeMs: 2, key: 'ka' }, head('甲'));
    writer.finish();
    const record = join(dir, 'files-seen.tsv');
    const text = readFileSync(record, 'utf8');
    writeFileSync(record, text.replace(/^1\t2\t/m, 'one\t2\t'));
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
    writeFileSync(record, text);
    expect(loadSeenFiles(dir, settings)?.get('a.html')?.seen).toEqual({ size: 1, mtimeMs: 2, key: 'ka' });
    for (const name of readdirSync(dir).filter((file) => file.startsWith('file-heads-'))) rmSync(join(dir, name));
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
  });

  it("removes the first design's record (heads within its lines) once a record is written", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    writeFileSync(join(dir, 'files-seen.ndjson'), '{"settings":"x"}\n');
    const writer = new SeenFilesWriter(dir, settings);
    writer.add('a.html', { size: 1, mtimeMs: 2, key: 'ka' }, head('甲'));
    writer.finish();
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/^file-heads-.+\.ndjson$/), 'files-seen.tsv']);
  });

  it('is not used under other settings (another parser version makes other keys)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const writer = new SeenFilesWriter(dir, settings);
    writer.add('a.html', { size: 1, mtimeMs: 2, key: 'k' }, head('甲'));
    writer.finish();
    expect(loadSeenFiles(dir, settings.replace('v1', 'v2'))).toBeUndefined();
  });

  it("takes a rebuild's lines appended to the last record, the later line of a file over the earlier", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    for (const name of ['a', 'b', 'c', 'd', 'e']) first.add(`${name}.html`, { size: 1, mtimeMs: 2, key: `k${name}` }, head(name));
    first.finish();
    const size = statSync(join(dir, 'files-seen.tsv')).size;

    const second = new SeenFilesWriter(dir, settings, loadSeenFiles(dir, settings));
    expect(second.appending).toBe(true);
    second.add('b.html', { size: 3, mtimeMs: 4, key: 'kb2' }, head('乙'));
    second.add('f.html', { size: 5, mtimeMs: 6, key: 'kf' }, head('丙'));
    second.forget('c.html');
    second.finish();
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.id).toBe(second.id);
    expect([...seen.keys()].sort()).toEqual(['ka', 'kb2', 'kd', 'ke', 'kf']);
    expect(JSON.parse(seen.head(seen.get('b.html')!)).summary.title).toBe('乙');
    expect(statSync(join(dir, 'files-seen.tsv')).size).toBeLessThan(size * 2);
    // Two lines said again for five files: past a quarter, the next build writes the record whole.
    expect(seen.appendable).toBe(false);
  });

  it('ignores the lines of a build that died while appending, and the next build cuts them off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', { size: 1, mtimeMs: 2, key: 'ka' }, head('甲'));
    first.add('b.html', { size: 3, mtimeMs: 4, key: 'kb' }, head('乙'));
    first.finish();
    const path = join(dir, 'files-seen.tsv');
    appendFileSync(path, '5\t6\tkc\t0\t3\tc.html\n7\t8\tkd\t0\t3\td.ht');
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.id).toBe(first.id);
    expect([...seen.keys()]).toEqual(['ka', 'kb']);

    const next = new SeenFilesWriter(dir, settings, seen);
    next.add('e.html', { size: 9, mtimeMs: 10, key: 'ke' }, head('戊'));
    next.finish();
    expect([...loadSeenFiles(dir, settings)!.keys()]).toEqual(['ka', 'kb', 'ke']);
    expect(readFileSync(path, 'utf8')).not.toContain('c.html');
  });

  it('leaves the last record as it was when an appending build gives up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', { size: 1, mtimeMs: 2, key: 'ka' }, head('甲'));
    first.finish();
    const files = () =>
      readdirSync(dir)
        .sort()
        .map((name) => [name, readFileSync(join(dir, name))]);
    const before = files();
    const second = new SeenFilesWriter(dir, settings, loadSeenFiles(dir, settings));
    second.add('b.html', { size: 3, mtimeMs: 4, key: 'kb' }, head('乙'));
    second.abandon();
    expect(files()).toEqual(before);
  });

  it('leaves the last record in place when a build gives up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', { size: 1, mtimeMs: 2, key: 'ka' }, head('甲'));
    first.finish();
    const second = new SeenFilesWriter(dir, settings);
    second.add('b.html', { size: 3, mtimeMs: 4, key: 'kb' }, head('乙'));
    second.abandon();
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.get('a.html')?.seen).toEqual({ size: 1, mtimeMs: 2, key: 'ka' });
    expect(JSON.parse(seen.head(seen.get('a.html')!)).summary.title).toBe('甲');
    expect(readdirSync(dir).filter((name) => name.startsWith('file-heads-'))).toHaveLength(1);
    seen.close();
  });

  it('is absent before the first build, and unusable when damaged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
    writeFileSync(join(dir, 'files-seen.tsv'), 'not json\n');
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
  });

  it('gives the next build of the same process the record with its appended lines, as reading it would', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const memory: BuildMemory = {};
    const first = new SeenFilesWriter(dir, settings, undefined, memory);
    for (const name of ['a', 'b', 'c', 'd']) first.add(`${name}.html`, { size: 1, mtimeMs: 2, key: `k${name}` }, head(name));
    first.finish();
    const last = loadSeenFiles(dir, settings, memory)!;
    const next = new SeenFilesWriter(dir, settings, last, memory);
    next.add('b.html', { size: 3, mtimeMs: 4, key: 'kb2' }, head('b2'));
    next.forget('c.html');
    next.add('e.html', { size: 5, mtimeMs: 6, key: 'ke' }, head('e'));
    next.finish();
    last.close();

    const describe = (seen: NonNullable<ReturnType<typeof loadSeenFiles>>) => ({
      id: seen.id,
      size: seen.size,
      appendable: seen.appendable,
      entries: ['a', 'b', 'c', 'd', 'e'].map((name) => {
        const entry = seen.get(`${name}.html`);
        return entry && { seen: entry.seen, head: seen.head(entry) };
      }),
    });
    // Taken from this process's last record while the file is the one written: the last record's
    // entries are taken over (not parsed again), and the last record has the new lines too…
    const remembered = loadSeenFiles(dir, settings, memory)!;
    expect(last.get('e.html')?.seen).toEqual({ size: 5, mtimeMs: 6, key: 'ke' });
    const fromMemory = describe(remembered);
    remembered.close();
    expect(fromMemory.entries[2]).toBeUndefined();
    expect(fromMemory.entries[1]?.seen).toEqual({ size: 3, mtimeMs: 4, key: 'kb2' });
    // …as it is read from the file (once its time changed).
    const file = join(dir, 'files-seen.tsv');
    const { atime, mtime } = statSync(file);
    utimesSync(file, atime, new Date(mtime.getTime() + 1000));
    const read = loadSeenFiles(dir, settings)!;
    expect(describe(read)).toEqual(fromMemory);
    read.close();
  });
});
