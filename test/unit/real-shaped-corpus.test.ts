import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePost, type ParsedPost } from '../../src/indexer/parse/parse-post.ts';
import { slugFromFileName } from '../../src/indexer/parse/ids.ts';
import { COPY_SPACING_DAYS, multiplyCorpus } from '../../src/tools/real-shaped-corpus.ts';
import { FIXTURES } from './helpers.ts';

/** Fixtures laid out as the two families' mirrors hold them, under names with spaces and quotes as real ones have. */
const SOURCES: Record<string, string> = {
  'archived/2023-03-01/2023-03-01-示範新聞：港口擴建案 通過環評.md': 'seed-picture-with-caption.md',
  'archived/2020-12-05/2020-12-05-他說"明天" & 再見.md': 'seed-escaped-title.md',
  '_posts/2020-11-03-An English column.md': 'seed-no-epoch-offset-date.md',
  '_posts/2020-05-16-只有日期的文章.md': 'seed-date-only.md',
  '_posts/2025-11-02-RTHK-天文台 本港天氣轉涼.md': 'agora-rthk-crlf.md',
  "_posts/2025-11-04-BBC-'單引號標題'.html": 'agora-single-quoted-title.html',
  '_posts/2021-01-05-CNA-block-title.html': 'agora-block-scalar-title.html',
  '_posts/2025-11-05-DW-some story.html': 'agora-link-with-spaces.html',
};
const SOURCE_COUNT = Object.keys(SOURCES).length;
/** Three full rounds and part of a fourth. */
const POSTS = 3 * SOURCE_COUNT + 3;
const DAY_MS = 86_400_000;

let root: string;
let from: string;
let out: string;

function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

function parse(path: string, bytes: Uint8Array): ParsedPost {
  const outcome = parsePost(path, bytes, { timeZone: 'Asia/Taipei' });
  if ('problem' in outcome) throw new Error(`${path}: ${outcome.problem.reason}: ${outcome.problem.detail}`);
  return outcome.post;
}

/**
 * What follows a post's front matter and, in the seed family, its preamble (epoch comment, then the
 * heading repeating title and link): written here line by line, apart from the code under test.
 */
function bodyOf(bytes: Buffer): Buffer {
  const text = bytes.toString('latin1');
  const lines = text.split('\n');
  let line = 1;
  while (!/^---\r?$/.test(lines[line]!)) line++;
  line++;
  if (/^<!--\d+-->\r?$/.test(lines[line] ?? '')) line++;
  if (/^\[.*\]\(.*\)\r?$/.test(lines[line] ?? '') && /^-{3,}\r?$/.test(lines[line + 1] ?? '')) line += 2;
  return bytes.subarray(
    Buffer.byteLength(
      lines
        .slice(0, line)
        .map((l) => `${l}\n`)
        .join(''),
      'latin1',
    ),
  );
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'real-shaped-'));
  from = join(root, 'from');
  out = join(root, 'out');
  for (const [path, fixture] of Object.entries(SOURCES)) {
    mkdirSync(join(from, path, '..'), { recursive: true });
    copyFileSync(join(FIXTURES, fixture), join(from, path));
  }
  await multiplyCorpus({ from, posts: POSTS, out });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('multiplyCorpus', () => {
  it('writes exactly the number of posts asked for', () => {
    expect(filesUnder(out)).toHaveLength(POSTS);
  });

  it('gives every copy its own id, original URL and title', () => {
    const files = filesUnder(out);
    const posts = files.map((path) => parse(path, readFileSync(join(out, path))));
    expect(new Set(files.map((path) => slugFromFileName(path.slice(path.lastIndexOf('/') + 1)))).size).toBe(POSTS);
    // The block-scalar fixture, as agora0/2101, has no link at all.
    const urls = posts.flatMap((post) => (post.originalUrl ? [post.originalUrl] : []));
    expect(urls.length).toBeGreaterThan(POSTS - 5);
    expect(new Set(urls).size).toBe(urls.length);
    expect(new Set(posts.map((post) => post.title)).size).toBe(POSTS);
  });

  it('copies every body byte for byte', () => {
    const bodies = new Set(Object.values(SOURCES).map((fixture) => bodyOf(readFileSync(join(FIXTURES, fixture))).toString('base64')));
    for (const path of filesUnder(out)) expect(bodies.has(bodyOf(readFileSync(join(out, path))).toString('base64'))).toBe(true);
  });

  it('keeps both families parseable, each copy a whole number of spacings earlier with a numbered title', () => {
    for (const [path, fixture] of Object.entries(SOURCES)) {
      const source = parse(path, readFileSync(join(FIXTURES, fixture)));
      const name = path.slice(path.lastIndexOf('/') + 1).slice(10);
      const copies = filesUnder(out).filter((copy) => copy.endsWith(name));
      expect(copies.length).toBeGreaterThanOrEqual(3);
      for (const copyPath of copies) {
        const copy = parse(copyPath, readFileSync(join(out, copyPath)));
        const number = Number(/（(\d+)）$/.exec(copy.title)?.[1]);
        expect(copy.title).toBe(`${source.title}（${number}）`);
        expect(copy.date.getTime()).toBe(source.date.getTime() - number * COPY_SPACING_DAYS * DAY_MS);
        expect(copy.html).toBe(source.html);
      }
    }
  });

  it('keeps the spaces and quotes of real file names, under folders of the moved dates', () => {
    const files = filesUnder(out);
    expect(files).toContain(
      `archived/${new Date(Date.UTC(2020, 11, 5) - COPY_SPACING_DAYS * DAY_MS).toISOString().slice(0, 10)}/2020-11-04-他說"明天" & 再見.md`,
    );
    expect(files).toContain("_posts/2025-10-04-BBC-'單引號標題'.html");
  });

  it('writes the same files for the same sources and count', async () => {
    const again = join(root, 'again');
    await multiplyCorpus({ from, posts: POSTS, out: again });
    const digest = (dir: string) =>
      createHash('sha1')
        .update(
          filesUnder(dir)
            .map((path) => `${path}\0${readFileSync(join(dir, path)).toString('base64')}`)
            .join('\n'),
        )
        .digest('hex');
    expect(digest(again)).toBe(digest(out));
  });
});
