import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { PostFile } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { isTyping } from '../../ui/keyboard.ts';
import { NotFoundPage } from '../../ui/not-found-page.tsx';
import { formatDateTime } from '../../ui/format-date.ts';
import { useHeadingFocus } from '../../ui/use-heading-focus.ts';
import { LoadError, Loading } from '../../ui/status.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { whenIdle } from '../../ui/when-idle.ts';
import { DataError, loadManifest, loadPost, prefetchPost } from '../data/data-client.ts';
import { markRead } from '../reading-state/read-marks.ts';
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
  return <Article post={post} timeZone={manifest.timeZone} />;
}

function Article({ post, timeZone }: { post: PostFile; timeZone: string }) {
  const t = useMessages();
  const locale = useLocale();
  const navigate = useNavigate();
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading, post.id);
  const [params, setParams] = useSearchParams();
  const query = params.get('q')?.trim() ?? '';
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
    markRead(post.id);
  }, [post, t]);

  // The next article down the list (j, or the link at the foot), once this one is shown.
  useEffect(() => {
    const older = post.previousId;
    return older ? whenIdle(() => prefetchPost(older)) : undefined;
  }, [post.previousId]);

  // Listening from the commit that shows the article (a layout effect): a passive effect runs after the
  // paint, and a key pressed as soon as the article appears could come between and be lost.
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event)) return;
      // j goes down the list (older), k up (newer), as in the list itself.
      if (event.key === 'j' && post.previousId) navigate(`/a/${encodeURIComponent(post.previousId)}`);
      else if (event.key === 'k' && post.nextId) navigate(`/a/${encodeURIComponent(post.nextId)}`);
      else if (event.key === 'o' && post.originalUrl) window.open(post.originalUrl, '_blank', 'noopener,noreferrer');
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [post, navigate]);

  return (
    <article className="article" lang={post.lang}>
      <header className="article-header">
        <p className="article-back">
          <Link to="/" onClick={(event) => {
            // Back to the list as it was (filters, scroll) when the reader came from it.
            if (window.history.state?.idx > 0) {
              event.preventDefault();
              navigate(-1);
            }
          }}>
            ← {t.backToList}
          </Link>
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
          <button type="button" onClick={() => setParams(new URLSearchParams(), { replace: true, preventScrollReset: true })}>
            {t.clearHighlights}
          </button>
        </div>
      )}
      <ArticleBody html={post.html} highlighter={highlighter} onMarks={onMarks} />
      <TopicChips topics={post.topics} />
      <RelatedList related={post.related} />
      <StoryExtras id={post.id} />
      <nav className="prev-next" aria-label={`${t.previous} / ${t.next}`}>
        {post.previousId ? (
          <Link rel="prev" to={`/a/${encodeURIComponent(post.previousId)}`}>
            ← {t.previous}
          </Link>
        ) : (
          <span />
        )}
        {post.nextId && (
          <Link rel="next" to={`/a/${encodeURIComponent(post.nextId)}`}>
            {t.next} →
          </Link>
        )}
      </nav>
    </article>
  );
}
