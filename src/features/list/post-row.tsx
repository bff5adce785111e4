import { memo } from 'react';
import { Link } from 'react-router';
import type { Manifest } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { formatDateTime, formatTime } from '../../ui/format-date.ts';
import { intentHandlers } from '../../ui/intent.ts';
import { prefetchPost } from '../data/data-client.ts';
import { Highlighted, type MatchSplitter } from '../search/highlighted.tsx';
import { useRowMeta } from './use-row-meta.ts';
import { ReadingTime } from '../article/reading-time.tsx';
import { NotSavedMark } from '../offline/not-saved-mark.tsx';

interface PostRowProps {
  manifest: Manifest;
  row: number;
  index: number;
  readMarks: ReadonlySet<string>;
  tagLabels: ReadonlyMap<string, string>;
  split?: MatchSplitter | undefined;
  query?: string | undefined;
  showDay?: boolean;
}

export const PostRow = memo(function PostRow({ manifest, row, index, readMarks, tagLabels, split, query, showDay = false }: PostRowProps) {
  const t = useMessages();
  const locale = useLocale();
  const state = useRowMeta(manifest, row);
  if (state.status === 'loading') {
    return <div className="post-row post-row-placeholder" aria-hidden="true" data-index={index} />;
  }
  if (state.status === 'error') {
    return (
      <div className="post-row post-row-error" data-index={index}>
        <span>{t.loadFailed}</span>
        <button type="button" onClick={state.retry}>
          {t.retry}
        </button>
      </div>
    );
  }
  const { meta } = state;
  const read = readMarks.has(meta.id);
  // The article's bucket is fetched as the reader reaches for the row, ahead of the click.
  const intent = intentHandlers(() => prefetchPost(meta.id));
  return (
    <article className={`post-row${read ? ' is-read' : ''}`} data-index={index} aria-labelledby={`title-${meta.id}`} lang={meta.lang ?? 'zh-Hant'}>
      <Link to={`/a/${encodeURIComponent(meta.id)}${query ? `?q=${encodeURIComponent(query)}` : ''}`} className="post-row-link" data-row-link {...intent}>
        <div className="post-row-text">
          <h3 id={`title-${meta.id}`} className="post-row-title">
            <Highlighted text={meta.title} split={split} />
          </h3>
          <p className="post-row-meta">
            <span>{meta.tags.map((key) => tagLabels.get(key) ?? key).join('、')}</span>
            <time dateTime={meta.date}>{showDay ? formatDateTime(meta.date, manifest.timeZone, locale) : formatTime(meta.date, manifest.timeZone)}</time>
            <ReadingTime minutes={meta.readingMinutes} />
            <NotSavedMark manifest={manifest} id={meta.id} />
            {read && <span className="read-mark">{t.read}</span>}
          </p>
          <p className="post-row-excerpt">
            <Highlighted text={meta.excerpt} split={split} />
          </p>
        </div>
        {meta.image && (
          <img
            className="post-row-thumb"
            src={meta.image.src}
            alt=""
            loading="lazy"
            decoding="async"
            referrerPolicy="no-referrer"
            width={96}
            height={72}
            onError={(event) => event.currentTarget.classList.add('is-broken')}
          />
        )}
      </Link>
    </article>
  );
});
