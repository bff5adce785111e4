/**
 * Dates as readers of the archive expect them: in the archive's time zone (not the reader's), in zh-TW
 * or English.
 */
import { format } from 'date-fns';
import { TZDate } from '@date-fns/tz';
import { enUS } from 'date-fns/locale/en-US';
import { zhTW } from 'date-fns/locale/zh-TW';
import type { DayKey } from '../shared/types.ts';
import type { Locale } from './i18n.tsx';

const LOCALES = { 'zh-Hant': zhTW, en: enUS } as const;

/** `2023年2月23日 星期四 02:04` */
export function formatDateTime(iso: string, timeZone: string, locale: Locale): string {
  const date = new TZDate(iso, timeZone);
  return format(date, locale === 'en' ? 'EEEE, d MMMM yyyy, HH:mm' : 'yyyy年M月d日 EEEE HH:mm', { locale: LOCALES[locale] });
}

/** `2月23日 02:04`: a compact row's date. */
export function formatShortDateTime(iso: string, timeZone: string, locale: Locale): string {
  return format(new TZDate(iso, timeZone), locale === 'en' ? 'd MMM HH:mm' : 'M月d日 HH:mm', { locale: LOCALES[locale] });
}

/** One formatter per time zone: each row shows a time, and date-fns' TZDate cost ~10x as much per row while scrolling. */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `02:04` */
export function formatTime(iso: string, timeZone: string): string {
  let formatter = timeFormats.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    timeFormats.set(timeZone, formatter);
  }
  return formatter.format(new Date(iso));
}

/** A day heading: `2023年2月23日 星期四` */
export function formatDay(day: DayKey, locale: Locale): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return format(new Date(y, m - 1, d), locale === 'en' ? 'EEEE, d MMMM yyyy' : 'yyyy年M月d日 EEEE', { locale: LOCALES[locale] });
}

/** Today's day key in the archive's time zone. */
export function todayIn(timeZone: string, now = new Date()): DayKey {
  return format(new TZDate(now, timeZone), 'yyyy-MM-dd');
}

export function addDays(day: DayKey, delta: number): DayKey {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d + delta));
  return date.toISOString().slice(0, 10);
}
