import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePost, type ParsedPost } from '../../src/ingest/parse-post.ts';
import type { Problem } from '../../src/index-format/types.ts';

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
