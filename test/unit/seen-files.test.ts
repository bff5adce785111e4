import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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

    // The next build copies unchanged files' lines as bytes: the same record, under its own id.
    const lines = () => readFileSync(join(dir, 'files-seen.ndjson'), 'utf8').split('\n');
    const before = lines();
    const next = new SeenFilesWriter(dir, settings);
    for (const path of paths) next.addLine(seen.line(seen.get(path)!));
    next.finish();
    expect(lines().slice(1)).toEqual(before.slice(1));
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

  it('keeps the complete lines of a record cut short, and none of the cut one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cna-reader-seen-'));
    const writer = new SeenFilesWriter(dir, settings);
    writer.add('a.html', [1, 2, 'ka'], head('甲'));
    writer.add('b.html', [3, 4, 'kb'], head('乙'));
    writer.finish();
    const path = join(dir, 'files-seen.ndjson');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    appendFileSync(path, '["c.html",5,6,"kc"]\t{"summary":{"ti');
    const seen = loadSeenFiles(dir, settings)!;
    expect(seen.get('a.html')?.seen).toEqual([1, 2, 'ka']);
    expect(seen.get('b.html')?.seen).toBeUndefined();
    expect(seen.get('c.html')?.seen).toBeUndefined();
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
