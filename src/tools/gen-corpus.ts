/**
 * `npm run gen:corpus`: a corpus of N posts for benchmarks, in one of two kinds.
 *
 *   npm run gen:corpus -- --from ../shared/corpus --posts 64000 --out .cache/corpus-64k   # real-shaped
 *   npm run gen:corpus -- --posts 200000 --out .cache/corpus-200k [--seed 1]              # synthetic
 *
 * Real-shaped (--from): real posts multiplied, see real-shaped-corpus.ts. Their cost per post is the real
 * one, so build times are; the bench's headline sizes use them.
 *
 * Synthetic (below): a deterministic archive in both front-matter families, its text made from the
 * project's own word lists (no real article text), with Zipf-distributed names: what the search
 * benchmarks need. Its posts cost about half as much to build as real ones.
 *
 * Shape, modelled on the measured corpus: median post ~3.5 KB with a long tail to ~400 KB; ~60 % seed
 * family (Markdown, `archived/YYYY-MM-DD/`), ~40 % agora family (HTML in `_posts/`, RTHK as CRLF
 * Markdown); dates spread over seven years; 30 outlets, CNA the largest; pictures in ~45 % of posts,
 * related-story blocks in ~30 %, CNA boilerplate (promo box, hidden carousel) and now and then a script.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { multiplyCorpus } from './real-shaped-corpus.ts';

export interface GenerateOptions {
  posts: number;
  out: string;
  seed?: number;
}

/** mulberry32: tiny, fast, and the same sequence everywhere for a seed (the tests' random inputs use it too). */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PLACES = [
  '台北',
  '新北',
  '桃園',
  '台中',
  '台南',
  '高雄',
  '基隆',
  '新竹',
  '嘉義',
  '花蓮',
  '台東',
  '宜蘭',
  '屏東',
  '澎湖',
  '金門',
  '東京',
  '首爾',
  '華府',
  '倫敦',
  '巴黎',
  '柏林',
  '香港',
  '新加坡',
  '雪梨',
];
const SUBJECTS = [
  '市府',
  '交通部',
  '經濟部',
  '衛福部',
  '教育部',
  '環境部',
  '農業部',
  '文化部',
  '研究團隊',
  '業者',
  '工會',
  '學生團體',
  '地方議會',
  '觀光協會',
  '氣象署',
  '央行',
  '立法院',
  '消保團體',
  '醫師公會',
  '科技大廠',
];
const VERBS = ['宣布', '表示', '指出', '預估', '提醒', '呼籲', '計畫', '評估', '公布', '啟動', '研擬', '完成', '延長', '調整', '擴大'];
const OBJECTS = [
  '新的補助方案',
  '年度預算',
  '交通改善計畫',
  '空氣品質監測',
  '偏鄉醫療服務',
  '長照據點',
  '再生能源設施',
  '港口擴建工程',
  '數位學習平台',
  '防災演練',
  '觀光推廣活動',
  '食品安全抽驗',
  '青年就業計畫',
  '老屋修繕補助',
  '公共運輸票價',
  '水資源調度',
];
const TAILS = [
  '預計明年上路',
  '將分三階段實施',
  '相關細節下月公布',
  '盼帶動地方發展',
  '民眾反應熱烈',
  '仍有待各界討論',
  '希望減輕民眾負擔',
  '並將持續追蹤成效',
  '以因應氣候變遷',
  '引發外界關注',
];
/**
 * Characters that synthetic names and terms are made of, so that the text has what real news has: a long
 * tail of rare words (people, places, companies) next to the common ones. Without it every token would be
 * in every post and the search index would be nothing like a real one.
 */
const NAME_CHARS =
  '王李張劉陳楊黃趙吳周徐孫馬朱胡郭何林羅高鄭梁謝宋唐許韓馮鄧曹彭曾蕭田董潘袁蔡蔣余杜葉程魏蘇呂丁任沈姚盧姜崔鍾譚陸汪范金石廖賈夏韋付方白鄒孟熊秦邱江尹薛閻段雷侯龍史陶黎賀顧毛郝龔邵萬錢嚴覃武戴莫孔向湯明國華建文平志偉東海麗強軍敏靜秀英慧巧美娟芳燕玲桂珍鳳潔琳素雲蓮真環雪榮愛妹霞香月鶯媛豔瑞凡佳嘉瓊勤珠莉桂娣葉璧璐婭琦晶妍茜秋珊莎錦黛青倩婷姣婉嫻瑾穎露瑤怡嬋雁蓓紈儀荷丹蓉眉君琴蕊薇菁夢嵐苑婕馨瑗琰韻融園藝詠卿聰瀾純毓悅昭冰爽琬茗羽希寧欣飄育瀅馥筠柔竹靄凝曉歡霄楓芸菲寒伊亞宜可姬舒影荔枝思麗峰振宇濤昌成康星光天達安岩中茂進林有堅和彪博誠先敬震振壯會思群豪心邦承樂紹功松善厚慶磊民友裕河哲江超浩亮政謙亨奇固之輪翰朗伯宏言若鳴朋斌梁棟維啟克倫翔旭鵬澤晨辰士以建家致樹炎德行時泰盛雄琛鈞冠策騰楠榕風航弘';
const NAME_COUNT = 60_000;
const TOPICS = ['颱風', '半導體', 'AI', '疫苗', '捷運', '電價', '房市', '選舉', '棒球', '地震', 'APEC', '觀光', '稻米', '綠能', '長照'];

/** Outlets as the two families spell them: [seed-family tag, agora category]. */
const OUTLETS: [string, string][] = [
  ['(臺)中央社CNA', 'cna'],
  ['法广', 'rfi'],
  ['联合早报', 'zaobao'],
  ['路透', 'reuters'],
  ['大纪元', 'epoch'],
  ['美国之音', 'voa'],
  ['德国之声', 'dw'],
  ['BBC', 'bbc'],
  ['RTI 中央廣播電臺', 'rti'],
  ['自由亚洲电台', 'rfa'],
  ['Solidot', 'solidot'],
  ['经济学人en', 'economist'],
  ['Nei.st', 'neist'],
  ['中国数字时代', 'cdt'],
  ['纽约时报', 'nyt'],
  ['维权网', 'wqw'],
  ['寒冬', 'hd'],
  ['金融时报', 'ft'],
  ['香港電台', 'rthk'],
  ['半島電視台', 'aj'],
  ['共同社', 'kyodo'],
  ['朝鮮日報', 'chosun'],
  ['端傳媒', 'initium'],
  ['報導者', 'twreporter'],
  ['公視新聞', 'pts'],
  ['上報', 'upmedia'],
  ['關鍵評論網', 'tnl'],
  ['風傳媒', 'storm'],
  ['鏡週刊', 'mirror'],
  ['天下雜誌', 'cw'],
];

/** Name number r of the synthetic corpus (1 = the most frequent): the same name for every seed. */
export function syntheticName(r: number): string {
  const length = 2 + (r % 3 === 0 ? 1 : 0);
  let out = '';
  for (let k = 0, h = Math.imul(r, 2654435761) >>> 0; k < length; k++, h = Math.imul(h ^ (h >>> 13), 1274126177) >>> 0)
    out += NAME_CHARS[h % NAME_CHARS.length];
  return out;
}

/** Bumped whenever the generated text changes, so that cached corpora are made again. */
export const CORPUS_VERSION = 2;

const START = Date.UTC(2019, 0, 1);
const SPAN_MS = 7 * 365 * 86_400_000;

export async function generateCorpus(options: GenerateOptions): Promise<{ files: number; bytes: number }> {
  const rand = random(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  /** Zipf-like: name r is picked with probability ∝ 1/r, as words are in real text. */
  const someName = () => syntheticName(Math.floor(Math.exp(rand() * Math.log(NAME_COUNT))));
  const sentence = () => {
    const roll = rand();
    if (roll < 0.4) return `${pick(PLACES)}${pick(SUBJECTS)}今天${pick(VERBS)}${pick(OBJECTS)}，${pick(TAILS)}。`;
    if (roll < 0.7) return `${someName()}${pick(VERBS)}，${pick(PLACES)}的${pick(OBJECTS)}${pick(TAILS)}，${someName()}也到場。`;
    if (roll < 0.85)
      return `${someName()}在${2000 + Math.floor(rand() * 27)}年${1 + Math.floor(rand() * 12)}月${pick(VERBS)}${pick(OBJECTS)}，金額約${1 + Math.floor(rand() * 900)}億元。`;
    return `${pick(TOPICS)}領域的${someName()}與${someName()}${pick(VERBS)}合作，代號${String.fromCharCode(65 + Math.floor(rand() * 26))}${Math.floor(rand() * 9000)}。`;
  };
  const paragraph = (n: number) => Array.from({ length: n }, sentence).join('');
  /** Paragraph count: log-normal with a median of ~16 (≈3.5 KB posts); one post in 2,000 is a ~300 KB giant. */
  const paragraphCount = () =>
    rand() < 0.0005 ? 1200 + Math.floor(rand() * 600) : Math.min(1200, Math.max(1, Math.round(Math.exp(2.8 + 0.85 * gaussian(rand)))));

  const folders = new Set<string>();
  let bytes = 0;
  const pending: Promise<void>[] = [];
  const flush = async () => {
    await Promise.all(pending);
    pending.length = 0;
  };

  for (let i = 0; i < options.posts; i++) {
    // Newer years hold more posts, as real mirrors do.
    const when = new Date(START + Math.floor(Math.sqrt(rand()) * SPAN_MS));
    const outletIndex = rand() < 0.35 ? 0 : Math.floor(rand() * OUTLETS.length);
    const [seedTag, agoraCategory] = OUTLETS[outletIndex]!;
    const title = `${pick(TOPICS)}：${pick(PLACES)}${pick(SUBJECTS)}${pick(VERBS)}${pick(OBJECTS)} ${i}`;
    const paragraphs = Array.from({ length: paragraphCount() }, () => paragraph(1 + Math.floor(rand() * 3)));
    const hasPicture = rand() < 0.45;
    const related =
      rand() < 0.3
        ? Array.from(
            { length: 1 + Math.floor(rand() * 3) },
            () => [paragraph(1).slice(0, 24), `https://www.cna.com.tw/news/aipl/${20190000 + Math.floor(rand() * 7000000)}.aspx`] as const,
          )
        : [];
    const picture = `https://imgcdn.cna.com.tw/www/WebPhotos/800/${when.toISOString().slice(0, 10).replace(/-/g, '')}/1200x800_${i}.jpg`;
    const seedFamily = rand() < 0.6;
    const day = when.toISOString().slice(0, 10);
    let folder: string;
    let name: string;
    let text: string;
    if (seedFamily) {
      const url = `https://www.example-news.tw/${agoraCategory}/${i}.html`;
      const figure = hasPicture
        ? `<div><div style="--aspect-ratio:1200/800;"><picture><source media="(max-width: 414px)" data-srcset="${picture}"><img class='lazyload' data-src="${picture}" alt="${paragraph(1)}" data-srcset="${picture} 414w, ${picture.replace('/800/', '/1024/')} 1024w"></picture></div><div>${paragraph(1)}</div></div>`
        : '';
      const more = related.length
        ? `<div class='paragraph moreArticle'><div class='moreArticle-title'>延伸閱讀</div>${related.map(([t, u]) => `<a class='moreArticle-link' href='${u}'><i class='icon-dot'></i><span>${t}</span></a>`).join('')}</div>`
        : '';
      const script = rand() < 0.02 ? '<script>window.__bench = 1</script>' : '';
      text =
        `---\nlayout: post\ntitle: ${JSON.stringify(title)}\ndate: ${when.toISOString()}\nauthor: ${seedTag}\nfrom: ${url}\ntags: [ ${seedTag} ]\ncomments: True\ncategories: [ ${seedTag} ]\n---\n` +
        `<!--${when.getTime()}-->\n[${title}](${url})\n------\n\n<div>\n${figure}<div class="paragraph">${paragraphs.map((p) => `<p>${p}</p>`).join('')}${more}${script}</div>\n</div>\n`;
      folder = `archived/${day}`;
      name = `${day}-${title.slice(0, 50)}.md`;
    } else {
      const url = `https://www.example-news.tw/${agoraCategory}/a${i}.html`;
      const local = new Date(when.getTime() + 8 * 3_600_000);
      const date = `${local.toISOString().slice(0, 19).replace('T', ' ')}.000000000 +08:00`;
      if (agoraCategory === 'rthk') {
        text = `---\nlayout: post\ntitle: ${title}\ndate: ${date}\nlink: ${url}\ncategories: rthk\n---\n\n${paragraphs.join('\r\n\r\n')}\r\n`;
        name = `${local.toISOString().slice(0, 10)}-RTHK-${i}.md`;
      } else {
        const figure = hasPicture
          ? `<div><figure><picture style='--aspect-ratio:1200/800;'><source media='(max-width: 800px)' srcset='${picture} 1x'><img src='${picture}' alt='${paragraph(1)}'></picture><figcaption class='picinfo'>${paragraph(1)}</figcaption></figure></div>`
          : '';
        const inserts = related
          .map(
            ([t, u]) =>
              `<div class='media'><div class='insertGroup'><div><a class='insert' href='${new URL(u).pathname}'><span>${t}</span></a></div></div></div>`,
          )
          .join('');
        const promo =
          agoraCategory === 'cna'
            ? "<div class='gmailNews'><div class='gmailNewsWrapper'><span>透過 Google News</span><a href='https://news.google.com/x'>追蹤中央社</a></div></div>"
            : '';
        const carousel = rand() < 0.1 ? `<div class="paragraph" style="display: none"><div class="owl-carousel">${paragraph(2)}</div></div>` : '';
        text = `---\nlayout: post\ntitle: ${title}\ndate: ${date}\nlink: ${url}\ncategories: ${agoraCategory}\n---\n\n${figure}<div><p>${paragraphs[0]}</p>${inserts}${paragraphs
          .slice(1)
          .map((p) => `<p>${p}</p>`)
          .join('')}${promo}${carousel}`;
        name = `${local.toISOString().slice(0, 10)}-${agoraCategory.toUpperCase()}-${i}.html`;
      }
      folder = '_posts';
    }
    const dir = join(options.out, folder);
    if (!folders.has(dir)) {
      await mkdir(dir, { recursive: true });
      folders.add(dir);
    }
    bytes += Buffer.byteLength(text);
    pending.push(writeFile(join(dir, name), text));
    if (pending.length >= 64) await flush();
  }
  await flush();
  return { files: options.posts, bytes };
}

/** Standard normal deviate (Box–Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const posts = Number(argument('posts') ?? '1000');
  const from = argument('from');
  const out = argument('out') ?? `.cache/corpus-${from ? 'real-shaped-' : ''}${posts}`;
  if (!Number.isInteger(posts) || posts < 1) throw new Error(`--posts must be a whole number of posts, not ${argument('posts')}`);
  // Never over files already there: a larger earlier corpus would leave posts behind, and --out posts would be lost.
  if (existsSync(out) && readdirSync(out).length > 0) {
    console.error(`${out} is not empty: remove it or choose another --out`);
    process.exit(1);
  }
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  if (from) {
    const { files, bytes, sources, skipped } = await multiplyCorpus({ from, posts, out });
    console.log(`wrote ${files} copies of ${sources} real posts from ${from}, ${(bytes / 1e6).toFixed(1)} MB, to ${out} in ${seconds()} s`);
    if (skipped.length) console.log(`left out ${skipped.length} file(s) without front matter: ${skipped.slice(0, 5).join(', ')}`);
  } else {
    const { files, bytes } = await generateCorpus({ posts, out, seed: Number(argument('seed') ?? '1') });
    console.log(`wrote ${files} synthetic posts, ${(bytes / 1e6).toFixed(1)} MB, to ${out} in ${seconds()} s`);
  }
}
