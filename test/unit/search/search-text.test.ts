import { foldText, foldWithOrigins, tokenize } from '../../../src/shared/search-text.ts';

describe('folding', () => {
  it('folds Traditional to Simplified, character by character', () => {
    expect(foldText('習近平訪問臺灣')).toBe(foldText('习近平访问台湾'));
    expect(foldText('烏克蘭')).toBe('乌克兰');
    expect(foldText('後來發現頭髮')).toBe('后来发现头发');
  });

  it('folds full-width letters and digits to half-width, and case', () => {
    expect(foldText('ＡＰＥＣ　２０２６年')).toBe('apec 2026年');
    expect(foldText('Hong KONG')).toBe('hong kong');
  });

  it('folds compatibility ideographs to the unified ones', () => {
    // U+F9A8 is a compatibility form of 令.
    expect(foldText('\uF9A8')).toBe('令');
  });

  it('maps every folded character back to where it came from', () => {
    const text = 'Ａ臺灣 x';
    const { folded, origins } = foldWithOrigins(text);
    expect(folded).toBe('a台湾 x');
    expect(origins).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('tokens', () => {
  it('cuts Chinese into overlapping pairs of characters', () => {
    expect(tokenize('烏克蘭總統')).toEqual(['乌克', '克兰', '兰总', '总统']);
  });

  it('keeps a lone character between separators as a token', () => {
    expect(tokenize('雨，停了')).toEqual(['雨', '停了']);
  });

  it('keeps Latin words and numbers whole, and joins them to adjacent Chinese', () => {
    expect(tokenize('2026年APEC峰會')).toEqual(['2026', '2026年', 'apec', '年apec', 'apec峰', '峰会']);
    expect(tokenize('AI晶片')).toEqual(['ai', 'ai晶', '晶片']);
  });

  it('pairs Latin words separated only by white space (for phrases), not across punctuation', () => {
    expect(tokenize('Hong Kong, Macau')).toEqual(['hong', 'kong', 'hong kong', 'macau']);
  });

  it('reads full-width and mixed-script text the same as its half-width form', () => {
    expect(tokenize('ＡＩ晶片')).toEqual(tokenize('ai晶片'));
    expect(tokenize('習近平')).toEqual(tokenize('习近平'));
  });

  it('skips very long runs of letters (URLs, hashes)', () => {
    expect(tokenize(`see ${'a'.repeat(40)} now`)).toEqual(['see', 'now']);
  });

  it('treats Japanese kana and Korean like Chinese', () => {
    expect(tokenize('ソウル서울')).toEqual(['ソウ', 'ウル', 'ル서', '서울']);
  });
});
