/**
 * Words that differ between Taiwan and mainland usage beyond script, so that folding characters alone
 * cannot match them: CNA writes 蒲亭 and 紐西蘭 where other outlets write 普京 and 新西兰. A query for
 * one form also searches the others (see the browser's query expansion).
 *
 * Proper names only, curated: people, countries, states and cities, companies. OpenCC's Taiwan phrase
 * table (the first source) also holds IT and everyday vocabulary (文件 → 文檔/檔案, 數據 → 資料,
 * 智慧 → 智能, 程序 → 程式/進程), which widened common words into other words; its names are copied
 * here instead. A name that is also a piece of common words is left out (加納/迦納: 增加納入; 尼日爾/尼日:
 * 尼日利亞; 卡達/卡塔爾: 刷卡達到; 獅子山 is also Hong Kong's Lion Rock), since a query for either would find the other's unrelated posts.
 */
import { foldText } from '../../shared/search-text.ts';

/** People in the news, transliterated differently (Taiwan usage first). Add to it as the news needs. */
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
  ['歐巴馬', '奥巴马'],
  ['神學士', '塔利班'],
];

/** Countries, states, cities and companies (Taiwan usage first), most from OpenCC's TWPhrases. */
const PLACE_VARIANTS: string[][] = [
  ['北韓', '朝鲜'],
  ['南韓', '韩国'],
  ['雪梨', '悉尼'],
  ['沙烏地', '沙特'],
  ['沙烏地阿拉伯', '沙特阿拉伯'],
  ['寮國', '老挝'],
  ['紐西蘭', '新西兰'],
  ['義大利', '意大利'],
  ['克羅埃西亞', '克罗地亚'],
  ['斯洛維尼亞', '斯洛文尼亚'],
  ['喬治亞', '格鲁吉亚'],
  ['喬治亞州', '佐治亚州'],
  ['哈薩克', '哈萨克斯坦'],
  ['烏茲別克', '乌兹别克斯坦'],
  ['塔吉克', '塔吉克斯坦'],
  ['土庫曼', '土库曼斯坦'],
  ['賴比瑞亞', '利比里亚'],
  ['奈及利亞', '尼日利亚'],
  ['肯亞', '肯尼亚'],
  ['坦尚尼亞', '坦桑尼亚'],
  ['衣索比亞', '埃塞俄比亚'],
  ['辛巴威', '津巴布韦'],
  ['尚比亞', '赞比亚'],
  ['索馬利亞', '索马里'],
  ['莫三比克', '莫桑比克'],
  ['波札那', '博茨瓦纳'],
  ['模里西斯', '毛里求斯'],
  ['茅利塔尼亞', '毛里塔尼亚'],
  ['厄利垂亞', '厄立特里亚'],
  ['突尼西亞', '突尼斯'],
  ['塞普勒斯', '塞浦路斯'],
  ['馬爾地夫', '马尔代夫'],
  ['瓜地馬拉', '危地马拉'],
  ['宏都拉斯', '洪都拉斯'],
  ['哥斯大黎加', '哥斯达黎加'],
  ['貝里斯', '伯利兹'],
  ['蓋亞那', '圭亚那'],
  ['多明尼加', '多米尼加'],
  ['巴布亞紐幾內亞', '巴布亚新几内亚'],
  ['索羅門群島', '所罗门群岛'],
  ['阿拉伯聯合大公國', '阿拉伯联合酋长国'],
  ['紐澤西', '新泽西'],
  ['維吉尼亞', '弗吉尼亚'],
  ['密西根', '密歇根'],
  ['威斯康辛', '威斯康星'],
  ['奧克拉荷馬', '俄克拉何马', '俄克拉荷马'],
  ['奧勒岡', '俄勒冈'],
  ['康乃狄克', '康涅狄格'],
  ['麻薩諸塞', '马萨诸塞'],
  ['北卡羅萊納', '北卡罗来纳'],
  ['南卡羅萊納', '南卡罗来纳'],
  ['新罕布夏', '新罕布什尔'],
  ['愛荷華', '艾奥瓦'],
  ['伊利諾', '伊利诺伊'],
  ['德拉瓦', '特拉华'],
  ['羅德島', '罗得岛'],
  ['波克夏海瑟威', '伯克希尔哈撒韦'],
];

let groups: string[][] | undefined;

/** Groups of folded words naming the same thing; each group has two or more distinct members. */
export function searchVariantGroups(): string[][] {
  if (groups) return groups;
  const pairs: string[][] = [...NAME_VARIANTS, ...PLACE_VARIANTS];
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
