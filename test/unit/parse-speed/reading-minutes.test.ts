/**
 * readingMinutes (src/shared/reading-time.ts) counts in one pass over code points: against the regular
 * expressions that define it (plain-measures.ts).
 */
import { describe, expect, it } from 'vitest';
import { readingMinutes } from '../../../src/shared/reading-time.ts';
import { random } from '../../../src/tools/gen-corpus.ts';
import { randomText, readingMinutesPlainly } from './plain-measures.ts';

/** A text 230 times over, on lines of their own: each word of it is a minute, each CJK character 0.575. */
const wordy = (text: string) => Array.from({ length: 230 }, () => text).join('\n');

describe('readingMinutes', () => {
  it('counts words joined by one apostrophe, hyphen or dot as one, and by two as two', () => {
    for (const text of ["don't", 'well-known', 'a.b.c', "a''b", 'a.-b', 'a. b', '-a-', "'a'", 'a-', '3.5.'])
      expect({ text, minutes: readingMinutes(wordy(text)) }).toEqual({ text, minutes: readingMinutesPlainly(wordy(text)) });
  });

  it('splits a word at a CJK character, as a space would', () => {
    for (const text of ['a字b', 'a字-b', 'a-字b', 'AI晶片', 'カタカナword'])
      expect({ text, minutes: readingMinutes(wordy(text)) }).toEqual({ text, minutes: readingMinutesPlainly(wordy(text)) });
  });

  it('agrees with the regular expressions on thousands of random mixes', () => {
    const next = random(20261205);
    for (let n = 0; n < 1000; n++) {
      const text = randomText(next, Math.floor(next() * 40));
      expect({ text, minutes: readingMinutes(wordy(text)) }).toEqual({ text, minutes: readingMinutesPlainly(wordy(text)) });
    }
  });
});
