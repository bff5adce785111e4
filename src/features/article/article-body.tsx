import { useLayoutEffect, useRef } from 'react';
import { useMessages } from '../../ui/i18n.tsx';
import type { Highlighter } from '../search/use-highlighter.ts';
import { purifyPostHtml } from './purify.ts';

/**
 * The post's HTML, purified and inserted as DOM nodes (never as an HTML string into React). A picture
 * that fails to load is replaced by a neat placeholder of the same size; its caption stays.
 */
interface ArticleBodyProps {
  html: string;
  /** Marks a search query's matches in the text (after purifying, on DOM text nodes). */
  highlighter?: Highlighter | undefined;
  onMarks?: (marks: HTMLElement[]) => void;
}

export function ArticleBody({ html, highlighter, onMarks }: ArticleBodyProps) {
  const t = useMessages();
  const ref = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const container = ref.current;
    if (!container) return;
    container.replaceChildren(purifyPostHtml(html));
    if (highlighter) onMarks?.(highlighter.markIn(container));
    // `error` does not bubble: listen in the capture phase to catch every image of the body.
    const onError = (event: Event) => {
      const img = event.target;
      if (img instanceof HTMLImageElement) replaceWithPlaceholder(img, t.imageUnavailable);
    };
    container.addEventListener('error', onError, true);
    return () => container.removeEventListener('error', onError, true);
  }, [html, t, highlighter, onMarks]);

  return <div ref={ref} className="article-body" />;
}

/**
 * Swaps a picture that failed for a box of the same size and shape (from its width/height attributes),
 * so that nothing below it moves, with the alt text for assistive technology.
 */
function replaceWithPlaceholder(img: HTMLImageElement, label: string): void {
  const media = img.parentElement?.tagName === 'PICTURE' ? img.parentElement : img;
  const placeholder = document.createElement('div');
  placeholder.className = 'image-unavailable';
  placeholder.setAttribute('role', 'img');
  placeholder.setAttribute('aria-label', img.alt ? `${label}：${img.alt}` : label);
  placeholder.textContent = label;
  const width = Number(img.getAttribute('width'));
  const height = Number(img.getAttribute('height'));
  if (width > 0 && height > 0) {
    placeholder.style.aspectRatio = `${width} / ${height}`;
    placeholder.style.maxWidth = `${width}px`;
  }
  media.replaceWith(placeholder);
  placeholder.closest('figure')?.classList.add('has-broken-image');
}
