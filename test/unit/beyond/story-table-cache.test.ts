/** The saved story table's leads (story-leads.bin): a row's read alone, all of them only when asked for. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadsDigest, leadsOf, loadStoryTable, READ_HERE, saveStoryTable, type SavedStoryTable } from '../../../src/indexer/output/story-table-cache.ts';
import { PrintColumns } from '../../../src/indexer/output/prints-read-once.ts';
import { NO_PRINT } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { printDigests } from '../../../src/indexer/output/extras-state.ts';
import { storyTableOf } from '../../../src/indexer/plan/same-story.ts';
import { countTermFrequencies } from '../../../src/indexer/plan/term-frequencies.ts';

const LEADS = ['鋒面週末接近', '新輪渡航線下月啟航，每日往返四班', '短訊'];
const CODE = 'the extras code';

/** LEADS saved as a table of their own rows into a new cache folder, and loaded back. */
async function savedTable(): Promise<{ cacheDir: string; saved: SavedStoryTable }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-story-table-'));
  const table = storyTableOf(LEADS.map((_, row) => ({ id: `post-${row}`, time: row, title: `title ${row}`, signature: undefined })));
  const read = new PrintColumns(LEADS.length);
  LEADS.forEach((lead, row) => read.put(row, { ...NO_PRINT, lead }));
  const leads = leadsOf(undefined, { savedRows: new Int32Array(LEADS.length).fill(READ_HERE), read });
  const keys = LEADS.map((_, row) => `key-${row}`);
  await saveStoryTable(cacheDir, CODE, table, leads, leadsDigest(leads), undefined, printDigests(table), keys, countTermFrequencies(table));
  return { cacheDir, saved: loadStoryTable(cacheDir, CODE)! };
}

describe('the saved story table’s leads', () => {
  it('give each row its own lead, before and after every lead was read', async () => {
    const { saved } = await savedTable();
    expect(saved.leadOf(1)).toBe(LEADS[1]);
    expect(saved.leads.readAll().toString('utf16le')).toBe(LEADS.join(''));
    expect(saved.leadOf(1)).toBe(LEADS[1]);
  });

  it('are not loaded from a leads file cut short', async () => {
    const { cacheDir } = await savedTable();
    const leadsFile = join(cacheDir, 'story-leads.bin');
    const whole = readFileSync(leadsFile);
    writeFileSync(leadsFile, whole.subarray(0, whole.length - 8));
    expect(loadStoryTable(cacheDir, CODE)).toBeUndefined();
  });

  it('fail their whole read when the file was cut short since the table was loaded', async () => {
    const { cacheDir, saved } = await savedTable();
    const leadsFile = join(cacheDir, 'story-leads.bin');
    const whole = readFileSync(leadsFile);
    writeFileSync(leadsFile, whole.subarray(0, whole.length - 8));
    expect(() => saved.leads.readAll()).toThrow(/changed while the build read it/);
  });
});
