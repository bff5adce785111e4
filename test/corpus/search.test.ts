/**
 * Search over the real corpus (CORPUS_DIR; skipped with a message without it): names searched in either
 * script find the posts that hold them in either script, checked two ways — against the text the build
 * extracted (every post holding the name is found, every post found holds it) and against the raw files
 * (every indexed file whose front-matter title names it is found).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runSearch } from '../../src/features/search/run-search.ts';
import { foldText } from '../../src/shared/search-text.ts';
import type { PostFile } from '../../src/shared/types.ts';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { serveSearchIndex } from '../unit/search/serve-index.ts';

const CORPUS_DIR = process.env['CORPUS_DIR'] ? resolve(process.env['CORPUS_DIR']) : undefined;
const available = CORPUS_DIR !== undefined && existsSync(join(CORPUS_DIR, '_manifest'));
if (!available) console.warn(`[corpus search test] SKIPPED: set CORPUS_DIR to the real corpus (../shared/corpus); got ${CORPUS_DIR ?? 'nothing'}`);

interface IndexedPost {
  row: number;
  /** Source file, relative to the corpus. */
  path: string;
  /** Title and text as indexed, folded. */
  folded: string;
  /** The raw front-matter title line of the source file. */
  rawTitle: string;
}

async function indexCorpus(dir: string): Promise<IndexedPost[]> {
  const built = await ingestPosts({ postsDir: dir });
  const pathById = new Map([...built.indexed].map(([path, id]) => [id, path]));
  const posts: IndexedPost[] = [];
  const texts: { row: number; title: string; text: string }[] = [];
  for await (const post of built.posts()) {
    const path = pathById.get((JSON.parse(post.body) as PostFile).id)!;
    const source = readFileSync(join(dir, path), 'utf8');
    posts.push({ row: post.row, path, folded: foldText(`${post.title}\n${post.text}`), rawTitle: /^title:(.*)$/m.exec(source)?.[1] ?? '' });
    texts.push({ row: post.row, title: post.title, text: post.text });
  }
  await serveSearchIndex((async function* () {
    yield* texts;
  })());
  // Searches answer in list positions (rows counted from the newest): number the posts the same way.
  for (const post of posts) post.row = posts.length - 1 - post.row;
  return posts.reverse();
}

/** Name groups: each spelling, typed as a query, must find the posts holding any of them. */
const NAMES: { spellings: string[]; script: { traditional: string; simplified: string } }[] = [
  { spellings: ['習近平', '习近平'], script: { traditional: '習近平', simplified: '习近平' } },
  { spellings: ['澤倫斯基', '泽连斯基'], script: { traditional: '澤倫斯基', simplified: '泽连斯基' } },
  { spellings: ['蒲亭', '普丁', '普京'], script: { traditional: '蒲亭', simplified: '普京' } },
  { spellings: ['烏克蘭', '乌克兰'], script: { traditional: '烏克蘭', simplified: '乌克兰' } },
  { spellings: ['川普', '特朗普'], script: { traditional: '川普', simplified: '特朗普' } },
  { spellings: ['賴清德', '赖清德'], script: { traditional: '賴清德', simplified: '赖清德' } },
];

describe.skipIf(!available)('search over the real corpus', () => {
  let posts: IndexedPost[];
  beforeAll(async () => {
    posts = await indexCorpus(CORPUS_DIR!);
  }, 300_000);
  afterAll(() => vi.unstubAllGlobals());

  for (const { spellings, script } of NAMES) {
    it(`finds ${spellings.join(' / ')} typed in either script`, async () => {
      const folded = spellings.map(foldText);
      const holding = posts.filter((post) => folded.some((name) => post.folded.includes(name))).map((post) => post.row);
      const byTitle = posts.filter((post) => spellings.some((name) => post.rawTitle.includes(name))).map((post) => post.path);
      // The corpus has the name in titles written in both scripts (or the test would prove little).
      expect(posts.some((post) => post.rawTitle.includes(script.traditional))).toBe(true);
      expect(posts.some((post) => post.rawTitle.includes(script.simplified))).toBe(true);
      for (const query of [script.traditional, script.simplified]) {
        const result = await runSearch(query);
        expect(result.rowsByDate).toEqual(holding);
        const foundPaths = new Set(result.rowsByDate.map((row) => posts[row]!.path));
        expect(byTitle.filter((path) => !foundPaths.has(path))).toEqual([]);
        // Title matches rank first.
        const firstIsTitle = folded.some((name) => foldText(posts[result.rows[0]!]!.rawTitle).includes(name));
        expect(firstIsTitle).toBe(true);
      }
    });
  }

  it('matches a quoted phrase only where its words are adjacent', async () => {
    const adjacent = posts.filter((post) => /hong\s+kong/.test(post.folded)).map((post) => post.row);
    const phrase = await runSearch('"Hong Kong"');
    expect(phrase.rowsByDate).toEqual(adjacent);
    expect((await runSearch('kong hong')).rowsByDate).toEqual((await runSearch('hong kong')).rowsByDate);
    expect((await runSearch('"kong hong"')).rowsByDate).toEqual(posts.filter((post) => /kong\s+hong/.test(post.folded)).map((post) => post.row));
  });

  it('narrows a Chinese phrase of two words to where its character pairs all occur', async () => {
    // Known limit of character-pair indexing without positions: "烏克蘭總統" is found where 烏克蘭 and
    // 總統 are adjacent, and also where all four pairs occur apart (波蘭總統 … 烏克蘭 holds 蘭總).
    const adjacent = posts.filter((post) => post.folded.includes(foldText('烏克蘭總統'))).map((post) => post.row);
    const phrase = (await runSearch('"烏克蘭 總統"')).rowsByDate;
    const words = (await runSearch('烏克蘭 總統')).rowsByDate;
    expect(adjacent.length).toBeGreaterThan(50);
    expect(adjacent.every((row) => phrase.includes(row))).toBe(true);
    expect(words.length).toBeGreaterThan(phrase.length);
    const apart = phrase.filter((row) => !adjacent.includes(row));
    for (const row of apart) expect(posts[row]!.folded).toContain(foldText('蘭總'));
    console.info(`[corpus search] "烏克蘭 總統": ${adjacent.length} posts with the phrase, ${phrase.length} found as a phrase, ${words.length} with both words`);
  });
});
