import { useSyncExternalStore } from 'react';
import { useMessages } from '../../ui/i18n.tsx';
import { reloadToUpdate, useUpdateWaiting } from './register.ts';

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

/** Whether the browser says it is online. */
export function useOnline(): boolean {
  return useSyncExternalStore(
    subscribeOnline,
    () => navigator.onLine,
    () => true,
  );
}

/** The offline indicator, and the offer of a new version after a deploy. */
export function OfflineStatus() {
  const t = useMessages();
  const online = useOnline();
  const update = useUpdateWaiting();
  return (
    <div className="offline-status" role="status" aria-live="polite">
      {!online && <p className="offline-banner">{t.offline}</p>}
      {update && (
        <p className="update-banner">
          <button type="button" onClick={() => void reloadToUpdate(t.updating)}>
            {t.updateAvailable}
          </button>
        </p>
      )}
    </div>
  );
}
