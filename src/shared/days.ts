/**
 * Calendar days in the archive's time zone: a post published at 2023-02-22T18:04Z belongs to the
 * 23rd in Taipei, and the list, the timeline and the date filter all count it there.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD` of an instant in `timeZone`. */
export function dayKeyOf(date: Date, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-CA formats dates as YYYY-MM-DD.
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(date);
}

/** Throws a configuration error for a zone name Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(`Unknown time zone "${timeZone}": set ARCHIVE_TIME_ZONE to an IANA name such as Asia/Taipei.`);
  }
}
