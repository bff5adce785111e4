/**
 * Outlet tags. The two front-matter families name the same outlet differently (`(臺)中央社CNA` in the seed
 * family, `cna` in the agora family); this alias map makes each outlet one filterable tag.
 *
 * To add an alias: add the spelling to `aliases` of the outlet's entry (matching ignores case and spaces).
 * Tags not listed here keep their own spelling as label, and a lower-cased key.
 */
import type { TagRef } from '../../shared/types.ts';

interface OutletEntry {
  key: string;
  label: string;
  aliases: string[];
}

export const OUTLET_ALIASES: readonly OutletEntry[] = [
  { key: 'cna', label: '中央社', aliases: ['(臺)中央社CNA', '(台)中央社CNA', 'cna', '中央社', 'CNA'] },
  { key: 'rthk', label: '香港電台', aliases: ['rthk', 'RTHK'] },
  { key: 'aj', label: '半島電視台', aliases: ['aj', 'Al Jazeera', '半岛电视台'] },
  { key: 'kyodo', label: '共同社', aliases: ['kyodo', '共同网', '共同社'] },
  { key: 'dw', label: '德國之聲', aliases: ['dw', '德国之声', '德國之聲'] },
  { key: 'bbc', label: 'BBC', aliases: ['bbc', 'BBC', 'BBC中文'] },
  { key: 'chosun', label: '朝鮮日報', aliases: ['chosun', '朝鲜日报', '朝鮮日報'] },
  { key: 'nyt', label: '紐約時報', aliases: ['nyt', '纽约时报', '紐約時報'] },
  { key: 'rfi', label: '法廣', aliases: ['法广', '法廣', 'rfi'] },
  { key: 'zaobao', label: '聯合早報', aliases: ['联合早报', '聯合早報', 'zaobao'] },
  { key: 'reuters', label: '路透', aliases: ['路透', 'reuters'] },
  { key: 'voa', label: '美國之音', aliases: ['美国之音', '美國之音', 'voa'] },
  { key: 'rfa', label: '自由亞洲電台', aliases: ['自由亚洲电台', '自由亞洲電台', 'rfa'] },
  { key: 'rti', label: '中央廣播電臺', aliases: ['RTI 中央廣播電臺', 'rti'] },
  { key: 'ft', label: '金融時報', aliases: ['金融时报', '金融時報', 'ft'] },
];

const byAlias = new Map<string, TagRef>();
for (const entry of OUTLET_ALIASES) {
  for (const alias of entry.aliases) byAlias.set(aliasKey(alias), { key: entry.key, label: entry.label });
}

function aliasKey(tag: string): string {
  return tag.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** One tag as written → its filter key and label. Returns undefined for blank tags. */
export function resolveTag(raw: string): TagRef | undefined {
  const label = raw.normalize('NFKC').replace(/\s+/g, ' ').trim();
  if (label === '') return undefined;
  const known = byAlias.get(aliasKey(label));
  if (known) return known;
  return { key: label.toLowerCase(), label };
}

/** All tags of a post, aliased and without repeats, in the order first written. */
export function resolveTags(raw: readonly string[]): TagRef[] {
  const seen = new Map<string, TagRef>();
  for (const tag of raw) {
    const ref = resolveTag(tag);
    if (ref && !seen.has(ref.key)) seen.set(ref.key, ref);
  }
  return [...seen.values()];
}
