import { diffSentences, splitSentences } from '../../src/features/article/version-diff.ts';

describe('changes between two versions of an article', () => {
  it('splits Chinese and Latin sentences, keeping closing quotes with their sentence', () => {
    expect(splitSentences('他說：「明天見。」然後離開。\nIt rained! Then it stopped')).toEqual([
      '他說：「明天見。」',
      '然後離開。',
      'It rained!',
      'Then it stopped',
    ]);
  });

  it('marks sentences only in the older version removed and only in the newer added, a removed one before what replaced it', () => {
    const older = ['甲。', '乙。', '丙。'];
    const newer = ['甲。', '乙二。', '丙。', '丁。'];
    expect(diffSentences(older, newer)).toEqual([
      { kind: 'same', text: '甲。' },
      { kind: 'removed', text: '乙。' },
      { kind: 'added', text: '乙二。' },
      { kind: 'same', text: '丙。' },
      { kind: 'added', text: '丁。' },
    ]);
  });

  it('marks nothing in two equal versions', () => {
    expect(diffSentences(['甲。', '乙。'], ['甲。', '乙。']).every((part) => part.kind === 'same')).toBe(true);
  });
});
