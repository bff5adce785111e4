/**
 * textPrint (src/indexer/parse/text-print.ts) hashes clauses in one pass over code points: against the
 * split and replace that define it (plain-measures.ts).
 */
import { describe, expect, it } from 'vitest';
import { textPrint } from '../../../src/indexer/parse/text-print.ts';
import { random } from '../../../src/tools/gen-corpus.ts';
import { randomText, textPrintPlainly } from './plain-measures.ts';

function expectSamePrint(text: string): void {
  expect({ text, print: textPrint(text) }).toEqual({ text, print: textPrintPlainly(text) });
}

describe('textPrint', () => {
  it('ends clauses at Chinese and Latin clause marks and at line breaks, leaving the marks out', () => {
    expectSamePrint('第一句，第二句。第三句！第四句？第五；第六：第七、第八\n第九');
    expectSamePrint('One, two; three: four! five? six\nseven');
  });

  it('ends a clause at white space after a full stop, not at a full stop alone', () => {
    expectSamePrint('U.S. officials said 3.5 percent. Then more.\u00a0And a.\u200bb');
  });

  it('leaves out white space and punctuation inside a clause, and counts code points beyond the BMP once', () => {
    expectSamePrint('同一句 話「引號」— 𠮷野家😀\u3000還有\ud800');
    expectSamePrint('lone \ud800 \udc00 and \ud800 \ud800 \udc00 halves');
  });

  it('keeps the clauses with the smallest hashes when a text has more than the print holds', () => {
    expectSamePrint(Array.from({ length: 300 }, (_, n) => `第${n}句話`).join('。'));
  });

  it("sums a repeated clause's lengths, and caps a clause's length at 255", () => {
    expectSamePrint('同一句話。另一句。同一句話。同一句話\n另一句');
    expectSamePrint(`${'長'.repeat(300)}。短句。${'x'.repeat(256)}`);
    expectSamePrint(Array.from({ length: 90 }, () => '重複的一句話').join('，'));
  });

  it('gives the same print after a long text as before it (its scratch reused)', () => {
    const short = '第一句，第二句。';
    const before = textPrint(short);
    textPrint('句子，'.repeat(70_000));
    expect(textPrint(short)).toBe(before);
  });

  it('agrees with the split and replace on thousands of random mixes', () => {
    const next = random(20261205);
    for (let n = 0; n < 2000; n++) expectSamePrint(randomText(next, Math.floor(next() * 80)));
  });
});
