import { memo } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { formatDateTime, formatShortDateTime, formatTime } from '../../ui/format-date.ts';
import { intentHandlers } from '../../ui/intent.ts';
import { pickThumbnailSource } from '../../ui/thumbnail-source.ts';
import { prefetchPost } from '../data/data-client.ts';
import { Highlighted, type MatchSplitter } from '../search/highlighted.tsx';
import { useRowMeta } from './use-row-meta.ts';
import { ReadingTime } from '../article/reading-time.tsx';
import { NotSavedMark } from '../offline/not-saved-mark.tsx';

interface PostRowProps {
  manifest: Manifest;
  row: number;
  index: number;
  readMarks: ReadonlyMap<string, number>;
  stars: ReadonlyMap<string, number>;
  tagLabels: ReadonlyMap<string, string>;
  split?: MatchSplitter | undefined;
  /** The view's URL query, carried to the article (see filter-state.ts). */
  view?: string | undefined;
  /** The href of the article route without its id (`<base>a/`): see openRowLink in post-list.tsx. */
  articleHref: string;
  showDay?: boolean;
  /** Title only, on one line. */
  compact?: boolean;
  /** Shown under the row before it: another report of that row's story. */
  attached?: boolean;
  /** The article's other versions (issue 23), shown as this one row. */
  versions?: number | undefined;
  /** Other reports of this row's story, collapsed under it (or shown, when `expanded`). */
  otherReports?: number | undefined;
  expanded?: boolean | undefined;
  onToggleOthers?: ((row: number) => void) | undefined;
}

/** The thumbnail's slot, in CSS pixels (the CSS gives it the same size). */
const THUMB_WIDTH = 96;
const THUMB_HEIGHT = 72;

export const PostRow = memo(function PostRow({
  manifest,
  row,
  index,
  readMarks,
  stars,
  tagLabels,
  split,
  view = '',
  articleHref,
  showDay = false,
  compact = false,
  attached = false,
  versions,
  otherReports,
  expanded = false,
  onToggleOthers,
}: PostRowProps) {
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
  const starred = stars.has(meta.id);
  // The article's bucket is fetched as the reader reaches for the row, ahead of the click.
  const intent = intentHandlers(() => prefetchPost(meta.id));
  // Under day headings (h2) a title is an h3; a list without them (ranked, oldest first) has h2 titles.
  const Title = showDay ? 'h2' : 'h3';
  return (
    <article
      className={`post-row${read ? ' is-read' : ''}${attached ? ' is-attached' : ''}${otherReports ? ' has-others' : ''}`}
      data-index={index}
      aria-labelledby={`title-${meta.id}`}
      lang={meta.lang ?? 'zh-Hant'}
    >
      {/* A plain link, opened by the list's one click handler: a router <Link> per row cost ~15 % of drawing rows while scrolling. */}
      <a
        href={`${articleHref}${encodeURIComponent(meta.id)}${view}`}
        data-to={`/a/${encodeURIComponent(meta.id)}${view}`}
        className="post-row-link"
        data-row-link
        {...intent}
      >
        <div className="post-row-text">
          <Title id={`title-${meta.id}`} className="post-row-title">
            {starred && (
              <span className="star-mark" role="img" aria-label={t.showStarred}>
                ★{' '}
              </span>
            )}
            <Highlighted text={meta.title} split={split} />
          </Title>
          <p className="post-row-meta">
            <span>{meta.tags.map((key) => tagLabels.get(key) ?? key).join('、')}</span>
            <time dateTime={meta.date}>
              {compact
                ? formatShortDateTime(meta.date, manifest.timeZone, locale)
                : showDay
                  ? formatDateTime(meta.date, manifest.timeZone, locale)
                  : formatTime(meta.date, manifest.timeZone)}
            </time>
            <ReadingTime minutes={meta.readingMinutes} />
            <NotSavedMark manifest={manifest} id={meta.id} />
            {read && <span className="read-mark">{t.read}</span>}
            {versions ? <span className="versions-mark">{t.otherVersions(versions)}</span> : null}
          </p>
          {!compact && (
            <p className="post-row-excerpt">
              <Highlighted text={meta.excerpt} split={split} />
            </p>
          )}
        </div>
        {meta.image && !compact && (
          <img
            className="post-row-thumb"
            src={pickThumbnailSource(meta.image, THUMB_WIDTH)}
            alt=""
            loading="lazy"
            decoding="async"
            referrerPolicy="no-referrer"
            width={THUMB_WIDTH}
            height={THUMB_HEIGHT}
            onError={(event) => event.currentTarget.classList.add('is-broken')}
          />
        )}
      </a>
      {otherReports && onToggleOthers ? (
        // Outside the link: a control of its own. The reports it shows follow this row in the list.
        <button type="button" className="story-toggle" aria-expanded={expanded} onClick={() => onToggleOthers(row)}>
          {t.otherReports(otherReports)}
        </button>
      ) : null}
    </article>
  );
});
