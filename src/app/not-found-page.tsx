import { useEffect } from 'react';
import { Link } from 'react-router';
import { useMessages } from './i18n.tsx';

export function NotFoundPage() {
  const t = useMessages();
  useEffect(() => {
    document.title = `${t.notFound} · ${t.siteTitle}`;
  }, [t]);
  return (
    <section className="not-found">
      <h1 tabIndex={-1}>{t.notFound}</h1>
      <p>{t.notFoundBody}</p>
      <p>
        <Link to="/">{t.backToList}</Link>
      </p>
    </section>
  );
}
