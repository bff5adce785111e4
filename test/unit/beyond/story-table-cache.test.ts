/** The saved story table's leads (story-leads.bin): a row's read alone, all of them only when asked for. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leadsDigest, leadsOf, loadStoryTable, saveStoryTable, type SavedStoryTable } from '../../../src/indexer/output/story-table-cache.ts';
import { printDigests } from '../../../src/indexer/output/extras-state.ts';
import { storyTableOf } from '../../../src/indexer/plan/same-story.ts';
import { countTermFrequencies } from '../../../src/indexer/plan/term-frequencies.ts';

const LEADS = ['鋒面週末接近', '新輪渡航線下月啟航，每日往返四班', '短訊'];
const CODE = 'the extras code';

/** LEADS saved as a table of their own rows (with these store keys) into a new cache folder, and loaded back. */
async function savedTable(keys: (string | undefined)[] = LEADS.map((_, row) => `key-${row}`)): Promise<{ cacheDir: string; saved: SavedStoryTable }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-story-table-'));
  const table = storyTableOf(LEADS.map((_, row) => ({ id: `post-${row}`, time: row, title: `title ${row}`, signature: undefined })));
  const leads = leadsOf(
    undefined,
    LEADS.map((lead) => ({ lead })),
  );
  await saveStoryTable(cacheDir, CODE, table, leads, leadsDigest(leads), undefined, printDigests(table), keys, countTermFrequencies(table));
  return { cacheDir, saved: loadStoryTable(cacheDir, CODE)! };
}

describe('the saved story table’s rows by store key', () => {
  it('are the hint, else the first row of the key not taken, whether the keys are scanned or mapped', async () => {
    // Row 2 holds row 0's post again; row 1's print was not the store's.
    const { saved } = await savedTable(['key-a', undefined, 'key-a']);
    const [none, firstTaken] = [new Uint8Array(3), Uint8Array.of(1, 0, 0)];
    const answers = () => [
      saved.rowOf('key-a', 2, none),
      saved.rowOf('key-a', 1, none),
      saved.rowOf('key-a', 1, firstTaken),
      saved.rowOf('key-b', 0, none),
      saved.rowOf('', 1, none),
    ];
    // Three keys away from their hint a round: the first rounds scan, the later ones look in the map.
    for (let round = 0; round < 5; round++) expect(answers(), `round ${round}`).toEqual([2, 0, 2, undefined, undefined]);
  });
});

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

describe('the saved story table', () => {
  it('is not loaded when its columns are not as long as its header counts them', async () => {
    const { cacheDir } = await savedTable();
    const tableFile = join(cacheDir, 'story-table.bin');
    const whole = readFileSync(tableFile);
    const headerLength = whole.readUInt32LE(0);
    const header = JSON.parse(whole.toString('utf8', 4, 4 + headerLength)) as { terms: number };
    // One term more than the term columns hold, the header's JSON padded with spaces to its length.
    const changed = Buffer.from(JSON.stringify({ ...header, terms: header.terms + 1 }).padEnd(headerLength));
    expect(changed.length).toBe(headerLength);
    writeFileSync(tableFile, Buffer.concat([whole.subarray(0, 4), changed, whole.subarray(4 + headerLength)]));
    expect(loadStoryTable(cacheDir, CODE)).toBeUndefined();
  });
});
