import { searchVariantGroups } from '../../../src/indexer/search/search-variants.ts';
import { foldText } from '../../../src/shared/search-text.ts';

const groupOf = (word: string) => searchVariantGroups().find((group) => group.includes(foldText(word)));

describe('regional variant groups', () => {
  it('join names of people written differently in Taiwan and on the mainland', () => {
    expect(groupOf('蒲亭')).toEqual(expect.arrayContaining(['普京', '普丁']));
    expect(groupOf('馬克宏')).toContain('马克龙');
  });

  it('join places written differently in Taiwan and on the mainland', () => {
    expect(groupOf('紐西蘭')).toContain('新西兰');
    expect(groupOf('義大利')).toContain('意大利');
    expect(groupOf('紐澤西')).toContain('新泽西');
  });

  it('do not widen common words into other vocabulary', () => {
    for (const word of ['文件', '文檔', '檔案', '數據', '資料', '智慧', '智能', '程序', '程式', '進程', '軟件', '軟體', '信息', '網絡'])
      expect(groupOf(word)).toBeUndefined();
  });

  it('keep the Georgian country apart from the American state', () => {
    expect(groupOf('格魯吉亞')).not.toContain(foldText('佐治亞州'));
  });

  it('hold folded words of two characters or more, two or more in each group', () => {
    for (const group of searchVariantGroups()) {
      expect(group.length).toBeGreaterThanOrEqual(2);
      for (const member of group) {
        expect(member).toBe(foldText(member));
        expect([...member].length).toBeGreaterThanOrEqual(2);
      }
    }
  });
});
