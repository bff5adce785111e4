import { isTokenOfRun } from '../../../src/shared/search-format.ts';
import { foldCodePoint, foldText, foldWithOrigins, tokenize } from '../../../src/shared/search-text.ts';

/** Where two strings first differ, with a few units of each from there (undefined when equal): a short failure for long texts. */
function firstDifference(got: string, want: string): { at: number; got: string; want: string } | undefined {
  if (got === want) return undefined;
  let at = 0;
  while (got[at] === want[at]) at++;
  return { at, got: got.slice(at, at + 8), want: want.slice(at, at + 8) };
}

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

  it('folds the characters OpenCC converts only inside phrases, everywhere (著 → 着, 瞭 → 了, 藉 → 借, 覆 → 复)', () => {
    expect(foldText('隨著瞭解藉此答覆')).toBe(foldText('随着了解借此答复'));
    expect(foldText('隨著')).toBe('随着');
  });

  it('folds Hong Kong and Taiwan variant characters as the standard ones (衞 → 衛 → 卫)', () => {
    expect(foldText('保衞')).toBe(foldText('保衛'));
    expect(foldText('保衞')).toBe('保卫');
  });

  it('leaves Simplified characters that are the table’s own targets alone (沈 the surname, 坏)', () => {
    expect(foldText('沈')).toBe('沈');
    expect(foldText('沈')).not.toBe(foldText('沉'));
    expect(foldText('坏')).toBe(foldText('壞'));
  });

  it('folds every character to a fixed point (folding twice changes nothing)', () => {
    const text = '隨著瞭解藉覆衞著保衛壞沈瀋麼么後發臺灣乾燥';
    expect(foldText(foldText(text))).toBe(foldText(text));
  });

  it('folds compatibility ideographs to the unified ones', () => {
    // U+F9A8 is a compatibility form of 令.
    expect(foldText('\uF9A8')).toBe('令');
  });

  it('folds a long text of expansions, astral characters and lone surrogates as it folds each character', () => {
    // U+FDFA folds to 18 characters and ㎏ to 2: the folded text is far longer than the text.
    const pieces = ['\uFDFA', '㎏', '𠮷', '\ud800', '\udc00', '臺', 'Ａ', 'x'];
    const text = Array.from({ length: 20_000 }, (_, n) => pieces[(n * 7) % pieces.length]).join('');
    expect(foldText(text)).toBe([...text].map((char) => foldText(char)).join(''));
    expect(foldText(text).length).toBeGreaterThan(text.length * 2);
  });

  it('folds every unit of the Basic Multilingual Plane as foldCodePoint folds it, twice over (the second time from what the first learnt)', () => {
    const units = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit));
    // Lone surrogates between spaces, so that no two make a pair.
    const text = units.join(' ');
    const expected = units.map((char) => foldCodePoint(char.charCodeAt(0))).join(' ');
    expect(firstDifference(foldText(text), expected)).toBeUndefined();
    expect(firstDifference(foldText(text), expected)).toBeUndefined();
  });

  it('folds an astral character as one code point, not as its two surrogates, twice over (the second time from what the first learnt)', () => {
    // U+1D400 (bold A) folds to a, U+2F800 (a compatibility ideograph) to 丽: each unit alone folds to itself.
    expect(foldText('𝐀\u{2F800}')).toBe('a' + foldText('丽'));
    expect(foldText('𝐀\u{2F800}')).toBe('a' + foldText('丽'));
  });

  it('maps every folded character back to where it came from', () => {
    const text = 'Ａ臺灣 x';
    const { folded, origins } = foldWithOrigins(text);
    expect(folded).toBe('a台湾 x');
    expect(origins).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('tokens', () => {
  it('cuts Chinese into overlapping pairs and the grams of up to four characters starting at each character', () => {
    expect(tokenize('烏克蘭總統')).toEqual(['乌!克', '克!兰', '兰!总', '乌克兰总', '总!统', '克兰总统', '兰总统', '统']);
  });

  it('marks pairs, so that a character’s pairs sort right after it and apart from its longer grams and joins', () => {
    const tokens = [...new Set(tokenize('習近平表示，習AI'))].filter((token) => token.startsWith('习')).sort();
    expect(tokens).toEqual(['习', '习!近', '习ai', '习近平表']);
    expect(tokens.filter((token) => isTokenOfRun(token, '习'))).toEqual(['习', '习!近']);
  });

  it('cuts a run’s last grams short at its end, so that every character begins one', () => {
    expect(tokenize('立法院')).toEqual(['立!法', '法!院', '立法院', '院']);
    expect(tokenize('立法')).toEqual(['立!法', '法']);
  });

  it('keeps a lone character between separators as a token', () => {
    expect(tokenize('雨，停了')).toEqual(['雨', '停!了', '了']);
  });

  it('keeps Latin words and numbers whole, and joins them to adjacent Chinese', () => {
    expect(tokenize('2026年APEC峰會')).toEqual(['2026', '2026年', '年', 'apec', '年apec', 'apec峰', '峰!会', '会']);
    expect(tokenize('AI晶片')).toEqual(['ai', 'ai晶', '晶!片', '片']);
  });

  it('pairs Latin words separated only by white space (for phrases), not across punctuation', () => {
    expect(tokenize('Hong Kong, Macau')).toEqual(['hong', 'kong', 'hong kong', 'macau']);
  });

  it('makes triples of three adjacent Latin words, so that a phrase of three matches only where they are adjacent', () => {
    expect(tokenize('the Prime Minister of Japan')).toEqual([
      'the',
      'prime',
      'the prime',
      'minister',
      'prime minister',
      'the prime minister',
      'of',
      'minister of',
      'prime minister of',
      'japan',
      'of japan',
      'minister of japan',
    ]);
    expect(tokenize('COVID-19 vaccine, U.S. said')).toEqual(['covid', '19', 'covid-19', 'vaccine', '19 vaccine', 'covid-19 vaccine', 'u', 's', 'u.s', 'said']);
  });

  it('pairs Latin words joined by one hyphen or full stop, keeping the joiner', () => {
    expect(tokenize('COVID-19')).toEqual(['covid', '19', 'covid-19']);
    expect(tokenize('the U.S. said')).toEqual(['the', 'u', 'the u', 's', 'u.s', 'the u.s', 'said']);
    expect(tokenize('covid - 19, a--b')).toEqual(['covid', '19', 'a', 'b']);
  });

  it('reads full-width and mixed-script text the same as its half-width form', () => {
    expect(tokenize('ＡＩ晶片')).toEqual(tokenize('ai晶片'));
    expect(tokenize('習近平')).toEqual(tokenize('习近平'));
  });

  it('skips very long runs of letters (URLs, hashes)', () => {
    expect(tokenize(`see ${'a'.repeat(40)} now`)).toEqual(['see', 'now']);
  });

  it('treats Japanese kana and Korean like Chinese', () => {
    expect(tokenize('ソウル서울')).toEqual(['ソ!ウ', 'ウ!ル', 'ル!서', 'ソウル서', '서!울', 'ウル서울', 'ル서울', '울']);
  });
});
