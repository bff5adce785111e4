import { useEffect, useState } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { useOnline } from './offline-status.tsx';
import { isSavedOffline } from './save-offline.ts';

/** Offline, a row whose article is not in the caches says so: it cannot be opened. */
export function NotSavedMark({ manifest, id }: { manifest: Manifest; id: string }) {
  const t = useMessages();
  const online = useOnline();
  const [saved, setSaved] = useState(true);
  useEffect(() => {
    if (online) return;
    let live = true;
    void isSavedOffline(manifest, id).then((found) => live && setSaved(found));
    return () => {
      live = false;
    };
  }, [online, manifest, id]);
  if (online || saved) return null;
  return <span className="not-saved-offline">{t.notSavedOffline}</span>;
}
