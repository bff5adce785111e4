import {
  estimatedContainment,
  numbersAgree,
  parseStoryPrint,
  serializeStoryPrint,
  storyPrintOf,
  storyPrint,
  storySignature,
  storyTerms,
  storyTitle,
  storyTableOf,
  type StoryItem,
} from '../../../src/indexer/plan/same-story.ts';
import { findSameStories } from '../../../src/indexer/plan/story-pairs.ts';
import { ShingleScratch } from '../../../src/indexer/plan/shingle-hashes.ts';

// Our own sentences, in the manner of a wire story: long enough to make a signature.
const STORY = [
  '交通部今天宣布，連接北部兩座港口的新輪渡航線將於下個月正式啟航，每日往返四班，票價比照既有航線。',
  '交通部官員表示，新航線啟用後，兩港之間的旅行時間可望縮短一小時，並帶動沿線觀光與貨運。',
  '港務公司指出，碼頭候船室已完成整修，新增無障礙通道與電子票證閘門，旅客可預先在網路購票。',
  '地方政府也規劃接駁公車，配合船班時刻發車，讓旅客下船後能直接前往市區與主要景點。',
].join('');
const OTHER = [
  '氣象署今天表示，一道鋒面週末接近，北部與東北部地區將轉為陰雨天氣，氣溫明顯下降。',
  '山區可能出現局部大雨，民眾從事戶外活動應留意天氣變化，攜帶雨具並注意保暖。',
  '氣象署預估下週初鋒面通過後天氣回穩，各地早晚溫差大，清晨沿海空曠地區低溫約十四度。',
].join('');
const DAY = 24 * 3600 * 1000;
const item = (id: string, title: string, text: string, day: number, outlet?: string): StoryItem => {
  const print = storyPrint(`${title}\n${text}`, new ShingleScratch());
  return {
    id,
    title,
    time: Date.UTC(2026, 10, 1) + day * DAY,
    signature: print?.signature,
    shingles: print?.shingles ?? 0,
    terms: storyTerms(title, text.slice(0, 160), new ShingleScratch()),
    ...(outlet ? { outlet } : {}),
  };
};
// Posts of other days and topics: they make the shared names of a pair rare, as a real archive does.
const BACKGROUND = [STORY, OTHER, `${OTHER}${STORY}`, `${STORY.slice(40)}${OTHER}`].map((text, n) =>
  item(`background-${n}`, ['北部港口新輪渡航線下月啟航', '鋒面週末接近 北部轉雨', '週末天氣與航班', '港口整修完成'][n]!, text, 10 + n * 3, 'cna'),
);
const GREEN_ISLAND = '一艘載有百餘名乘客的渡輪今天清晨在綠島南寮漁港外海擱淺，海巡署派出巡防艇救援，所有乘客已平安上岸。';
const GREEN_ISLAND_OTHER_WORDS = '海巡署表示，綠島南寮漁港外海今晨有渡輪擱淺，巡防艇前往救援，接駁乘客返港，無人受傷，事故原因仍在調查。';

describe('same story', () => {
  it('finds a wire story run by another outlet later that day, with a sentence of its own added', () => {
    const found = findSameStories([
      item('a', '北部港口新輪渡航線下月啟航', STORY, 0, 'cna'),
      item('b', '新輪渡航線下月啟航 每日四班', `${STORY}記者現場直擊報導。`, 0.5, 'rti'),
    ]);
    expect(found.get('a')?.map((other) => other.id)).toEqual(['b']);
    expect(found.get('b')?.map((other) => other.id)).toEqual(['a']);
  });

  it('finds a copy written in Simplified characters', () => {
    const simplified =
      '交通部今天宣布，连接北部两座港口的新轮渡航线将于下个月正式启航，每日往返四班，票价比照既有航线。交通部官员表示，新航线启用后，两港之间的旅行时间可望缩短一小时，并带动沿线观光与货运。港务公司指出，码头候船室已完成整修，新增无障碍通道与电子票证闸门，旅客可预先在网络购票。';
    const found = findSameStories([item('hant', '北部港口新輪渡航線下月啟航', STORY, 0), item('hans', '北部港口新轮渡航线下月启航', simplified, 0)]);
    expect(found.get('hant')?.[0]?.id).toBe('hans');
  });

  it('leaves apart the same text published more than three days later', () => {
    expect(findSameStories([item('a', '北部港口新輪渡航線下月啟航', STORY, 0), item('b', '北部港口新輪渡航線下月啟航', STORY, 4)]).size).toBe(0);
  });

  it('leaves apart posts on other events', () => {
    expect(findSameStories([item('a', '北部港口新輪渡航線下月啟航', STORY, 0), item('b', '鋒面週末接近 北部轉雨', OTHER, 0)]).size).toBe(0);
  });

  it("leaves apart a recurring report whose title's numbers differ", () => {
    const daily = (n: number) =>
      `指揮中心今天公布新增${n}例境外移入個案，均為自國外返台民眾，入境後即進行居家檢疫並採檢，目前無新增本土病例，累計確診${700 + n}例。`;
    const found = findSameStories([item('a', '新增3例境外移入 累計703例', daily(3), 0), item('b', '新增4例境外移入 累計704例', daily(4), 1)]);
    expect(found.size).toBe(0);
  });

  it('takes one title whose numbers are all in the other as agreeing', () => {
    expect(numbersAgree(storyTitle('萊豬9項行政命令 明年元旦起實施').numbers, storyTitle('萊豬9項行政命令 2021年元旦起實施').numbers)).toBe(true);
    expect(numbersAgree(storyTitle('增7例 下午2時說明').numbers, storyTitle('增8例 下午2時說明').numbers)).toBe(false);
  });

  it("leaves apart one outlet's report of the next day that shares the first's background paragraphs", () => {
    const followUp = `港務公司今天表示，新航線首航延後一週，原因是碼頭閘門測試未完成。${STORY.slice(0, 90)}`;
    const found = findSameStories([
      item('a', '北部港口新輪渡航線下月啟航', STORY, 0, 'cna'),
      item('b', '輪渡首航延後一週 閘門測試未完成', followUp, 1.2, 'cna'),
    ]);
    expect(found.size).toBe(0);
  });

  it('leaves apart two parts of one series that share their title', () => {
    const found = findSameStories([
      item('a', '維權月報：港口城市的百年變遷與今日的輪渡航線紀錄（上）', STORY, 0, 'cna'),
      item('b', '維權月報：港口城市的百年變遷與今日的輪渡航線紀錄（下）', OTHER, 0, 'cna'),
    ]);
    expect(found.size).toBe(0);
  });

  it("finds the next morning's digest that repeats the title over a shorter text", () => {
    const found = findSameStories([
      item('a', '北部港口新輪渡航線下月啟航 每日往返四班', STORY, 0, 'cna'),
      item('b', '早安世界》北部港口新輪渡航線下月啟航 每日往返四班', `${STORY.slice(0, 50)}${OTHER.slice(0, 40)}`, 0.7, 'cna'),
    ]);
    expect(found.get('b')?.map((other) => other.id)).toEqual(['a']);
  });

  it("finds another outlet's report of one event in other words, from the rare names its title and lead share", () => {
    const found = findSameStories([
      ...BACKGROUND,
      item('cna', '綠島外海渡輪擱淺 乘客全數獲救', GREEN_ISLAND, 0, 'cna'),
      item('rti', '綠島渡輪擱淺 海巡接駁乘客返港', GREEN_ISLAND_OTHER_WORDS, 0.125, 'rti'),
    ]);
    expect(found.get('cna')?.map((other) => other.id)).toEqual(['rti']);
  });

  it("leaves apart another outlet's report in other words the next day", () => {
    const found = findSameStories([
      ...BACKGROUND,
      item('cna', '綠島外海渡輪擱淺 乘客全數獲救', GREEN_ISLAND, 0, 'cna'),
      item('rti', '綠島渡輪擱淺 海巡接駁乘客返港', GREEN_ISLAND_OTHER_WORDS, 0.8, 'rti'),
    ]);
    expect(found.has('cna')).toBe(false);
  });

  it("takes a toll rising within hours as one story, though the titles' numbers differ", () => {
    const found = findSameStories([
      item('a', '颱風侵襲北島增至12死 仍有5人失蹤', STORY, 0, 'cna'),
      item('b', '颱風侵襲北島增至20死 多處道路中斷', OTHER, 0.1, 'cna'),
    ]);
    expect(found.get('a')?.map((other) => other.id)).toEqual(['b']);
  });

  it("estimates the share of a short text held in a long one from the signatures' Jaccard and sizes", () => {
    expect(estimatedContainment(0.25, 100, 400)).toBeCloseTo(1);
    expect(estimatedContainment(0, 100, 400)).toBe(0);
  });

  it('reads a story print back as it was written to the build cache', () => {
    const print = storyPrintOf('北部港口新輪渡航線下月啟航', STORY, new ShingleScratch());
    expect(parseStoryPrint(serializeStoryPrint(print))).toEqual(print);
  });

  it("prints a post's title and text folded one after the other as the text joined by a line break", () => {
    const scratch = new ShingleScratch();
    for (const [title, text] of [
      ['北部港口新輪渡航線下月啟航', STORY],
      ['ＦＵＬＬ　ＷＩＤＴＨ Title 𠮷', `${STORY} 𠮷野家 ﬁne Café`],
      ['The ferry line opens', `Next month ${STORY}`],
      ['', STORY],
      ['短', ''],
    ]) {
      const joined = storyPrint(`${title}\n${text}`, scratch);
      // A long text folded before: the scratch's units hold nothing of it.
      storyPrint(STORY.repeat(20), scratch);
      const print = storyPrintOf(title!, text!, scratch);
      expect({ signature: print.signature, shingles: print.shingles }, title).toEqual({ signature: joined?.signature, shingles: joined?.shingles ?? 0 });
    }
  });

  it('takes a story print of another version as none, so that it is made again', () => {
    const [, ...parts] = JSON.parse(serializeStoryPrint(storyPrintOf('北部港口新輪渡航線下月啟航', STORY, new ShingleScratch()))) as unknown[];
    expect(parseStoryPrint(JSON.stringify([0, ...parts]))).toBeUndefined();
  });

  it('makes no signature of a text too short to tell', () => {
    expect(storySignature('短訊一則。', new ShingleScratch())).toBeUndefined();
  });

  it('finds the same pairs whatever the order the posts are given in', () => {
    const posts = [
      item('a', '北部港口新輪渡航線下月啟航', STORY, 0, 'cna'),
      item('b', '新輪渡航線下月啟航 每日四班', `${STORY}記者現場報導。`, 0.1, 'rti'),
      ...BACKGROUND,
    ];
    const pairs = (found: Map<string, { id: string }[]>) => [...found].map(([id, others]) => `${id}:${others.map((other) => other.id).join(',')}`).sort();
    expect(pairs(findSameStories([...posts].reverse()))).toEqual(pairs(findSameStories(posts)));
  });

  it("still pairs a story's reports after thousands of other days' posts have gone through the window", () => {
    // Three notices a day for 90 days, each titled on its own, then the story: the window's lists are swept many times.
    const notices = Array.from({ length: 270 * 12 }, (_, n) =>
      item(`notice-${n}`, `公告${String.fromCodePoint(0x4e00 + n)}${String.fromCodePoint(0x5000 + n)}事項`, '', n / 36),
    );
    const found = findSameStories([
      ...notices,
      item('a', '北部港口新輪渡航線下月啟航', STORY, 91, 'cna'),
      item('b', '新輪渡航線下月啟航 每日四班', `${STORY}記者現場報導。`, 91.1, 'rti'),
    ]);
    expect([...found.keys()].sort()).toEqual(['a', 'b']);
  });

  it('keeps each post’s signature, shingles and terms in the packed table', () => {
    const posts = [item('a', '北部港口新輪渡航線下月啟航', STORY, 0), item('short', '短訊', '短訊一則。', 0)];
    const table = storyTableOf(posts);
    expect(table.signatureOf(0)).toEqual(posts[0]!.signature);
    expect(table.signatureOf(1)).toBeUndefined();
    expect(table.termHashes.subarray(table.termStarts[0], table.termStarts[1])).toEqual(posts[0]!.terms!.hashes);
  });
});
