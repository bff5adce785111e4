import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import type { Manifest, PostFile } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { isTyping } from '../../ui/keyboard.ts';
import { NotFoundPage } from '../../ui/not-found-page.tsx';
import { formatDateTime } from '../../ui/format-date.ts';
import { useHeadingFocus } from '../../ui/use-heading-focus.ts';
import { LoadError, Loading } from '../../ui/status.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { whenIdle } from '../../ui/when-idle.ts';
import { DataError, loadManifest, loadPost, prefetchPost } from '../data/data-client.ts';
import { findPostPosition } from '../data/post-position.ts';
import { readFilters, viewSearch } from '../list/filter-state.ts';
import { buildDayIndex } from '../list/rows.ts';
import { useViewRows } from '../list/use-view-rows.ts';
import { saveViewCursor } from '../list/view-cursor.ts';
import { placeOfRow, rowAt } from '../list/view-rows.ts';
import { UNKNOWN_ROW } from '../reading-state/mark-store.ts';
import { markRowOf } from '../reading-state/positions.ts';
import { markRead, toggleRead, useReadMarks } from '../reading-state/read-marks.ts';
import { placeStar, toggleStar, useStars } from '../reading-state/stars.ts';
import { useArticleScroll } from './use-article-scroll.ts';
import { useNeighbours, type Neighbour } from './use-neighbours.ts';
import { Highlighted } from '../search/highlighted.tsx';
import { useHighlighter } from '../search/use-highlighter.ts';
import { ArticleBody } from './article-body.tsx';
import { RelatedList } from './related-list.tsx';
import { TopicChips } from './topic-chips.tsx';
import { VersionsPanel } from './versions-panel.tsx';
import { ReadingTime, useReadingMinutes } from './reading-time.tsx';
import { ShareButton } from './share-button.tsx';
import { StoryExtras } from './story-refs.tsx';

export function ArticlePage() {
  const { id = '' } = useParams();
  const state = useAsync(() => Promise.all([loadManifest(), loadPost(id)]), [id]);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') {
    if (state.error instanceof DataError && state.error.status === 404) return <NotFoundPage />;
    return <LoadError error={state.error} onRetry={state.retry} />;
  }
  const [manifest, post] = state.value;
  return <Article post={post} manifest={manifest} />;
}

function Article({ post, manifest }: { post: PostFile; manifest: Manifest }) {
  const t = useMessages();
  const locale = useLocale();
  const navigate = useNavigate();
  const location = useLocation();
  const timeZone = manifest.timeZone;
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading, post.id);
  useArticleScroll(location.key);
  const [params] = useSearchParams();
  // The view the article was opened from (filters, search, order), carried in its URL: j/k and the
  // links below walk that view, and 回到列表 goes back to it.
  const filters = useMemo(() => readFilters(params), [params]);
  const view = viewSearch(filters);
  const { position, before, after, settled } = useViewPlace(manifest, post, filters);
  const neighbours = useNeighbours(manifest, before, after);
  // A j or k pressed before the article's place in its view is known is kept, and acted on once it is.
  const known = settled && neighbours.loaded;
  // Kept with the article it was pressed on: an effect clearing it on a new article could run after a
  // key pressed as soon as that article appeared, and lose it.
  const pendingMove = useRef<{ id: string; move: 'before' | 'after' } | undefined>(undefined);
  const read = useReadMarks().has(post.id);
  const starred = useStars().has(post.id);
  const markRow = position === undefined || position === null ? UNKNOWN_ROW : markRowOf(manifest, position);
  const [highlightsOff, setHighlightsOff] = useState(false);
  useEffect(() => setHighlightsOff(false), [post.id]);
  const query = highlightsOff ? '' : filters.q;
  const highlighter = useHighlighter(query);
  const readingMinutes = useReadingMinutes(post.html);
  const [marks, setMarks] = useState<HTMLElement[]>([]);
  const onMarks = useCallback((found: HTMLElement[]) => setMarks(found), []);
  const current = useRef(-1);
  useEffect(() => {
    current.current = -1;
    if (!query) setMarks([]);
  }, [query, post.id]);
  const nextMatch = () => {
    if (marks.length === 0) return;
    marks[current.current]?.classList.remove('is-current');
    current.current = (current.current + 1) % marks.length;
    const mark = marks[current.current]!;
    mark.classList.add('is-current');
    mark.scrollIntoView({ block: 'center', behavior: 'smooth' });
  };

  useEffect(() => {
    document.title = `${post.title} · ${t.siteTitle}`;
  }, [post, t]);
  // Read once opened; the view remembers it as the row the reader is on (see view-cursor.ts).
  useEffect(() => {
    if (position === null) return;
    markRead(post.id, position === undefined ? UNKNOWN_ROW : markRowOf(manifest, position));
    if (position !== undefined) saveViewCursor(view, position);
  }, [post.id, position, view, manifest]);

  useEffect(() => placeStar(post.id, markRow), [post.id, markRow, starred]);

  // The next article down the view (j, or the link at the foot), once this one is shown.
  const nextId = neighbours.after?.id;
  useEffect(() => (nextId ? whenIdle(() => prefetchPost(nextId)) : undefined), [nextId]);

  const articleUrl = (id: string) => `/a/${encodeURIComponent(id)}${view}`;
  const listUrl = `/${view}`;
  // Listening from the commit that shows the article (a layout effect): a passive effect runs after the
  // paint, and a key pressed as soon as the article appears could come between and be lost.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector('dialog[open]')) return;
      // j goes down the view, k up, as in the list itself (the keys are Miniflux's: see shortcuts-dialog).
      const move = event.key === 'j' || event.key === 'n' ? 'after' : event.key === 'k' || event.key === 'p' ? 'before' : undefined;
      if (move && !known) pendingMove.current = { id: post.id, move };
      else if (move && neighbours[move]) navigate(articleUrl(neighbours[move].id));
      else if ((event.key === 'v' || event.key === 'o') && post.originalUrl) window.open(post.originalUrl, '_blank', 'noopener,noreferrer');
      else if (event.key === 'm') toggleRead(post.id, markRow);
      else if (event.key === 's') toggleStar(post.id, markRow);
      else if (event.key === 'u') navigate(listUrl);
      else if (event.key === '/') navigate(listUrl, { state: { focusSearch: true } });
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  useEffect(() => {
    const pending = pendingMove.current;
    if (!known || pending?.id !== post.id) return;
    pendingMove.current = undefined;
    const target = neighbours[pending.move];
    if (target) navigate(articleUrl(target.id));
  });

  return (
    <article className="article" lang={post.lang} data-post-id={post.id}>
      <header className="article-header">
        <p className="article-back">
          <Link to={listUrl}>← {t.backToList}</Link>
        </p>
        <h1 ref={heading} tabIndex={-1}>
          <Highlighted text={post.title} split={highlighter?.split} />
        </h1>
        <p className="article-meta">
          <time dateTime={post.date}>{formatDateTime(post.date, timeZone, locale)}</time>
          {post.tags.map((tag) => (
            <Link key={tag.key} className="outlet" to={`/?tag=${encodeURIComponent(tag.key)}`}>
              {tag.label}
            </Link>
          ))}
          <ReadingTime minutes={readingMinutes} />
          {post.author && (
            <span className="byline">
              {t.byline} {post.author}
            </span>
          )}
        </p>
        {post.originalUrl ? (
          <a className="original-link" href={post.originalUrl} target="_blank" rel="noopener noreferrer">
            {t.readOriginal} ↗<span className="visually-hidden">{t.opensInNewTab}</span>
          </a>
        ) : (
          <p className="original-missing">{t.noOriginal}</p>
        )}
        <VersionsPanel post={post} timeZone={timeZone} />
        <ShareButton />
      </header>
      {query && highlighter && (
        <div className="match-bar" role="status">
          <span>{t.matchesInArticle(marks.length, query)}</span>
          {marks.length > 0 && (
            <button type="button" onClick={nextMatch}>
              {t.nextMatch} ↓
            </button>
          )}
          <button type="button" onClick={() => setHighlightsOff(true)}>
            {t.clearHighlights}
          </button>
        </div>
      )}
      <p className="article-actions">
        <button type="button" onClick={() => toggleRead(post.id, markRow)}>
          {read ? t.markUnread : t.markRead}
        </button>
        <button type="button" aria-pressed={starred} onClick={() => toggleStar(post.id, markRow)}>
          {starred ? '★' : '☆'} {t.star}
        </button>
      </p>
      {isEmptyBody(post) ? (
        <p className="article-empty" role="note">
          {t.emptyBody}
        </p>
      ) : (
        <ArticleBody html={post.html} highlighter={highlighter} onMarks={onMarks} />
      )}
      <TopicChips topics={post.topics} />
      <RelatedList related={post.related} />
      <StoryExtras id={post.id} />
      <nav className="prev-next" aria-label={t.prevNextLabel}>
        <NeighbourLink neighbour={neighbours.before} rel="prev" label={t.previous} href={articleUrl} />
        <NeighbourLink neighbour={neighbours.after} rel="next" label={t.next} href={articleUrl} />
      </nav>
    </article>
  );
}

function NeighbourLink({
  neighbour,
  rel,
  label,
  href,
}: {
  neighbour: Neighbour | undefined;
  rel: 'prev' | 'next';
  label: string;
  href: (id: string) => string;
}) {
  if (!neighbour) return <span className={`prev-next-${rel}`} />;
  return (
    <Link rel={rel} className={`prev-next-${rel}`} to={href(neighbour.id)}>
      <span className="prev-next-label">
        {rel === 'prev' ? '↑ ' : ''}
        {label}
        {rel === 'next' ? ' ↓' : ''}
      </span>
      <span className="prev-next-title">{neighbour.title}</span>
    </Link>
  );
}

/** No text and no picture: the post's file had front matter only (the build reports it as empty-body). */
function isEmptyBody(post: PostFile): boolean {
  return post.figures.length === 0 && !/<(img|picture|iframe|video|table)\b/i.test(post.html) && post.html.replace(/<[^>]*>/g, '').trim() === '';
}

/**
 * Where the post stands in the view: its list position (null while it is looked up, undefined if the
 * archive does not hold it), and the positions just above and below it. A post outside the view (a
 * deep link with a query it does not match) is walked in the archive's order.
 */
function useViewPlace(
  manifest: Manifest,
  post: PostFile,
  filters: ReturnType<typeof readFilters>,
): { position: number | null | undefined; before?: number; after?: number; settled: boolean } {
  const days = useMemo(() => buildDayIndex(manifest), [manifest]);
  const [found, setFound] = useState<{ id: string; position: number | undefined } | undefined>(undefined);
  useEffect(() => {
    let live = true;
    findPostPosition(manifest, days, post).then(
      (position) => live && setFound({ id: post.id, position }),
      () => live && setFound({ id: post.id, position: undefined }),
    );
    return () => {
      live = false;
    };
  }, [manifest, days, post]);
  const position = found?.id === post.id ? found.position : null;
  const state = useViewRows(manifest, days, filters, position ?? undefined);
  // Nothing to walk until the view's rows are known: j pressed meanwhile must not leave the view.
  if (position === null || state.status !== 'ready' || state.stale) return { position, settled: false };
  if (position === undefined) return { position, settled: true };
  const place = placeOfRow(state.rows, position);
  if (place < 0)
    return { position, settled: true, ...(position > 0 && { before: position - 1 }), ...(position + 1 < manifest.postCount && { after: position + 1 }) };
  const before = rowAt(state.rows, place - 1);
  const after = rowAt(state.rows, place + 1);
  return { position, settled: true, ...(before !== undefined && { before }), ...(after !== undefined && { after }) };
}
