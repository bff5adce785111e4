import { parseQuery } from '../../../src/features/search/parse-query.ts';

describe('parsing a query', () => {
  it('splits words on white space, each folded and tokenized', () => {
    const { terms } = parseQuery('烏克蘭  APEC');
    expect(terms.map((term) => [term.text, term.spellings[0]!.folded, term.spellings[0]!.tokens])).toEqual([
      ['烏克蘭', '乌克兰', ['乌克', '克兰']],
      ['APEC', 'apec', ['apec']],
    ]);
  });

  it('reads quoted phrases in ASCII and CJK quotes', () => {
    const { terms } = parseQuery('"Hong Kong" 「王毅 訪問」 “World Food”');
    // In the order typed.
    expect(terms.map((term) => [term.phrase, term.spellings[0]!.folded])).toEqual([
      [true, 'hong kong'],
      [true, '王毅访问'], // white space between Chinese characters is dropped: Chinese text has none
      [true, 'world food'],
    ]);
    expect(terms[0]!.spellings[0]!.tokens).toContain('hong kong');
    expect(terms[1]!.spellings[0]!.tokens).toContain('毅访');
  });

  it('reads -word and -"a phrase" as exclusions', () => {
    const { terms } = parseQuery('颱風 -停班 -"typhoon warning"');
    expect(terms.map((term) => [term.text, term.negated])).toEqual([
      ['颱風', false],
      ['停班', true],
      ['typhoon warning', true],
    ]);
  });

  it('sets aside single Chinese characters, which are not indexed alone', () => {
    const parsed = parseQuery('雨 颱風');
    expect(parsed.tooShort).toEqual(['雨']);
    expect(parsed.terms.map((term) => term.text)).toEqual(['颱風']);
  });

  it('adds the regional variants of a word as other spellings', () => {
    const variants = [['普丁', '普京', '蒲亭'], ['新西兰', '纽西兰']];
    const { terms } = parseQuery('普京 紐西蘭總理', variants);
    expect(terms[0]!.spellings.map((spelling) => spelling.folded)).toEqual(['普京', '普丁', '蒲亭']);
    expect(terms[1]!.spellings.map((spelling) => spelling.folded)).toEqual(['纽西兰总理', '新西兰总理']);
  });

  it('ignores punctuation-only words and repeated terms', () => {
    expect(parseQuery('，。 - 颱風 颱風 台风').terms.map((term) => term.text)).toEqual(['颱風']);
  });
});
