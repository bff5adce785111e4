import {
  findFurtherReading,
  forEachTerm,
  forEachTermToken,
  ReadingTable,
  termCounts,
  termHash,
  type ReadingItem,
} from '../../../src/indexer/plan/related-reading.ts';
import { fnv1a } from '../../../src/shared/types.ts';

// Our own headlines: three on a harbour's ferry line, others on unrelated matters (padding the archive
// so that the ferry's terms are rare in it).
const ferry = (id: string, title: string, ownLinks = 0): ReadingItem => ({
  id,
  title,
  lead: '基隆港務分公司表示，新輪渡航線連接馬祖，旅客可網路購票。',
  ownLinks,
});
const filler = Array.from({ length: 60 }, (_, n): ReadingItem => ({
  id: `other-${n}`,
  title: `第${n}則 地方議會審查年度預算`,
  lead: `議員今天質詢第${n}項施政計畫，要求提出改善方案。`,
  ownLinks: 0,
}));

describe('further reading', () => {
  it('suggests posts that share rare terms, best first', () => {
    const found = findFurtherReading([ferry('a', '基隆馬祖輪渡新航線啟航'), ferry('b', '馬祖輪渡航線 旅客網路購票'), ...filler]);
    expect(found.get('a')).toEqual(['b']);
  });

  it('gives none to a post that links to stories of its own', () => {
    const found = findFurtherReading([ferry('a', '基隆馬祖輪渡新航線啟航', 2), ferry('b', '馬祖輪渡航線 旅客網路購票'), ...filler]);
    expect(found.has('a')).toBe(false);
    expect(found.get('b')).toEqual(['a']);
  });

  it('leaves out the posts the caller excludes, such as other reports of the same story', () => {
    const found = findFurtherReading(
      [ferry('a', '基隆馬祖輪渡新航線啟航'), ferry('b', '馬祖輪渡航線 旅客網路購票'), ...filler],
      (id) => new Set(id === 'a' ? ['b'] : []),
    );
    expect(found.has('a')).toBe(false);
  });

  it('does not suggest posts that share only common terms', () => {
    const found = findFurtherReading(filler);
    expect(found.size).toBe(0);
  });

  it("keeps a post's terms and counts in the table as termCounts makes them, and each term's posts once", () => {
    const table = new ReadingTable(1);
    table.add('馬祖輪渡 馬祖輪渡', '馬祖輪渡航線', 0);
    table.add('基隆馬祖', '', 3);
    const counts = termCounts('馬祖輪渡 馬祖輪渡', '馬祖輪渡航線');
    expect(Array.from(table.counts.subarray(table.starts[0], table.starts[1]))).toEqual([...counts.values()]);
    // The first term of both titles (馬祖, folded) is held by both posts; the first post repeats it.
    expect(table.frequency[table.terms[0]!]).toBe(2);
    expect([table.wants[0], table.wants[1]]).toEqual([1, 0]);
  });

  it("hashes a term from its token as fnv1a hashes the term's string (a pair without its mark)", () => {
    const [title, lead] = ['烏克蘭 ceasefire talks 𠮷野家 co-op', '基隆港務分公司表示，新輪渡航線 e.g. 3.5 billion'];
    const terms: string[] = [];
    const hashes: number[] = [];
    forEachTerm(title, lead, (term) => terms.push(term));
    forEachTermToken(title, lead, (token) => hashes.push(termHash(token)));
    expect(terms).toContain('乌克'); // a pair, folded, its mark gone
    expect(hashes).toEqual(terms.map(fnv1a));
  });
});
