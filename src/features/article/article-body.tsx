import { useLayoutEffect, useRef } from 'react';
import { useMessages } from '../../app/i18n.tsx';
import { purifyPostHtml } from './purify.ts';

/**
 * The post's HTML, purified and inserted as DOM nodes (never as an HTML string into React). A picture
 * that fails to load is replaced by a neat placeholder of the same size; its caption stays.
 */
export function ArticleBody({ html }: { html: string }) {
  const t = useMessages();
  const ref = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const container = ref.current;
    if (!container) return;
    container.replaceChildren(purifyPostHtml(html));
    // `error` does not bubble: listen in the capture phase to catch every image of the body.
    const onError = (event: Event) => {
      const img = event.target;
      if (!(img instanceof HTMLImageElement)) return;
      img.classList.add('is-broken');
      img.alt = img.alt || t.imageUnavailable;
      img.closest('figure')?.classList.add('has-broken-image');
      img.closest('figure')?.setAttribute('data-unavailable', t.imageUnavailable);
    };
    container.addEventListener('error', onError, true);
    return () => container.removeEventListener('error', onError, true);
  }, [html, t]);

  return <div ref={ref} className="article-body" />;
}
