/** Strings kept as one (joined-strings.ts): read back as they were joined, as a string or as UTF-16 bytes. */
import { decodeStrings, encodeStrings, joinStrings, splitStrings } from '../../src/indexer/incremental/joined-strings.ts';

const strings = ['cna/_posts/2026-11-1-第1篇.html', 'a', 'posts/0/0.json', '𠀀 outside the BMP'];

describe('joined strings', () => {
  it('splits strings back as they were joined, none or many', () => {
    for (const list of [[], ['only'], strings]) expect(splitStrings(joinStrings(list))).toEqual(list);
  });

  it('decodes strings back as they were encoded, none or many', () => {
    for (const list of [[], ['only'], strings]) expect(decodeStrings(encodeStrings(list), list.length)).toEqual(list);
  });

  it('decodes bytes that are a view into a larger buffer', () => {
    const bytes = encodeStrings(strings);
    const larger = new Uint8Array(bytes.length + 6);
    larger.set(bytes, 2);
    expect(decodeStrings(larger.subarray(2, 2 + bytes.length), strings.length)).toEqual(strings);
  });

  it('decodes nothing when the bytes hold another number of strings', () => {
    expect(decodeStrings(encodeStrings(strings), strings.length + 1)).toBeUndefined();
    expect(decodeStrings(encodeStrings([]), 1)).toBeUndefined();
  });

  it('decodes nothing from a value that is not bytes', () => {
    expect(decodeStrings(joinStrings(strings), strings.length)).toBeUndefined();
    expect(decodeStrings(undefined, 0)).toBeUndefined();
  });
});
