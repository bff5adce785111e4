/**
 * UI text in Traditional Chinese (the default) and English. Post text is never translated.
 */
import { createContext, useContext, type ReactNode } from 'react';

export type Locale = 'zh-Hant' | 'en';

const zhHant = {
  siteTitle: '新聞典藏閱讀器',
  skipToContent: '跳到主要內容',
  settings: '閱讀設定',
  theme: '主題',
  themeSystem: '跟隨系統',
  themeLight: '淺色',
  themeDark: '深色',
  textSize: '文字大小',
  textSmaller: '縮小文字',
  textLarger: '放大文字',
  width: '版面寬度',
  widthNarrow: '窄',
  widthWide: '寬',
  language: '語言',
  loading: '載入中…',
  retry: '重試',
  loadFailed: '無法載入資料。',
  listTitle: '所有文章',
  resultCount: (n: number) => `共 ${n.toLocaleString('zh-TW')} 篇`,
  emptyArchive: '典藏中還沒有文章。',
  noResults: '沒有符合條件的文章。',
  clearFilters: '清除所有條件',
  filters: '篩選',
  outlets: '來源',
  dateRange: '日期',
  from: '從',
  to: '到',
  today: '今天',
  last7Days: '最近 7 天',
  last30Days: '最近 30 天',
  allDates: '全部日期',
  titleFilter: '標題關鍵字',
  titleFilterPlaceholder: '輸入標題中的字詞',
  scanning: (done: number, total: number) => `比對標題中…（${done}/${total}）`,
  timeline: '每日文章數',
  timelineHelp: '點選長條選擇一天，按住 Shift 點選可選擇範圍；方向鍵移動，Enter 選擇。',
  postsOnDay: (day: string, n: number) => `${day}：${n} 篇`,
  read: '已讀',
  readOriginal: '閱讀原文',
  noOriginal: '沒有原文連結',
  related: '相關新聞',
  inArchive: '典藏內',
  external: '外部連結',
  opensInNewTab: '（另開新分頁）',
  previous: '較早一篇',
  next: '較新一篇',
  backToList: '回到列表',
  notFound: '找不到這個頁面',
  notFoundBody: '網址可能有誤，或文章已不在典藏中。',
  imageUnavailable: '圖片無法顯示',
  shortcuts: '鍵盤快捷鍵',
  shortcutNext: '下一篇',
  shortcutPrevious: '上一篇',
  shortcutOpen: '開啟原文',
  shortcutFilter: '搜尋標題',
  shortcutHelp: '顯示這份說明',
  close: '關閉',
  byline: '作者',
};

type Messages = typeof zhHant;

const en: Messages = {
  siteTitle: 'News Archive Reader',
  skipToContent: 'Skip to content',
  settings: 'Reading settings',
  theme: 'Theme',
  themeSystem: 'System',
  themeLight: 'Light',
  themeDark: 'Dark',
  textSize: 'Text size',
  textSmaller: 'Smaller text',
  textLarger: 'Larger text',
  width: 'Width',
  widthNarrow: 'Narrow',
  widthWide: 'Wide',
  language: 'Language',
  loading: 'Loading…',
  retry: 'Retry',
  loadFailed: 'Could not load the data.',
  listTitle: 'All articles',
  resultCount: (n: number) => `${n.toLocaleString('en')} articles`,
  emptyArchive: 'The archive holds no articles yet.',
  noResults: 'No article matches these filters.',
  clearFilters: 'Clear all filters',
  filters: 'Filters',
  outlets: 'Outlets',
  dateRange: 'Dates',
  from: 'From',
  to: 'To',
  today: 'Today',
  last7Days: 'Last 7 days',
  last30Days: 'Last 30 days',
  allDates: 'All dates',
  titleFilter: 'Words in title',
  titleFilterPlaceholder: 'Type words from a title',
  scanning: (done: number, total: number) => `Matching titles… (${done}/${total})`,
  timeline: 'Articles per day',
  timelineHelp: 'Click a bar to pick a day, Shift-click to pick a range; arrow keys move, Enter picks.',
  postsOnDay: (day: string, n: number) => `${day}: ${n} articles`,
  read: 'Read',
  readOriginal: 'Read the original',
  noOriginal: 'No original link',
  related: 'Related stories',
  inArchive: 'In archive',
  external: 'External',
  opensInNewTab: '(opens in a new tab)',
  previous: 'Older article',
  next: 'Newer article',
  backToList: 'Back to list',
  notFound: 'Page not found',
  notFoundBody: 'The address may be wrong, or the article is no longer in the archive.',
  imageUnavailable: 'Image unavailable',
  shortcuts: 'Keyboard shortcuts',
  shortcutNext: 'Next article',
  shortcutPrevious: 'Previous article',
  shortcutOpen: 'Open the original',
  shortcutFilter: 'Filter by title',
  shortcutHelp: 'Show this help',
  close: 'Close',
  byline: 'By',
};

export const MESSAGES: Record<Locale, Messages> = { 'zh-Hant': zhHant, en };

const LocaleContext = createContext<Locale>('zh-Hant');

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useMessages(): Messages {
  return MESSAGES[useContext(LocaleContext)];
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}
