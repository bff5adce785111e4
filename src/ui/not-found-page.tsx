import { useEffect, useRef } from 'react';
import { useHeadingFocus } from './use-heading-focus.ts';
import { Link } from 'react-router';
import { useMessages } from './i18n.tsx';

export function NotFoundPage() {
  const t = useMessages();
  const heading = useRef<HTMLHeadingElement>(null);
  useHeadingFocus(heading, 'not-found');
  useEffect(() => {
    document.title = `${t.notFound} · ${t.siteTitle}`;
  }, [t]);
  return (
    <section className="not-found">
      <h1 ref={heading} tabIndex={-1}>
        {t.notFound}
      </h1>
      <p>{t.notFoundBody}</p>
      <p>
        <Link to="/">{t.backToList}</Link>
      </p>
    </section>
  );
}
