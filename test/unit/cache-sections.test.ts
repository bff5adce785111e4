/** The build cache's files of sections (data-file.ts): a header, then named sections, each padded to 4 bytes. */
import { describe, expect, it } from 'vitest';
import { readSections, sectionChunks, type SectionsHeader } from '../../src/indexer/output/data-file.ts';

const NAMES = ['text', 'numbers', 'none'] as const;
const PARTS = { text: Buffer.from('颱風 ferry'), numbers: new Uint8Array(new Uint32Array([1, 2, 3]).buffer), none: new Uint8Array(0) };

function saved(): Buffer {
  return Buffer.concat(sectionChunks({ version: 3 }, NAMES, PARTS));
}

describe("the cache's files of sections", () => {
  it('read back the header and every section as written, each starting at a multiple of 4 bytes', () => {
    const file = saved();
    const read = readSections<SectionsHeader & { version: number }, (typeof NAMES)[number]>(file, NAMES)!;
    expect(read.header).toEqual({ version: 3, sections: [12, 12, 0] });
    expect(read.sections.text.toString()).toBe('颱風 ferry');
    expect([...new Uint32Array(new Uint8Array(read.sections.numbers).buffer)]).toEqual([1, 2, 3]);
    expect(read.sections.none.length).toBe(0);
    for (const name of NAMES) expect(read.sections[name].byteOffset % 4).toBe(0);
  });

  it.each([
    ['cut short', (file: Buffer) => file.subarray(0, file.length - 4)],
    ['grown', (file: Buffer) => Buffer.concat([file, Buffer.alloc(4)])],
    ['shorter than its length', (file: Buffer) => file.subarray(0, 3)],
    [
      'with a header that does not parse',
      (file: Buffer) => Buffer.concat([file.subarray(0, 4), Buffer.from('{'.padEnd(file.readUInt32LE(0))), file.subarray(4 + file.readUInt32LE(0))]),
    ],
  ])('are not read when %s', (_, change) => {
    expect(readSections(change(saved()), NAMES)).toBeUndefined();
  });

  it('are not read when they list other sections', () => {
    expect(readSections(saved(), ['text', 'numbers'])).toBeUndefined();
  });
});
