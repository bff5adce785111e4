/**
 * Further reading ranked on a build worker (workers/further-reading-task.ts): what it hands back is what
 * this thread ranks (the leads sent as their own range, the ranking moved back), and a task that fails
 * fails the call, naming what it was ranking, and the extras, which then save no state.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFurtherReading, pickFurtherReading, type ReadingItem } from '../../../src/indexer/plan/related-reading.ts';
import { transferableSymbol, valueSymbol } from 'piscina';
import { movedRanking, rankFurtherReadingOnPool, rankFurtherReadingHere, type ReadingRequest } from '../../../src/indexer/workers/further-reading-task.ts';
import { EXTRAS_CACHE_FILE } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { writeStoryExtras } from '../../../src/indexer/output/write-story-extras.ts';
import { buildSiteWithPrints, type TestPost } from './site-builder.ts';
import { bundledPool } from '../bundled-pool.ts';
import { INLINE_AT_MOST, WorkerPool, WorkerTaskError } from '../../../src/indexer/workers/worker-pool.ts';

// More posts than a build ranks inline: ferry stories that share rare terms, among council filler.
const ITEMS = Array.from({ length: INLINE_AT_MOST + 44 }, (_, n): ReadingItem =>
  n % 10 === 0
    ? {
        id: `ferry-${n}`,
        title: `基隆馬祖輪渡第${n % 3}條新航線`,
        lead: '基隆港務分公司表示，新輪渡航線連接馬祖，旅客可網路購票。',
        ownLinks: n % 20 === 0 ? 0 : 3,
      }
    : { id: `other-${n}`, title: `第${n}則 地方議會審查年度預算`, lead: `議員今天質詢第${n}項施政計畫，要求提出改善方案。`, ownLinks: 0 },
);

function requestOf(items: readonly ReadingItem[]): ReadingRequest {
  const leads = items.map((item) => Buffer.from(item.lead, 'utf16le'));
  let end = 0;
  return {
    ids: items.map((item) => item.id),
    titles: items.map((item) => item.title),
    leads: { bytes: Buffer.concat(leads), ends: Uint32Array.from(leads, (lead) => (end += lead.length)) },
    links: Uint32Array.from(items, (item) => item.ownLinks),
  };
}

async function startedPool(): Promise<WorkerPool> {
  const pool = await bundledPool(1);
  await pool.run({ type: 'further-reading', ...requestOf(ITEMS.slice(0, 1)) });
  return pool;
}

describe('further reading ranked on a build worker', () => {
  it('hands back what this thread ranks, and picks what findFurtherReading finds', async () => {
    const pool = await startedPool();
    try {
      const request = requestOf(ITEMS);
      const ranked = await rankFurtherReadingOnPool(request, pool);
      expect(ranked).toEqual(rankFurtherReadingHere(request));
      const idOf = (at: number) => ITEMS[at]!.id;
      const picked = new Map([...pickFurtherReading(ranked, undefined, idOf)].map(([at, others]) => [idOf(at), others.map(idOf)]));
      expect(picked.size).toBeGreaterThan(0);
      expect(picked).toEqual(findFurtherReading(ITEMS));
    } finally {
      await pool.close();
    }
  });

  it('sends leads that are views into a larger buffer as their own range only, and ranks them the same', async () => {
    const pool = await startedPool();
    try {
      const request = requestOf(ITEMS);
      const { bytes, ends } = request.leads;
      // As the saved story table holds them: views at an offset into the whole file's buffer.
      const file = new ArrayBuffer(bytes.length + ends.byteLength + (1 << 20));
      const viewed = { bytes: Buffer.from(file, 1024, bytes.length), ends: new Uint32Array(file, 2048 + bytes.length - (bytes.length % 4), ends.length) };
      viewed.bytes.set(bytes);
      viewed.ends.set(ends);
      // The sizes of the buffers sent, taken before they move (moved, they read as empty here).
      const sent: number[][] = [];
      const run = pool.run.bind(pool);
      vi.spyOn(pool, 'run').mockImplementation((async (task: ReadingRequest & { type: 'further-reading' }, transfer?: ArrayBuffer[]) => {
        sent.push([task.leads.bytes.buffer.byteLength, task.leads.ends.buffer.byteLength, ...(transfer ?? []).map((buffer) => buffer.byteLength)]);
        return run(task, transfer);
      }) as WorkerPool['run']);
      const ranked = await rankFurtherReadingOnPool({ ...request, leads: viewed }, pool);
      expect(ranked).toEqual(rankFurtherReadingHere(request));
      expect(sent).toEqual([[bytes.length, ends.byteLength, bytes.length, ends.byteLength]]);
      // The caller's views stay whole: only the copies moved.
      expect(viewed.bytes.equals(bytes)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('ranks tied candidates by id whatever their rows, and picks past the one a post excludes', async () => {
    const pool = await startedPool();
    try {
      // Four reports of one text (tied scores), their ids out of row order, beside the council filler.
      const tied = ['d', 'b', 'e', 'a'].map((id): ReadingItem => ({
        id,
        title: '基隆馬祖輪渡新航線啟航',
        lead: '旅客可網路購票，候船室完成整修。',
        ownLinks: 0,
      }));
      const items = [{ ...tied[0]!, id: 'post' }, ...tied, ...ITEMS.filter((item) => item.id.startsWith('other-'))];
      const idOf = (at: number) => items[at]!.id;
      const run = vi.spyOn(pool, 'run');
      const ranked = await rankFurtherReadingOnPool(requestOf(items), pool);
      expect(run).toHaveBeenCalledTimes(1);
      const picked = pickFurtherReading(ranked, (at) => new Set(at === 0 ? ['b'] : []), idOf);
      expect(picked.get(0)!.map(idOf)).toEqual(['a', 'd', 'e']);
    } finally {
      await pool.close();
    }
  });

  it('rejects, not throws, when ranked here fails', async () => {
    const broken = { ...requestOf(ITEMS.slice(0, 10)), titles: [] };
    const ranking = rankFurtherReadingOnPool(broken, undefined);
    await expect(ranking).rejects.toThrow();
  });

  it("hands the ranking back as a move of its two arrays' buffers", () => {
    const ranked = rankFurtherReadingHere(requestOf(ITEMS));
    const moved = movedRanking(ranked) as unknown as Record<symbol, unknown>;
    expect(moved[valueSymbol]).toBe(ranked);
    const buffers = moved[transferableSymbol] as ArrayBuffer[];
    expect(buffers).toHaveLength(2);
    expect(buffers[0]).toBe(ranked.starts.buffer);
    expect(buffers[1]).toBe(ranked.others.buffer);
  });

  it('rejects with an error naming the ranking when the task fails', async () => {
    const pool = await startedPool();
    try {
      const broken = { ...requestOf(ITEMS), titles: [] };
      await expect(rankFurtherReadingOnPool(broken, pool)).rejects.toThrow(WorkerTaskError);
      await expect(rankFurtherReadingOnPool(broken, pool)).rejects.toThrow(`ranking further reading for ${ITEMS.length} posts`);
    } finally {
      await pool.close();
    }
  });

  it('fails the extras, which then save no state, when the ranking fails on the pool', async () => {
    const posts = Array.from({ length: INLINE_AT_MOST + 4 }, (_, n): TestPost => {
      const day = String(1 + (n % 28)).padStart(2, '0');
      return {
        name: `2026-11-${day}-p${n}`,
        title: `第${n}則 地方議會審查預算`,
        date: `2026-11-${day} 02:00`,
        outlet: 'cna',
        link: `p${n}`,
        body: `<p>議員質詢第${n}項計畫。</p>`,
      };
    });
    const { dataRoot, prints } = await buildSiteWithPrints(posts);
    const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-reading-cache-'));
    const failing = { size: 2, run: async () => Promise.reject(new WorkerTaskError('ranking further reading', new Error('its thread died'))) };
    await expect(writeStoryExtras(dataRoot, cacheDir, prints, { pool: failing as unknown as WorkerPool })).rejects.toThrow(WorkerTaskError);
    expect(existsSync(join(cacheDir, 'extras-state.bin'))).toBe(false);
    expect(existsSync(join(cacheDir, EXTRAS_CACHE_FILE))).toBe(false);
  });
});
