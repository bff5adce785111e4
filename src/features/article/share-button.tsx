import { useEffect, useState } from 'react';
import { useHref, useLocation } from 'react-router';
import { useMessages } from '../../ui/i18n.tsx';

type Outcome = 'copied' | 'failed' | undefined;

/** How long "link copied" stays before the button reads as before. */
const NOTICE_MS = 2500;

/**
 * Shares the page as it is: its address carries the view (the article, or the list's filters and
 * search), its title names it. The system's share sheet where the browser has one (Web Share API),
 * else the address copied to the clipboard.
 */
export function ShareButton({ className = 'share-button' }: { className?: string }) {
  const t = useMessages();
  const [outcome, setOutcome] = useState<Outcome>();
  useEffect(() => {
    if (!outcome) return;
    const timer = setTimeout(() => setOutcome(undefined), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [outcome]);
  const canShare = typeof navigator.share === 'function';
  // The router's location (under the site's base path): what the reader sees in the address bar.
  const location = useLocation();
  const href = useHref({ pathname: location.pathname, search: location.search, hash: location.hash });

  const share = async () => {
    const data = { title: document.title, url: new URL(href, window.location.href).href };
    if (canShare && (navigator.canShare?.(data) ?? true)) {
      try {
        await navigator.share(data);
        return;
      } catch (error) {
        // The reader closed the share sheet: nothing to say.
        if (error instanceof DOMException && error.name === 'AbortError') return;
      }
    }
    setOutcome((await copyText(data.url)) ? 'copied' : 'failed');
  };

  return (
    <span className="share">
      <button type="button" className={className} onClick={() => void share()}>
        {canShare ? t.share : t.copyLink}
      </button>
      <span className="share-notice" role="status" aria-live="polite">
        {outcome === 'copied' ? t.linkCopied : outcome === 'failed' ? t.copyFailed : ''}
      </span>
    </span>
  );
}

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
