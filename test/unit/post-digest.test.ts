import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePost } from '../../src/indexer/parse/parse-post.ts';
import { digestOutcome, newPostScratch, parseDigestHead, parseDigestSearch, serializeDigest, type PostDigest } from '../../src/indexer/parse/post-digest.ts';
import { searchTokenList } from '../../src/indexer/parse/count-tokens.ts';

const FIXTURES = 'test/fixtures/posts';

function digestOf(name: string): PostDigest {
  const outcome = parsePost(name, readFileSync(resolve(FIXTURES, name)), { timeZone: 'Asia/Taipei' });
  return digestOutcome(outcome, newPostScratch());
}

describe('serializeDigest and its readers', () => {
  it('gives back a post’s search tokens and weights as they were', () => {
    const digest = digestOf('agora-cna-topic-links.html');
    if (!('search' in digest)) throw new Error('the fixture should parse');
    const [head, search] = serializeDigest(digest);
    const tokens = parseDigestSearch(search);
    expect(tokens?.joined).toBe(digest.search.joined);
    expect([...(tokens?.weights ?? [])]).toEqual([...digest.search.weights]);
    expect(searchTokenList(tokens!).length).toBe(digest.search.weights.length);
    expect(searchTokenList(tokens!).length).toBeGreaterThan(10);
    expect(parseDigestHead(head)).toEqual({ summary: digest.summary, warnings: digest.warnings });
  });

  it('tells a post with no tokens from a problem, which has none to give', () => {
    const digest = digestOf('agora-cna-topic-links.html');
    if (!('search' in digest)) throw new Error('the fixture should parse');
    const empty = { ...digest, search: { joined: '', weights: new Uint8Array(0) } };
    const [, search] = serializeDigest(empty);
    expect(parseDigestSearch(search)).toEqual({ joined: '', weights: new Uint8Array(0) });
    expect(searchTokenList(parseDigestSearch(search)!)).toEqual([]);

    const problem: PostDigest = { problem: { path: 'x.md', reason: 'unreadable', severity: 'error', detail: 'test' } };
    const [problemHead, problemSearch, story] = serializeDigest(problem);
    expect(parseDigestSearch(problemSearch)).toBeUndefined();
    expect(story).toBe('');
    expect(parseDigestHead(problemHead)).toEqual(problem);
  });
});
