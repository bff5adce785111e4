/**
 * A cold extras pass lets go of its story table and its leads once the pairs are found
 * (write-story-extras.ts), and collects: a large build's memory peaked where the extras' files are made,
 * beside the search head's thread (docs/build-speed.md, stop 45).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeStoryExtras } from '../../../src/indexer/output/write-story-extras.ts';
import { INLINE_AT_MOST } from '../../../src/indexer/workers/inline-at-most.ts';
import { buildSiteWithPrints, type TestPost } from './site-builder.ts';

const held = vi.hoisted(() => ({
  /** Every typed-array column of the story table, as filled. */
  tables: [] as WeakRef<object>[],
  leads: [] as WeakRef<object>[],
  /** Whether each table and leads were still there when the extras' files were made, after a collection. */
  atFiles: [] as boolean[],
  /** The pass's forced collections, the pairs' search and the files' making, in their order. */
  steps: [] as string[],
  /** The real collection, for the test's own (not a step of the pass). */
  collectNow: undefined as undefined | (() => void),
}));

vi.mock('../../../src/indexer/collect-garbage.ts', async (original) => {
  const actual = await original<typeof import('../../../src/indexer/collect-garbage.ts')>();
  held.collectNow = () => actual.collectGarbage();
  return {
    ...actual,
    collectGarbage: (...args: Parameters<typeof actual.collectGarbage>) => {
      held.steps.push('collect');
      actual.collectGarbage(...args);
    },
  };
});

vi.mock('../../../src/indexer/plan/story-pairs.ts', async (original) => {
  const actual = await original<typeof import('../../../src/indexer/plan/story-pairs.ts')>();
  return {
    ...actual,
    findStoryPairs: (...args: Parameters<typeof actual.findStoryPairs>) => {
      held.steps.push('pairs');
      return actual.findStoryPairs(...args);
    },
  };
});

vi.mock('../../../src/indexer/output/story-table-cache.ts', async (original) => {
  const actual = await original<typeof import('../../../src/indexer/output/story-table-cache.ts')>();
  return {
    ...actual,
    // The table's columns as filled (its terms' are made there), and the leads made from the same prints.
    fillPrints: (...args: Parameters<typeof actual.fillPrints>) => {
      actual.fillPrints(...args);
      // But `times` (8 bytes a post): still reachable once the pairs are found, through story-pairs.ts's window (not chased).
      const columns = Object.entries(args[0]).filter(([name, column]) => name !== 'times' && ArrayBuffer.isView(column));
      held.tables.push(...columns.map(([, column]) => new WeakRef(column as object)));
    },
    leadsOf: (...args: Parameters<typeof actual.leadsOf>) => {
      const leads = actual.leadsOf(...args);
      held.leads.push(new WeakRef(leads));
      return leads;
    },
  };
});

vi.mock('../../../src/indexer/output/extras-files.ts', async (original) => {
  const actual = await original<typeof import('../../../src/indexer/output/extras-files.ts')>();
  return {
    ...actual,
    writeExtrasFiles: async (...args: Parameters<typeof actual.writeExtrasFiles>) => {
      held.steps.push('files');
      held.collectNow!();
      held.atFiles.push(...[...held.tables, ...held.leads].map((ref) => ref.deref() !== undefined));
      return actual.writeExtrasFiles(...args);
    },
  };
});

// More posts than a build works inline, in pairs of one story across two outlets.
const POSTS = Array.from({ length: INLINE_AT_MOST + 8 }, (_, n): TestPost => {
  const day = String(1 + (n % 28)).padStart(2, '0');
  return {
    name: `2026-11-${day}-p${n}`,
    title: `第${n >> 1}則 地方議會審查預算`,
    date: `2026-11-${day} 0${n % 2}:00`,
    outlet: n % 2 ? 'rti' : 'cna',
    link: `p${n}`,
    body: `<p>議員今天質詢第${n >> 1}項施政計畫，要求市府在下個會期提出改善方案，並公開預算執行進度與各局處的檢討報告。</p>`,
  };
});

describe("a cold extras pass's memory", () => {
  let written: Awaited<ReturnType<typeof writeStoryExtras>>;

  beforeAll(async () => {
    const { dataRoot, prints, writtenBuckets } = await buildSiteWithPrints(POSTS);
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-cold-memory-cache-'));
    held.tables.length = held.leads.length = held.atFiles.length = held.steps.length = 0;
    written = await writeStoryExtras(dataRoot, cacheDir, prints, { writtenBuckets });
    // A site built: as long as a test may take.
  }, 120_000);

  it('lets go of the story table and the leads before the extras files are made', () => {
    expect(written.posts).toBe(POSTS.length);
    expect(written.grouped).toBeGreaterThan(0);
    // The table's typed-array columns but one, and the leads.
    expect([held.tables.length, held.leads.length]).toEqual([7, 1]);
    expect(held.atFiles).toEqual(Array.from({ length: 8 }, () => false));
  });

  it('collects its garbage before the same story is found, and again before the files are made', () => {
    expect(held.steps).toEqual(['collect', 'pairs', 'collect', 'files']);
  });
});
