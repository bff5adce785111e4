import { useMessages } from './i18n.tsx';

export function Loading({ label }: { label?: string }) {
  const t = useMessages();
  return (
    <p className="status" role="status" aria-live="polite">
      {label ?? t.loading}
    </p>
  );
}

export function LoadError({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const t = useMessages();
  return (
    <div className="status status-error" role="alert">
      <p>{t.loadFailed}</p>
      <p className="status-detail">{error.message}</p>
      <button type="button" onClick={onRetry}>
        {t.retry}
      </button>
    </div>
  );
}
