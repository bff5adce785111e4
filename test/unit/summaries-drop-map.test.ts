/**
 * A large build lets go of the store's map once every head is read (ingest.ts): at 200k posts the heads'
 * pages (~1 GB) stayed mapped through the planning, whose own memory peaks (docs/build-speed.md, stop 46).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { memoryStore, type PostStore } from '../../src/indexer/incremental/post-store.ts';
import { INLINE_AT_MOST } from '../../src/indexer/workers/inline-at-most.ts';

function postsFolder(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cna-reader-drop-'));
  mkdirSync(join(dir, '_posts'));
  for (let n = 0; n < count; n++) {
    const day = String((n % 28) + 1).padStart(2, '0');
    writeFileSync(
      join(dir, '_posts', `2021-02-${day}-p${n}.md`),
      `---\ntitle: "第${n}則"\ndate: 2021-02-${day}T01:00:00.000Z\nfrom: https://example.org/${n}\ntags: [ 測試 ]\n---\n\n<p>第${n}則的內文。</p>\n`,
    );
  }
  return dir;
}

/** A memory store that logs its heads' reads and its drops, in their order. */
function loggedStore(log: string[]): PostStore {
  const store = memoryStore();
  const getHead = store.getHead.bind(store);
  return {
    ...store,
    getHead: (key) => {
      log.push('head');
      return getHead(key);
    },
    dropMap: async () => void log.push('drop'),
  };
}

describe('the summaries of a build', () => {
  it("of a large archive let go of the store's map once every head is read", async () => {
    const log: string[] = [];
    const built = await ingestPosts({ postsDir: postsFolder(INLINE_AT_MOST + 20), store: loggedStore(log) });
    expect(built.rows).toHaveLength(INLINE_AT_MOST + 20);
    expect(log.filter((step) => step === 'drop')).toHaveLength(1);
    // After each post's head is read once, before the metadata shards read them again.
    expect(log.indexOf('drop')).toBe(INLINE_AT_MOST + 20);
    expect(log.lastIndexOf('head')).toBeGreaterThan(log.indexOf('drop'));
  });

  it("of a small archive keep the store's map", async () => {
    const log: string[] = [];
    await ingestPosts({ postsDir: postsFolder(20), store: loggedStore(log) });
    expect(log).toContain('head');
    expect(log).not.toContain('drop');
  });
});
