import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePost, type ParsedPost } from '../../src/indexer/parse/parse-post.ts';
import type { Problem } from '../../src/shared/types.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/posts/', import.meta.url));

export function fixtureBytes(name: string): Uint8Array {
  return readFileSync(FIXTURES + name);
}

export function parseFixture(name: string): { post: ParsedPost; warnings: Problem[] } {
  const outcome = parsePost(name, fixtureBytes(name), { timeZone: 'Asia/Taipei' });
  if ('problem' in outcome) throw new Error(`${name} was not parsed: ${outcome.problem.reason}: ${outcome.problem.detail}`);
  return outcome;
}

export function problemOf(name: string): Problem {
  const outcome = parsePost(name, fixtureBytes(name), { timeZone: 'Asia/Taipei' });
  if (!('problem' in outcome)) throw new Error(`${name} was parsed, a problem was expected`);
  return outcome.problem;
}

export function parseText(name: string, text: string) {
  return parsePost(name, new TextEncoder().encode(text), { timeZone: 'Asia/Taipei' });
}

/**
 * A small agora-family CNA post, dated 2026-11-<day>, for tests that write their own folders. Its link
 * ends in `link` (the day by default): posts sharing a link are copies to the build (mergeDuplicates), each reported.
 */
export function agoraPost(title: string, day: string, link: string | number = day): string {
  return `---\nlayout: post\ntitle: ${title}\ndate: 2026-11-${day} 03:00:00.000000000 +00:00\nlink: https://www.cna.com.tw/news/a/${link}.aspx\ncategories: cna\n---\n\n<p>${title}的內文。</p>\n`;
}

/**
 * `count` small posts in `dir`, each of its own link (so no two are one story), dated over November 2026.
 * Returns their names, without `.html`.
 */
export function writeNumberedPosts(dir: string, count: number): string[] {
  const names = Array.from({ length: count }, (_, n) => `2026-11-${String(1 + (n % 28)).padStart(2, '0')}-w${n}`);
  names.forEach((name, n) => writeFileSync(join(dir, `${name}.html`), agoraPost(`第${n}篇`, name.slice(8, 10), `w${n}`)));
  return names;
}
