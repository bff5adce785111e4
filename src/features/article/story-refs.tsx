import { Link } from 'react-router';
import type { Manifest, StoryRef } from '../../shared/types.ts';
import { useLocale, useMessages } from '../../ui/i18n.tsx';
import { formatDateTime } from '../../ui/format-date.ts';
import { useAsync } from '../../ui/use-async.ts';
import { loadManifest } from '../data/data-client.ts';
import { loadExtras } from './extras-client.ts';

/**
 * Issue 25: the build's extras for an article, under the article: other reports of the same story
 * (「其他媒體報導」) and, apart from the outlet's own related stories, further reading (「延伸閱讀」).
 * Nothing while they load or when there are none; a failed fetch hides them (they are extras).
 */
export function StoryExtras({ id }: { id: string }) {
  const state = useAsync(async () => {
    const manifest = await loadManifest();
    return { manifest, extras: await loadExtras(manifest, id) };
  }, [id]);
  if (state.status !== 'ready') return null;
  const { manifest, extras } = state.value;
  return (
    <>
      {extras.sameStory && <StoryList kind="same-story" manifest={manifest} refs={extras.sameStory} />}
      {extras.furtherReading && <StoryList kind="further-reading" manifest={manifest} refs={extras.furtherReading} />}
    </>
  );
}

function StoryList({ kind, manifest, refs }: { kind: 'same-story' | 'further-reading'; manifest: Manifest; refs: StoryRef[] }) {
  const t = useMessages();
  const locale = useLocale();
  const labels = new Map(manifest.tags.map((tag) => [tag.key, tag.label]));
  const titleId = `${kind}-title`;
  return (
    <section className={`story-refs ${kind}`} aria-labelledby={titleId}>
      <h2 id={titleId}>{kind === 'same-story' ? t.sameStory : t.furtherReading}</h2>
      {kind === 'further-reading' && <p className="story-refs-note">{t.furtherReadingNote}</p>}
      <ul>
        {refs.map((ref) => (
          <li key={ref.id}>
            <span className="story-refs-outlet">{ref.tags.map((key) => labels.get(key) ?? key).join('、')}</span>
            <time dateTime={ref.date}>{formatDateTime(ref.date, manifest.timeZone, locale)}</time>
            <Link to={`/a/${encodeURIComponent(ref.id)}`}>{ref.title}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
