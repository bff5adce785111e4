import { findFurtherReading, forEachTerm, forEachTermHash, ReadingTable, termCounts, type ReadingItem } from '../../../src/indexer/plan/related-reading.ts';
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

  it('numbers every term of random texts as termCounts counts them: in its order, with its counts, one number a distinct term', () => {
    const pool = [...'烏克蘭台灣𠮷𡈼一ab7 -.，\n'];
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const text = () => Array.from({ length: Math.floor(random() * 60) }, () => pool[Math.floor(random() * pool.length)]).join('');
    const table = new ReadingTable(1);
    const numberOf = new Map<string, number>();
    for (let post = 0; post < 300; post++) {
      const [title, lead] = [text(), text()];
      table.add(title, lead, 0);
      const counts = termCounts(title, lead);
      const numbers = Array.from(table.terms.subarray(table.starts[post], table.starts[post + 1]));
      expect(Array.from(table.counts.subarray(table.starts[post], table.starts[post + 1]))).toEqual([...counts.values()]);
      [...counts.keys()].forEach((term, at) => {
        if (!numberOf.has(term)) numberOf.set(term, numbers[at]!);
        expect(numbers[at]).toBe(numberOf.get(term));
      });
    }
    // Distinct terms, distinct numbers.
    expect(new Set(numberOf.values()).size).toBe(numberOf.size);
  });

  it('makes terms of the CJK pairs and lone characters and of the Latin words and pairs, not of longer grams or word triples', () => {
    const terms: string[] = [];
    forEachTerm('𠮷野家', '一 a-b-c co-op u.s. x y', (term, weight) => terms.push(`${term}:${weight}`));
    // 𠮷野家 (three characters, four units) is a gram of the search index, not a term; its last character alone is.
    expect(terms).toEqual([
      '𠮷野:2',
      '野家:2',
      '家:2',
      '一:1',
      'a:1',
      'b:1',
      'a-b:1',
      'c:1',
      'b-c:1',
      'co:1',
      'c co:1',
      'op:1',
      'co-op:1',
      'u:1',
      'op u:1',
      's:1',
      'u.s:1',
      'x:1',
      'y:1',
      'x y:1',
    ]);
  });

  it("hashes each term where it lies as fnv1a hashes the term's string (a pair without its mark), in the same order", () => {
    const texts = [
      ['烏克蘭 ceasefire talks 𠮷野家 co-op', '基隆港務分公司表示，新輪渡航線 e.g. 3.5 billion'],
      ['Prime Minister of Japan 訪台 AI晶片 2026年', '𠮷 一 a 習近平 u.s. covid-19  hong\tkong'],
    ];
    // Random texts over the characters each branch of the tokenizer turns on.
    const pool = [...'烏克蘭台灣𠮷𡈼一ab7 -.，\n'];
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let n = 0; n < 200; n++) {
      const text = () => Array.from({ length: Math.floor(random() * 40) }, () => pool[Math.floor(random() * pool.length)]).join('');
      texts.push([text(), text()]);
    }
    for (const [title, lead] of texts) {
      const terms: [number, number, number][] = [];
      const hashes: [number, number, number][] = [];
      forEachTerm(title!, lead!, (term, weight) => terms.push([fnv1a(term), term.length, weight]));
      forEachTermHash(title!, lead!, (hash, length, weight) => hashes.push([hash, length, weight]));
      expect(hashes).toEqual(terms);
    }
    const pair: [number, number, number][] = [];
    forEachTermHash('烏克', '', (hash, length, weight) => pair.push([hash, length, weight]));
    expect(pair).toContainEqual([fnv1a('乌克'), 2, 2]); // a pair, folded, its mark gone, a title's weight
  });
});
