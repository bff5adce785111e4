/**
 * The text measures the build computes in one pass over code points (reading time, text print) give
 * what their plain definitions give (test/unit/parse-speed/plain-measures.ts) on the text of every real
 * post in CORPUS_DIR. Skipped, with a message, where the corpus is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePost } from '../../src/indexer/parse/parse-post.ts';
import { textPrint } from '../../src/indexer/parse/text-print.ts';
import { listPostFiles } from '../../src/indexer/read-posts.ts';
import { readingMinutes } from '../../src/shared/reading-time.ts';
import { readingMinutesPlainly, textPrintPlainly } from '../unit/parse-speed/plain-measures.ts';

const CORPUS_DIR = process.env['CORPUS_DIR'] ? resolve(process.env['CORPUS_DIR']) : undefined;
const available = CORPUS_DIR !== undefined && existsSync(join(CORPUS_DIR, '_manifest'));
if (!available) console.warn(`[text measures corpus test] SKIPPED: set CORPUS_DIR to the real corpus (../shared/corpus); got ${CORPUS_DIR ?? 'nothing'}`);

describe.skipIf(!available)('text measures over the real corpus', () => {
  let texts: { path: string; text: string }[];
  beforeAll(async () => {
    texts = [];
    for (const file of await listPostFiles(CORPUS_DIR!)) {
      const outcome = parsePost(file.path, readFileSync(file.absolutePath), { timeZone: 'Asia/Taipei' });
      if ('post' in outcome) texts.push({ path: file.path, text: outcome.post.text });
    }
  }, 300_000);

  it('gives every real post the reading time its expressions give', () => {
    const differing = texts.filter(({ text }) => readingMinutes(text) !== readingMinutesPlainly(text)).map(({ path }) => path);
    expect(texts.length).toBeGreaterThan(5000);
    expect(differing).toEqual([]);
  });

  it('gives every real post the text print its split and replace give', () => {
    const differing = texts.filter(({ text }) => textPrint(text) !== textPrintPlainly(text)).map(({ path }) => path);
    expect(texts.length).toBeGreaterThan(5000);
    expect(differing).toEqual([]);
  });
});
