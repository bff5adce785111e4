import { parseQuery } from '../../../src/features/search/parse-query.ts';

describe('parsing a query', () => {
  it('splits words on white space, each folded and tokenized', () => {
    const { terms } = parseQuery('烏克蘭  APEC');
    expect(terms.map((term) => [term.text, term.spellings[0]!.folded, term.spellings[0]!.tokens, term.spellings[0]!.prefixes])).toEqual([
      ['烏克蘭', '乌克兰', [], ['乌克兰']],
      ['APEC', 'apec', ['apec'], []],
    ]);
  });

  it('requires a run of two or four characters as one token, of one or three as the start of tokens, longer as its grams', () => {
    const spelling = (query: string) => parseQuery(query).terms[0]!.spellings[0]!;
    expect(spelling('美國').tokens).toEqual(['美!国']);
    expect(spelling('美國總統').tokens).toEqual(['美国总统']);
    expect(spelling('習').prefixes).toEqual(['习']);
    expect(spelling('立法院').prefixes).toEqual(['立法院']);
    expect(spelling('中華人民共和國').tokens).toEqual(['中华人民', '华人民共', '人民共和', '民共和国']);
  });

  it('keeps the words, joins and pairs of a term beside its runs', () => {
    const spelling = parseQuery('AI晶片').terms[0]!.spellings[0]!;
    expect(spelling.tokens).toEqual(['ai', 'ai晶', '晶!片']);
    expect(parseQuery('COVID-19').terms[0]!.spellings[0]!.tokens).toEqual(['covid', '19', 'covid-19']);
  });

  it('highlights a term’s runs and words without the punctuation around them', () => {
    const needles = (query: string) => parseQuery(query).terms.flatMap((term) => term.spellings[0]!.needles);
    expect(needles('習近平。')).toEqual(['习近平']);
    expect(needles('《國安法》')).toEqual(['国安法']);
    expect(needles('習近平，蔡英文')).toEqual(['习近平', '蔡英文']);
    expect(needles('"Hong Kong" U.S.')).toEqual(['hong kong', 'u.s']);
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
    expect(terms[1]!.spellings[0]!.tokens).toEqual(['王毅访问']);
  });

  it('reads -word and -"a phrase" as exclusions', () => {
    const { terms } = parseQuery('颱風 -停班 -"typhoon warning"');
    expect(terms.map((term) => [term.text, term.negated])).toEqual([
      ['颱風', false],
      ['停班', true],
      ['typhoon warning', true],
    ]);
  });

  it('searches single Chinese characters', () => {
    const parsed = parseQuery('雨 颱風');
    expect(parsed.terms.map((term) => term.text)).toEqual(['雨', '颱風']);
  });

  it('adds the regional variants of a word as other spellings', () => {
    const variants = [
      ['普丁', '普京', '蒲亭'],
      ['新西兰', '纽西兰'],
    ];
    const { terms } = parseQuery('普京 紐西蘭總理', variants);
    expect(terms[0]!.spellings.map((spelling) => spelling.folded)).toEqual(['普京', '普丁', '蒲亭']);
    expect(terms[1]!.spellings.map((spelling) => spelling.folded)).toEqual(['纽西兰总理', '新西兰总理']);
  });

  it('ignores punctuation-only words and repeated terms', () => {
    expect(parseQuery('，。 - 颱風 颱風 台风').terms.map((term) => term.text)).toEqual(['颱風']);
  });
});
