import {
  findFurtherReading,
  forEachTerm,
  forEachTermHash,
  MAX_SUGGESTIONS,
  pickFurtherReading,
  rankFurtherReading,
  ReadingTable,
  termCounts,
  TITLE_WEIGHT,
  type ReadingItem,
} from '../../../src/indexer/plan/related-reading.ts';
import { PAIR_MARK } from '../../../src/shared/search-format.ts';
import { foldText, isCjk, isJoiner, tokenizeFolded } from '../../../src/shared/search-text.ts';
import { fnv1a } from '../../../src/shared/types.ts';

/**
 * The tests' reference: the terms picked from the search index's token strings, apart from the module's
 * scan: a pair without its mark; no gram of three or more CJK characters; no word triple (two joiners).
 */
function referenceTerms(title: string, lead: string): [term: string, weight: number][] {
  const terms: [string, number][] = [];
  for (const [text, weight] of [
    [title, TITLE_WEIGHT],
    [lead, 1],
  ] as const) {
    tokenizeFolded(foldText(text), (token) => {
      const points = [...token].map((character) => character.codePointAt(0)!);
      if (points.length >= 3 && points.every(isCjk)) return;
      if (points.filter((point) => point === 0x20 || isJoiner(point)).length >= 2) return;
      terms.push([token.replace(PAIR_MARK, ''), weight]);
    });
  }
  return terms;
}

function referenceCounts(title: string, lead: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [term, weight] of referenceTerms(title, lead)) counts.set(term, (counts.get(term) ?? 0) + weight);
  return counts;
}

/** Random texts of `length` characters at most, drawn from `pool` (seeded: the same texts each run). */
function randomTexts(pool: readonly string[], seed: number, length: number): () => string {
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return () => Array.from({ length: Math.floor(random() * length) }, () => pool[Math.floor(random() * pool.length)]).join('');
}

// The characters each branch of the tokenizer turns on.
const BRANCHES = [...'烏克蘭台灣𠮷𡈼一ab7 -.，\n'];
// 400 CJK characters: 160k possible pairs, so that a table passes its first sizes (4,096 terms).
const MANY_CJK = Array.from({ length: 400 }, (_, n) => String.fromCharCode(0x4e00 + n));

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

  it('ranks every candidate of a post, so that one it excludes leaves the next in its place', () => {
    const ferries = ['基隆馬祖輪渡新航線啟航', '馬祖輪渡航線 旅客網路購票', '基隆馬祖輪渡航線開航', '馬祖輪渡新航線 旅客購票', '基隆輪渡新航線 馬祖旅客'];
    const items = [...ferries.map((title, n) => ferry(`f${n}`, title, n === 0 ? 0 : 2)), ...filler];
    const table = new ReadingTable(items.length);
    for (const item of items) table.add(item.title, item.lead, item.ownLinks);
    const idOf = (at: number) => items[at]!.id;
    const ranked = rankFurtherReading(table, idOf);
    const all = [...ranked.others.subarray(ranked.starts[0], ranked.starts[1])];
    expect(all).toHaveLength(4);
    expect(pickFurtherReading(ranked, undefined, idOf).get(0)).toEqual(all.slice(0, MAX_SUGGESTIONS));
    expect(pickFurtherReading(ranked, () => new Set([idOf(all[0]!)]), idOf).get(0)).toEqual(all.slice(1));
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

  it.each([
    ['over every branch of the tokenizer', BRANCHES, 300],
    ['past 5,000 distinct pairs', MANY_CJK, 200],
  ])('numbers every term of random texts %s as the reference counts them: in its order, with its counts, one number a distinct term', (_, pool, posts) => {
    const text = randomTexts(pool, 11, 60);
    const table = new ReadingTable(1);
    const numberOf = new Map<string, number>();
    for (let post = 0; post < posts; post++) {
      const [title, lead] = [text(), text()];
      table.add(title, lead, 0);
      const counts = referenceCounts(title, lead);
      expect(termCounts(title, lead)).toEqual(counts);
      const numbers = Array.from(table.terms.subarray(table.starts[post], table.starts[post + 1]));
      expect(Array.from(table.counts.subarray(table.starts[post], table.starts[post + 1]))).toEqual([...counts.values()]);
      [...counts.keys()].forEach((term, at) => {
        if (!numberOf.has(term)) numberOf.set(term, numbers[at]!);
        expect(numbers[at]).toBe(numberOf.get(term));
      });
    }
    // Distinct terms, distinct numbers.
    expect(new Set(numberOf.values()).size).toBe(numberOf.size);
    if (pool === MANY_CJK) expect(numberOf.size).toBeGreaterThan(5000);
  });

  it("refuses a post added once the terms' text is let go, rather than number its terms anew", () => {
    const table = new ReadingTable(1);
    table.add('馬祖輪渡', '', 0);
    table.forgetTermText();
    expect(() => table.add('馬祖輪渡', '', 0)).toThrow(/forgetTermText/);
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

  it("hashes each term where it lies as fnv1a hashes the reference's string (a pair without its mark), in the same order", () => {
    const texts = [
      ['烏克蘭 ceasefire talks 𠮷野家 co-op', '基隆港務分公司表示，新輪渡航線 e.g. 3.5 billion'],
      ['Prime Minister of Japan 訪台 AI晶片 2026年', '𠮷 一 a 習近平 u.s. covid-19  hong\tkong'],
    ];
    const text = randomTexts(BRANCHES, 7, 40);
    for (let n = 0; n < 200; n++) texts.push([text(), text()]);
    for (const [title, lead] of texts) {
      const reference = referenceTerms(title!, lead!);
      const terms: [string, number][] = [];
      const hashes: [number, number, number][] = [];
      forEachTerm(title!, lead!, (term, weight) => terms.push([term, weight]));
      forEachTermHash(title!, lead!, (hash, length, weight) => hashes.push([hash, length, weight]));
      expect(terms).toEqual(reference);
      expect(hashes).toEqual(reference.map(([term, weight]) => [fnv1a(term), term.length, weight]));
    }
    const pair: [number, number, number][] = [];
    forEachTermHash('烏克', '', (hash, length, weight) => pair.push([hash, length, weight]));
    expect(pair).toContainEqual([fnv1a('乌克'), 2, 2]); // a pair, folded, its mark gone, a title's weight
  });
});
