/**
 * A build thread that ranked further reading collects its garbage before it answers (ingest-worker.ts):
 * the ranking's tables would otherwise stay until the build's end (docs/build-speed.md, stop 45), as the thread
 * then idles beside the extras and the search head.
 */
import { valueSymbol } from 'piscina';
import handle from '../../../src/indexer/workers/ingest-worker.ts';
import type { RankedReading } from '../../../src/indexer/plan/related-reading.ts';

const steps = vi.hoisted(() => [] as string[]);

vi.mock('../../../src/indexer/collect-garbage.ts', async (original) => ({
  ...(await original<typeof import('../../../src/indexer/collect-garbage.ts')>()),
  collectGarbage: () => void steps.push('collect'),
}));

vi.mock('../../../src/indexer/workers/further-reading-task.ts', async (original) => {
  const actual = await original<typeof import('../../../src/indexer/workers/further-reading-task.ts')>();
  return {
    ...actual,
    rankFurtherReadingHere: (...args: Parameters<typeof actual.rankFurtherReadingHere>) => {
      steps.push('rank');
      return actual.rankFurtherReadingHere(...args);
    },
  };
});

const LEADS = ['港務公司表示新輪渡航線下月啟航', '港務公司表示新輪渡航線下月啟航，旅客可網路購票', '議會審查年度預算'].map((lead) =>
  Buffer.from(lead, 'utf16le'),
);

describe('a thread that ranked further reading', () => {
  it('collects its garbage once ranked, before it hands the ranking back', async () => {
    let end = 0;
    const reply = (await handle({
      type: 'further-reading',
      ids: ['a', 'b', 'c'],
      titles: ['新輪渡航線啟航', '新輪渡航線下月啟航', '議會審查預算'],
      leads: { bytes: Buffer.concat(LEADS), ends: Uint32Array.from(LEADS, (lead) => (end += lead.length)) },
      links: new Uint32Array(3),
    })) as unknown as Record<symbol, RankedReading>;
    expect(steps).toEqual(['rank', 'collect']);
    expect(reply[valueSymbol]!.starts).toHaveLength(4);
  });
});
