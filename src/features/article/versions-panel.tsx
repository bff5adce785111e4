import { useState } from 'react';
import { Link } from 'react-router';
import type { PostFile, PostVersion } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { formatDateTime } from '../../ui/format-date.ts';
import { LoadError, Loading } from '../../ui/status.tsx';
import { useAsync } from '../../ui/use-async.ts';
import { loadPost } from '../data/data-client.ts';
import { diffSentences, splitSentences, textOfHtml } from './version-diff.ts';

/**
 * 「另有 N 個版本」: the other copies of this article the mirrors caught at other times, each openable, and
 * what changed between one of them and this one, marked sentence by sentence.
 */
export function VersionsPanel({ post, timeZone }: { post: PostFile; timeZone: string }) {
  const t = useMessages();
  const locale = useLocale();
  const [compared, setCompared] = useState<PostVersion | undefined>();
  const versions = post.versions ?? [];
  if (versions.length === 0) return null;
  return (
    <section className="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">{t.otherVersions(versions.length)}</h2>
      <ul>
        {versions.map((version) => (
          <li key={version.id}>
            <Link to={`/a/${encodeURIComponent(version.id)}`}>
              <time dateTime={version.date}>{formatDateTime(version.date, timeZone, locale)}</time>
            </Link>
            {version.title !== post.title && <span className="version-title">{version.title}</span>}
            <button type="button" aria-pressed={compared?.id === version.id} onClick={() => setCompared(compared?.id === version.id ? undefined : version)}>
              {t.compareVersion}
            </button>
          </li>
        ))}
      </ul>
      {compared && <VersionChanges post={post} other={compared} />}
    </section>
  );
}

/** The changes from the older of the two versions to the newer, in reading order. */
function VersionChanges({ post, other }: { post: PostFile; other: PostVersion }) {
  const t = useMessages();
  const state = useAsync(() => loadPost(other.id), [other.id]);
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <LoadError error={state.error} onRetry={state.retry} />;
  const otherIsOlder = other.date < post.date;
  const [older, newer] = otherIsOlder ? [state.value, post] : [post, state.value];
  const parts = diffSentences(splitSentences(textOfHtml(older.html)), splitSentences(textOfHtml(newer.html)));
  return (
    <div className="version-changes" role="region" aria-label={t.versionChanges}>
      <p className="version-legend">
        {t.versionLegend} <ins>{t.versionAdded}</ins> <del>{t.versionRemoved}</del>
      </p>
      <p>
        {parts.map((part, n) =>
          part.kind === 'added' ? <ins key={n}>{part.text}</ins> : part.kind === 'removed' ? <del key={n}>{part.text}</del> : <span key={n}>{part.text}</span>,
        )}
      </p>
    </div>
  );
}
