/**
 * Words that differ between Taiwan and mainland usage beyond script, so that folding characters alone
 * cannot match them: CNA writes 蒲亭 and 紐西蘭 where other outlets write 普京 and 新西兰. A query for
 * one form also searches the others (see the browser's query expansion).
 *
 * Two sources: OpenCC's Taiwan phrase table (mainland → Taiwan vocabulary: 新西蘭 → 紐西蘭, 軟件 → 軟體),
 * and, because OpenCC does not cover people in the news, a short list of transliterated names kept here.
 */
import twPhrases from 'opencc-js/dict/TWPhrases';
import { foldText } from '../../shared/search-text.ts';

/** Names transliterated differently (Taiwan usage first). Add to it as the news needs. */
const NAME_VARIANTS: string[][] = [
  ['蒲亭', '普丁', '普京'],
  ['川普', '特朗普'],
  ['澤倫斯基', '泽连斯基'],
  ['馬克宏', '马克龙'],
  ['梅克爾', '默克尔'],
  ['施凱爾', '斯塔默'],
  ['納坦雅胡', '内塔尼亚胡'],
  ['艾爾段', '埃尔多安'],
  ['賀錦麗', '哈里斯'],
  ['馬杜洛', '马杜罗'],
  ['古特瑞斯', '古特雷斯'],
  ['神學士', '塔利班'],
  ['北韓', '朝鲜'],
  ['南韓', '韩国'],
  ['雪梨', '悉尼'],
  ['沙烏地', '沙特'],
  ['寮國', '老挝'],
];

let groups: string[][] | undefined;

/** Groups of folded words naming the same thing; each group has two or more distinct members. */
export function searchVariantGroups(): string[][] {
  if (groups) return groups;
  const pairs: string[][] = [...NAME_VARIANTS];
  for (const entry of twPhrases.split('|')) {
    const words = entry.split(' ').filter(Boolean);
    if (words.length >= 2) pairs.push(words);
  }
  // Merge groups that share a member, after folding (so 新西蘭 and 新西兰 are one member).
  const groupOf = new Map<string, Set<string>>();
  for (const pair of pairs) {
    const members = new Set(pair.map(foldText));
    if (members.size < 2) continue;
    const merged = new Set<string>();
    for (const member of members) for (const known of groupOf.get(member) ?? [member]) merged.add(known);
    for (const member of merged) groupOf.set(member, merged);
  }
  groups = [...new Set(groupOf.values())].map((set) => [...set].sort());
  groups.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  return groups;
}
