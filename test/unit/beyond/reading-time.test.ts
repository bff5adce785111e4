import { CJK_CHARACTERS_PER_MINUTE, LATIN_WORDS_PER_MINUTE, readingMinutes } from '../../../src/shared/reading-time.ts';

describe('readingMinutes', () => {
  it('counts Chinese text by characters, at 400 a minute', () => {
    expect(readingMinutes('新'.repeat(CJK_CHARACTERS_PER_MINUTE * 3))).toBe(3);
  });

  it('does not count Chinese punctuation and spaces as characters read', () => {
    expect(readingMinutes(`${'新聞'.repeat(400)}${'，。「」　'.repeat(400)}`)).toBe(2);
  });

  it('counts English text by words, at 230 a minute', () => {
    expect(readingMinutes(Array.from({ length: LATIN_WORDS_PER_MINUTE * 4 }, () => 'word').join(' '))).toBe(4);
  });

  it('counts a contraction, a hyphenated word and a number each as one word', () => {
    expect(readingMinutes(Array.from({ length: LATIN_WORDS_PER_MINUTE }, () => "don't well-known 3.5").join(' '))).toBe(3);
  });

  it('adds the Latin words of a mixed text to its Chinese characters', () => {
    const mixed = `${'台'.repeat(CJK_CHARACTERS_PER_MINUTE)} ${Array.from({ length: LATIN_WORDS_PER_MINUTE }, () => 'APEC').join(' ')}`;
    expect(readingMinutes(mixed)).toBe(2);
  });

  it('gives a short text one minute, and a text with nothing to read none', () => {
    expect(readingMinutes('短訊。')).toBe(1);
    expect(readingMinutes(' 。、— ')).toBe(0);
  });
});
