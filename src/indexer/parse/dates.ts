/**
 * Where a post's date is decided.
 *
 * Order of trust, as the generators wrote them:
 *   1. `date:` in the front matter (`2023-02-22T18:04:07.000Z`, `2025-11-01 05:34:03.000000000 +00:00`,
 *      `2020-05-16`, with or without fractions and offsets);
 *   2. the `<!--1677089047000-->` comment (epoch ms of the feed's pubDate) at the top of seed-family bodies;
 *   3. the `YYYY-MM-DD-` prefix of the file name.
 * A `date:` that is far from the file-name date is not trusted: upstream mirrors hold 2023 posts dated
 * 2001-07-31, while their file names carry the real day.
 */
import { TZDate } from '@date-fns/tz';

/** Wider than any time-zone shift between a file-name day and a UTC instant, narrower than a wrong year. */
export const MAX_DAYS_FROM_FILE_NAME = 3;

export type DateSource = 'front-matter' | 'epoch-comment' | 'file-name';

export interface DecidedDate {
  date: Date;
  source: DateSource;
  /** Why the front-matter date was not used, when it was not. */
  fallbackReason?: string;
}

const DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses a front-matter date. Without an offset, the time is wall-clock time in `timeZone`, as Jekyll
 * reads it in the site's zone. Returns undefined for anything that is not a real calendar instant.
 */
export function parseDateField(value: string, timeZone: string, wallTimes = new WallTimes()): Date | undefined {
  const match = DATE_TIME.exec(value.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', offset] = match;
  const parts = { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi, second: +s };
  if (!isRealCalendarTime(parts)) return undefined;
  const ms = Math.floor(Number(`0.${frac}`) * 1000);
  if (offset === undefined) return new Date(wallTimes.instantOf(parts, ms, timeZone));
  const utc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms);
  return new Date(utc - offsetMinutes(offset) * 60_000);
}

const MAX_WALL_TIMES = 100_000;

/**
 * Wall-clock times already converted, by zone and time: the zone's rules are looked up through Intl
 * (~30 µs a call), and every post converts its file-name day, which most posts share with others.
 * Kept by the caller from post to post (a thread's PostScratch); at most MAX_WALL_TIMES.
 */
export class WallTimes {
  private readonly instants = new Map<string, number>();

  instantOf(parts: { year: number; month: number; day: number; hour: number; minute: number; second: number }, ms: number, timeZone: string): number {
    const key = `${timeZone} ${parts.year} ${parts.month} ${parts.day} ${parts.hour} ${parts.minute} ${parts.second} ${ms}`;
    let instant = this.instants.get(key);
    if (instant === undefined) {
      instant = new TZDate(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, ms, timeZone).getTime();
      if (this.instants.size >= MAX_WALL_TIMES) this.instants.clear();
      this.instants.set(key, instant);
    }
    return instant;
  }
}

/** `<!--1677089047000-->` at the start of a body (seed family). */
export function readEpochComment(body: string): Date | undefined {
  const match = /^\s*<!--\s*(\d{10,13})\s*-->/.exec(body);
  if (!match) return undefined;
  const digits = match[1]!;
  const ms = digits.length === 13 ? Number(digits) : Number(digits) * 1000;
  return isPlausibleInstant(ms) ? new Date(ms) : undefined;
}

/** `2020-12-15-title.md` → midnight of that day in `timeZone`. */
export function readFileNameDate(fileName: string, timeZone: string, wallTimes = new WallTimes()): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[-_ ]|\.[a-z]+$)/i.exec(fileName);
  if (!match) return undefined;
  return parseDateField(`${match[1]}-${match[2]}-${match[3]}`, timeZone, wallTimes);
}

export function decidePostDate(input: { field?: string; body: string; fileName: string; timeZone: string; wallTimes?: WallTimes }): DecidedDate | undefined {
  const wallTimes = input.wallTimes ?? new WallTimes();
  const fromName = readFileNameDate(input.fileName, input.timeZone, wallTimes);
  const fromComment = readEpochComment(input.body);
  let fallbackReason: string | undefined;

  if (input.field === undefined || input.field.trim() === '') {
    fallbackReason = 'no date field';
  } else {
    const fromField = parseDateField(input.field, input.timeZone, wallTimes);
    if (!fromField || !isPlausibleInstant(fromField.getTime())) {
      fallbackReason = `date field "${input.field}" is not a valid date`;
    } else if (fromName && daysBetween(fromField, fromName) > MAX_DAYS_FROM_FILE_NAME) {
      fallbackReason = `date field "${input.field}" is ${Math.round(daysBetween(fromField, fromName))} days from the file-name date`;
    } else {
      return { date: fromField, source: 'front-matter' };
    }
  }
  if (fromComment && (!fromName || daysBetween(fromComment, fromName) <= MAX_DAYS_FROM_FILE_NAME)) {
    return { date: fromComment, source: 'epoch-comment', fallbackReason };
  }
  if (fromName) return { date: fromName, source: 'file-name', fallbackReason };
  return undefined;
}

function isRealCalendarTime(p: { year: number; month: number; day: number; hour: number; minute: number; second: number }): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 60) return false;
  const daysInMonth = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  return p.day <= daysInMonth;
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/** News archives start after the web did; anything before 1990 or after 2200 is a typo or a unit mix-up. */
function isPlausibleInstant(ms: number): boolean {
  return Number.isFinite(ms) && ms >= Date.UTC(1990, 0, 1) && ms < Date.UTC(2200, 0, 1);
}

function daysBetween(a: Date, b: Date): number {
  return Math.abs(a.getTime() - b.getTime()) / 86_400_000;
}
