import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeenFiles, SeenFilesWriter } from '../../src/ingest/seen-files.ts';

const settings = JSON.stringify({ timeZone: 'Asia/Taipei', code: 'v1' });
const head = (title: string) => JSON.stringify({ summary: { title, date: '2026-11-01T00:00:00.000Z' }, warnings: [] });

describe('the record of files seen by the last build', () => {
  it('gives back each path with its size, time, key and head, whatever characters the path holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const paths = ['_posts/2026-11-01-a.html', 'archived/tab\there.md', 'new\nline "quoted".html', '中文 檔名.md'];
    const writer = new SeenFilesWriter(dir, settings);
    paths.forEach((path, n) => writer.add(path, [1000 + n, 1795000000000.5 + n, `key${n}`], head(`標題${n}\t`)));
    writer.finish();

    const seen = loadSeenFiles(dir, settings)!;
    paths.forEach((path, n) => {
      expect(seen.get(path)?.seen).toEqual([1000 + n, 1795000000000.5 + n, `key${n}`]);
      expect(JSON.parse(seen.head(seen.get(path)!)).summary.title).toBe(`標題${n}\t`);
    });
    expect(seen.get('_posts/missing.html')).toBeUndefined();
    expect([...seen.keys()]).toEqual(['key0', 'key1', 'key2', 'key3']);

    // A build writing the whole record copies unchanged files' lines as bytes: the same lines (the
    // header and the commit line, which names the record, aside).
    const lines = () => readFileSync(join(dir, 'files-seen.ndjson'), 'utf8').split('\n').slice(1, -2);
    const before = lines();
    const next = new SeenFilesWriter(dir, settings);
    for (const path of paths) next.addLine(seen.line(seen.get(path)!));
    next.finish();
    expect(lines()).toEqual(before);
    expect(seen.id).toBe(writer.id);
    expect(loadSeenFiles(dir, settings)!.id).toBe(next.id);
    expect(next.id).not.toBe(writer.id);
  });

  it('is not used under other settings (another parser version makes other keys)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const writer = new SeenFilesWriter(dir, settings);
    writer.add('a.html', [1, 2, 'k'], head('甲'));
    writer.finish();
    expect(loadSeenFiles(dir, settings.replace('v1', 'v2'))).toBeUndefined();
  });

  it("takes a rebuild's lines appended to the last record, the later line of a file over the earlier", () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    for (const name of ['a', 'b', 'c', 'd', 'e']) first.add(`${name}.html`, [1, 2, `k${name}`], head(name));
    first.finish();
    const size = statSync(join(dir, 'files-seen.ndjson')).size;

    const second = new SeenFilesWriter(dir, settings, loadSeenFiles(dir, settings));
    expect(second.appending).toBe(true);
    second.add('b.html', [3, 4, 'kb2'], head('乙'));
    second.add('f.html', [5, 6, 'kf'], head('丙'));
    second.forget('c.html');
    second.finish();
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.id).toBe(second.id);
    expect([...seen.keys()].sort()).toEqual(['ka', 'kb2', 'kd', 'ke', 'kf']);
    expect(JSON.parse(seen.head(seen.get('b.html')!)).summary.title).toBe('乙');
    expect(statSync(join(dir, 'files-seen.ndjson')).size).toBeLessThan(size * 2);
    // Two lines said again for five files: past a quarter, the next build writes the record whole.
    expect(seen.appendable).toBe(false);
  });

  it('ignores the lines of a build that died while appending, and the next build cuts them off', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', [1, 2, 'ka'], head('甲'));
    first.add('b.html', [3, 4, 'kb'], head('乙'));
    first.finish();
    const path = join(dir, 'files-seen.ndjson');
    appendFileSync(path, '["c.html",5,6,"kc"]\t{"summary":{"title":"丙"}}\n["d.html",7,8,"kd"]\t{"summ');
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.id).toBe(first.id);
    expect([...seen.keys()]).toEqual(['ka', 'kb']);

    const next = new SeenFilesWriter(dir, settings, seen);
    next.add('e.html', [9, 10, 'ke'], head('戊'));
    next.finish();
    expect([...loadSeenFiles(dir, settings)!.keys()]).toEqual(['ka', 'kb', 'ke']);
    expect(readFileSync(path, 'utf8')).not.toContain('c.html');
  });

  it('leaves the last record as it was when an appending build gives up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', [1, 2, 'ka'], head('甲'));
    first.finish();
    const before = readFileSync(join(dir, 'files-seen.ndjson'));
    const second = new SeenFilesWriter(dir, settings, loadSeenFiles(dir, settings));
    second.add('b.html', [3, 4, 'kb'], head('乙'));
    second.abandon();
    expect(readFileSync(join(dir, 'files-seen.ndjson'))).toEqual(before);
  });

  it('leaves the last record in place when a build gives up', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const first = new SeenFilesWriter(dir, settings);
    first.add('a.html', [1, 2, 'ka'], head('甲'));
    first.finish();
    const second = new SeenFilesWriter(dir, settings);
    second.add('b.html', [3, 4, 'kb'], head('乙'));
    second.abandon();
    expect(loadSeenFiles(dir, settings)!.get('a.html')?.seen).toEqual([1, 2, 'ka']);
  });

  it('is absent before the first build, and unusable when damaged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
    writeFileSync(join(dir, 'files-seen.ndjson'), 'not json\n');
    expect(loadSeenFiles(dir, settings)).toBeUndefined();
  });
});
