/** The saved story table (story-table.bin), filled from prints read here and saved rows, and its leads (story-leads.bin). */
import { linkSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  fillPrints,
  leadsDigest,
  leadsOf,
  loadStoryTable,
  READ_HERE,
  saveStoryTable,
  type DiskWrites,
  type PrintSources,
  type SavedStoryTable,
} from '../../../src/indexer/output/story-table-cache.ts';
import { storeKey as postStoreKey } from '../../../src/indexer/incremental/post-store.ts';
import { PrintColumns, type PrintParts } from '../../../src/indexer/plan/print-columns.ts';
import { NO_PRINT } from '../../../src/indexer/output/extras-bucket-cache.ts';
import { printDigests } from '../../../src/indexer/output/extras-state.ts';
import { SIGNATURE_SIZE, StoryTable, storyTableOf } from '../../../src/indexer/plan/same-story.ts';
import { countTermFrequencies } from '../../../src/indexer/plan/term-frequencies.ts';

const LEADS = ['鋒面週末接近', '新輪渡航線下月啟航，每日往返四班', '短訊'];
const CODE = 'the extras code';

/** `prints` (LEADS with no other part by default) saved as a table of their own rows (with these store keys) into a new cache folder, and loaded back. */
async function savedTable(
  prints: readonly PrintParts[] = LEADS.map((lead) => ({ ...NO_PRINT, lead })),
  keys: (string | undefined)[] = prints.map((_, row) => `key-${row}`),
): Promise<{ cacheDir: string; saved: SavedStoryTable }> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cna-reader-story-table-'));
  const read = new PrintColumns(prints.length);
  prints.forEach((print, row) => read.put(row, print));
  const { table, leads } = filled(undefined, { savedRows: new Int32Array(prints.length).fill(READ_HERE), read });
  await saveStoryTable(cacheDir, CODE, table, leads, leadsDigest(leads), undefined, printDigests(table), keys, countTermFrequencies(table));
  return { cacheDir, saved: loadStoryTable(cacheDir, CODE)! };
}

describe('the saved story table’s rows by store key', () => {
  it('are the hint, else the first row of the key not taken, whether the keys are scanned or mapped', async () => {
    // Row 2 holds row 0's post again; row 1's print was not the store's.
    const { saved } = await savedTable(undefined, ['key-a', undefined, 'key-a']);
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

describe('the saved story table’s keys column', () => {
  it('keeps a post store’s key: its row is found by it, away from its hint and once the keys are mapped', async () => {
    const keys = [0, 1, 2].map((n) => postStoreKey(Uint8Array.of(n), 'settings'));
    const { saved } = await savedTable(undefined, keys);
    const none = new Uint8Array(3);
    // Past SCANS_BEFORE_MAP lookups away from their hint: the map too.
    for (let round = 0; round < 4; round++) expect(keys.map((key) => saved.rowOf(key, 5, none))).toEqual([0, 1, 2]);
  });
});

describe('the saved story table’s leads', () => {
  it('give each row its own lead, before and after every lead was read', async () => {
    const { saved } = await savedTable();
    expect(saved.leads.rowBytes(1).toString('utf16le')).toBe(LEADS[1]);
    expect(saved.leads.readAll().toString('utf16le')).toBe(LEADS.join(''));
    expect(saved.leads.rowBytes(1).toString('utf16le')).toBe(LEADS[1]);
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

/** Three posts' prints, the middle one's terms `middleTerms` long; the last one without a signature, or the middle one with a `seed`. */
function threePrints(middleTerms: number, seed = 0): PrintParts[] {
  return [4, middleTerms, 2].map((terms, row) => ({
    signature: row === (seed === 0 ? 2 : 1) ? undefined : Uint32Array.from({ length: SIGNATURE_SIZE }, (_, at) => seed + row * 100 + at),
    shingles: seed + row + 40,
    terms: { hashes: Uint32Array.from({ length: terms }, (_, at) => seed + row * 10 + at), counts: Uint8Array.from({ length: terms }, (_, at) => at + 1) },
    lead: `${LEADS[row]}${seed}`,
  }));
}

/** A table of the prints' rows as storyTableOf packs them (its leads apart). */
const tableOfPrints = (prints: readonly PrintParts[]) =>
  storyTableOf(prints.map((print, row) => ({ id: `post-${row}`, time: row, title: `title ${row}`, ...print })));

/** The table's print columns, to compare two tables by. */
const printColumnsOf = ({ count, signatures, hasSignature, shingles, termStarts, termHashes, termCounts }: StoryTable) => ({
  signatures: [...signatures.subarray(0, count * SIGNATURE_SIZE)],
  hasSignature: [...hasSignature.subarray(0, count)],
  shingles: [...shingles.subarray(0, count)],
  termStarts: [...termStarts.subarray(0, count + 1)],
  termHashes: [...termHashes.subarray(0, termStarts[count])],
  termCounts: [...termCounts.subarray(0, termStarts[count])],
});

/** The rows added without prints, then filled from `sources`; with the leads. */
function filled(saved: SavedStoryTable | undefined, sources: PrintSources) {
  const table = new StoryTable(sources.savedRows.length);
  sources.savedRows.forEach((_, row) => table.add(`post-${row}`, `title ${row}`, row, undefined, NO_PRINT));
  fillPrints(table, saved, sources);
  return { table, leads: leadsOf(saved, sources) };
}

describe('a table filled from prints read here and saved rows', () => {
  it('holds the prints read here as a table made of them does, and their leads', () => {
    const prints = threePrints(7);
    const read = new PrintColumns(3);
    for (const row of [2, 0, 1]) read.put(row, prints[row]!);
    const { table, leads } = filled(undefined, { savedRows: new Int32Array(3).fill(READ_HERE), read });
    expect(printColumnsOf(table)).toEqual(printColumnsOf(tableOfPrints(prints)));
    expect(leads.readAll().toString('utf16le')).toBe(prints.map((print) => print.lead).join(''));
  });

  it.each([
    ['as many terms as the saved row (the saved columns written over)', 7],
    ['other terms than the saved row (the columns copied)', 3],
  ])('holds a print read here between saved rows, with %s', async (_, middleTerms) => {
    const before = threePrints(7);
    const { saved } = await savedTable(before);
    const edited = threePrints(middleTerms, 1000)[1]!;
    const read = new PrintColumns(3);
    read.put(1, edited);
    const after = filled(saved, { savedRows: Int32Array.of(0, READ_HERE, 2), read });
    const want = [before[0]!, edited, before[2]!];
    expect(printColumnsOf(after.table)).toEqual(printColumnsOf(tableOfPrints(want)));
    expect(after.leads.readAll().toString('utf16le')).toBe(want.map((print) => print.lead).join(''));
  });
});

describe('a saved table an edit wrote over', () => {
  /** A store key as the post store makes them (a sha1 in hex). */
  const storeKey = (n: number) => n.toString(16).padStart(40, '0');
  /** The table saved with three prints, then loaded and filled with its middle row read here (an edit, as many terms). */
  async function edited() {
    const before = threePrints(7);
    const { cacheDir, saved } = await savedTable(before, [0, 1, 2].map(storeKey));
    const read = new PrintColumns(3);
    read.put(1, threePrints(7, 1000)[1]!);
    const sources = { savedRows: Int32Array.of(0, READ_HERE, 2), read };
    const { table, leads } = filled(saved, sources);
    const keys = [storeKey(0), storeKey(7), storeKey(2)];
    const save = (dir: string, given?: PrintSources, disk?: DiskWrites) =>
      saveStoryTable(dir, CODE, table, leads, leadsDigest(leads, saved), saved, printDigests(table), keys, countTermFrequencies(table), given, disk);
    const wholeDir = mkdtempSync(join(tmpdir(), 'cna-reader-story-table-'));
    await save(wholeDir);
    const tableFile = join(cacheDir, 'story-table.bin');
    return { cacheDir, tableFile, sources, save, whole: readFileSync(join(wholeDir, 'story-table.bin')), inode: statSync(tableFile).ino };
  }

  it('is written in place, as a whole save writes it, and loads with the edited row’s key', async () => {
    const { cacheDir, tableFile, sources, save, whole, inode } = await edited();
    await save(cacheDir, sources);
    expect(statSync(tableFile).ino).toBe(inode);
    expect(readFileSync(tableFile).equals(whole)).toBe(true);
    const again = loadStoryTable(cacheDir, CODE)!;
    expect([again.rowOf(storeKey(7), 1, new Uint8Array(3)), again.rowOf(storeKey(1), 1, new Uint8Array(3))]).toEqual([1, undefined]);
  });

  it('is written whole when its file changed since it was loaded', async () => {
    const { cacheDir, tableFile, sources, save, whole, inode } = await edited();
    utimesSync(tableFile, new Date(2030, 0, 1), new Date(2030, 0, 1));
    await save(cacheDir, sources);
    expect(statSync(tableFile).ino).not.toBe(inode);
    expect(readFileSync(tableFile).equals(whole)).toBe(true);
  });

  it('is written whole when another name links its file (a copy made by linking keeps its bytes)', async () => {
    const { cacheDir, tableFile, sources, save, whole } = await edited();
    const copy = join(mkdtempSync(join(tmpdir(), 'cna-reader-story-table-')), 'story-table.bin');
    linkSync(tableFile, copy);
    const before = readFileSync(copy);
    await save(cacheDir, sources);
    expect(readFileSync(copy).equals(before)).toBe(true);
    expect(readFileSync(tableFile).equals(whole)).toBe(true);
  });

  /** The disk's writes and flushes in order, each write cut (throwing, nothing written) from the `cutAt`-th on. */
  function recordingDisk(cutAt = Infinity) {
    const steps: ({ at: number; bytes: Buffer } | 'sync')[] = [];
    const disk: DiskWrites = {
      write: (fd, bytes, at) => {
        if (steps.filter((step) => step !== 'sync').length >= cutAt) throw new Error('cut');
        steps.push({ at, bytes: Buffer.from(bytes) });
        writeSync(fd, bytes, 0, bytes.length, at);
      },
      sync: () => steps.push('sync'),
    };
    return { disk, steps };
  }

  it('writes a length no file has first, flushed before any other write, and the length back last, after a flush', async () => {
    const { cacheDir, tableFile, sources, save, whole } = await edited();
    const { disk, steps } = recordingDisk();
    await save(cacheDir, sources, disk);
    expect(readFileSync(tableFile).equals(whole)).toBe(true);
    const [first, flush, ...rest] = steps;
    expect([first, flush]).toEqual([{ at: 0, bytes: Buffer.alloc(4, 0xff) }, 'sync']);
    const [lastFlush, last] = rest.slice(-2);
    expect(lastFlush).toBe('sync');
    expect(last !== 'sync' && last?.at).toBe(0);
    expect(rest.slice(0, -2).every((step) => step !== 'sync' && step.at >= 4)).toBe(true);
  });

  it('is not loaded when a write in place is cut at any write after the first, and is the saved file when cut at the first', async () => {
    const counted = await edited();
    const before = readFileSync(counted.tableFile);
    const { disk, steps } = recordingDisk();
    await counted.save(counted.cacheDir, counted.sources, disk);
    const writes = steps.filter((step) => step !== 'sync').length;
    expect(writes).toBeGreaterThan(2);
    for (let cutAt = 0; cutAt < writes; cutAt++) {
      const { cacheDir, tableFile, sources, save } = await edited();
      await expect(save(cacheDir, sources, recordingDisk(cutAt).disk)).rejects.toThrow('cut');
      if (cutAt === 0) expect(readFileSync(tableFile).equals(before), `cut at ${cutAt}`).toBe(true);
      else expect(loadStoryTable(cacheDir, CODE), `cut at ${cutAt}`).toBeUndefined();
    }
  });
});
