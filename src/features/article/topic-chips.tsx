import { Link } from 'react-router';
import { useMessages } from '../../ui/i18n.tsx';

/** The topics the outlet tagged a story with, each a search of this archive for that word. */
export function TopicChips({ topics }: { topics: readonly string[] | undefined }) {
  const t = useMessages();
  if (!topics?.length) return null;
  return (
    <nav className="topic-chips" aria-label={t.topics}>
      <ul>
        {topics.map((word) => (
          <li key={word}>
            <Link className="topic-chip" to={`/?q=${encodeURIComponent(word)}`} title={t.searchTopic(word)}>
              {word}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
