import { assignIds, slugFromFileName } from '../../src/indexer/parse/ids.ts';
import { resolveTag, resolveTags } from '../../src/indexer/parse/tags.ts';

describe('slugFromFileName', () => {
  it('keeps CJK letters and digits and folds the rest to dashes', () => {
    expect(slugFromFileName('2020-12-01-中共持續　強拆 "教堂"#1%.md')).toBe('2020-12-01-中共持續-強拆-教堂-1');
  });

  it('handles newlines, backslashes and quotes in names', () => {
    expect(slugFromFileName('2020-10-23-a\\"b\nc.md')).toBe('2020-10-23-a-b-c');
  });

  it('cuts long names to 60 characters', () => {
    expect(Array.from(slugFromFileName(`${'長'.repeat(200)}.md`))).toHaveLength(60);
  });

  it('never returns an empty id', () => {
    expect(slugFromFileName('「」.md')).toBe('post');
  });

  it('folds full-width Latin and upper case', () => {
    expect(slugFromFileName('ＡＰＥＣ-Summit.html')).toBe('apec-summit');
  });
});

describe('assignIds', () => {
  it('gives colliding slugs distinct ids, the same whatever the input order', () => {
    const paths = ['b/2020-01-01-x.md', 'a/2020-01-01-x.md', 'c/2020-01-01-X.html'];
    const first = assignIds(paths);
    const second = assignIds([...paths].reverse());
    expect(first).toEqual(second);
    expect(first.get('a/2020-01-01-x.md')).toBe('2020-01-01-x');
    expect(new Set(first.values()).size).toBe(3);
    for (const id of first.values()) expect(id).toMatch(/^2020-01-01-x(-[0-9a-f]{8})?$/);
  });

  it('keeps an id when the file moves to another folder', () => {
    expect(assignIds(['_posts/2020-01-01-x.md']).get('_posts/2020-01-01-x.md')).toBe(
      assignIds(['archived/2020-01-01/2020-01-01-x.md']).get('archived/2020-01-01/2020-01-01-x.md'),
    );
  });
});

describe('tags', () => {
  it('makes the two spellings of CNA one tag', () => {
    expect(resolveTag('(臺)中央社CNA')).toEqual(resolveTag('cna'));
    expect(resolveTag('cna')).toEqual({ key: 'cna', label: '中央社' });
  });

  it('keeps unknown tags with their own label', () => {
    expect(resolveTag('RTI 中央廣播電臺')?.key).toBe('rti');
    expect(resolveTag('Nei.st')).toEqual({ key: 'nei.st', label: 'Nei.st' });
  });

  it('drops blanks and repeats after aliasing', () => {
    expect(resolveTags(['(臺)中央社CNA', ' ', 'cna', 'BBC'])).toEqual([
      { key: 'cna', label: '中央社' },
      { key: 'bbc', label: 'BBC' },
    ]);
  });
});

describe('detectLanguage', () => {
  it('tells Traditional from Simplified Chinese by their characters, and English from Latin text', async () => {
    const { detectLanguage } = await import('../../src/indexer/parse/language.ts');
    expect(detectLanguage('港口擴建案今天通過環境影響評估')).toBe('zh-Hant');
    expect(detectLanguage('港口扩建案今天通过环境影响评估')).toBe('zh-Hans');
    expect(detectLanguage('A paragraph written for this fixture, in English words.')).toBe('en');
    expect(detectLanguage('中文')).toBeUndefined();
    expect(detectLanguage('')).toBeUndefined();
  });

  it("counts each of OpenCC's characters in the script its two tables give it, as splitting their entries would", async () => {
    const { detectLanguage } = await import('../../src/indexer/parse/language.ts');
    const { default: tsCharacters } = await import('opencc-js/dict/TSCharacters');
    const { default: stCharacters } = await import('opencc-js/dict/STCharacters');
    // The plain definition: a character converted to something else is written in that table's script only.
    const plain = new Map<string, 'zh-Hant' | 'zh-Hans'>();
    for (const [dictionary, script] of [
      [tsCharacters, 'zh-Hant'],
      [stCharacters, 'zh-Hans'],
    ] as const) {
      for (const entry of dictionary.split('|')) {
        const [from, ...to] = entry.split(' ');
        if (from && to.length > 0 && !to.includes(from) && !plain.has(from)) plain.set(from, script);
      }
    }
    const characters = new Set([...`${tsCharacters}${stCharacters}`.matchAll(/\p{Script=Han}/gu)].map(([character]) => character));
    expect(characters.size).toBeGreaterThan(7000);
    const differing = [...characters].filter((character) => detectLanguage(character) !== plain.get(character));
    expect(differing).toEqual([]);
  });
});
