import { Link } from 'react-router';
import type { RelatedLink } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';

/** Related stories: the archived copy when the archive has it, the original site otherwise (marked). */
export function RelatedList({ related }: { related: RelatedLink[] }) {
  const t = useMessages();
  if (related.length === 0) return null;
  return (
    <section className="related" aria-labelledby="related-title">
      <h2 id="related-title">{t.related}</h2>
      <ul>
        {related.map((link) =>
          link.archivedId ? (
            <li key={link.url} className="related-internal">
              <Link to={`/a/${encodeURIComponent(link.archivedId)}`}>{link.title}</Link>
              <span className="badge">{t.inArchive}</span>
            </li>
          ) : (
            <li key={link.url} className="related-external">
              <a href={link.url} target="_blank" rel="noopener noreferrer">
                {link.title}
                <span className="visually-hidden">{t.opensInNewTab}</span>
              </a>
              <span className="badge" aria-hidden="true">
                {t.external} ↗
              </span>
            </li>
          ),
        )}
      </ul>
    </section>
  );
}
