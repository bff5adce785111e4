import { useMemo } from 'react';
import { readingMinutes } from '../../shared/reading-time.ts';
import { useMessages } from '../../ui/i18n.tsx';

/** "About n minutes", shown in a row and at the head of an article; nothing for a text with none. */
export function ReadingTime({ minutes }: { minutes: number | undefined }) {
  const t = useMessages();
  if (!minutes) return null;
  return (
    <span className="reading-time" title={t.readingTimeLabel(minutes)}>
      <span aria-hidden="true">{t.readingTime(minutes)}</span>
      <span className="visually-hidden">{t.readingTimeLabel(minutes)}</span>
    </span>
  );
}

/** An article's reading time, from its clean HTML's text (parsed inert: DOMParser runs no script). */
export function useReadingMinutes(html: string): number {
  return useMemo(() => readingMinutes(new DOMParser().parseFromString(html, 'text/html').body.textContent ?? ''), [html]);
}
