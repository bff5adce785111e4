import { useState } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { useMessages } from '../../ui/i18n.tsx';
import { canSaveOffline, formatBytes, MAX_SAVE, saveOffline, type SaveProgress } from './save-offline.ts';

type RowSetLike = { kind: 'range'; start: number; end: number } | { kind: 'list'; rows: readonly number[] };

/** 「離線保存」: the articles of the list as filtered now (a day, an outlet, a search), with progress and size. */
export function SaveOfflineButton({ manifest, rows }: { manifest: Manifest; rows: RowSetLike }) {
  const t = useMessages();
  const [progress, setProgress] = useState<SaveProgress & { finished: boolean }>();
  const [tooMany, setTooMany] = useState<number>();
  if (!canSaveOffline()) return null;
  const saving = progress !== undefined && !progress.finished;
  const count = rows.kind === 'range' ? rows.end - rows.start : rows.rows.length;

  const save = async () => {
    // Listed on a click, not on every render: the list page renders this with every filter change (64k rows unfiltered).
    const positions = rows.kind === 'range' ? Array.from({ length: rows.end - rows.start }, (_, n) => rows.start + n) : rows.rows;
    if (positions.length > MAX_SAVE) {
      setTooMany(positions.length);
      return;
    }
    setTooMany(undefined);
    setProgress({ done: 0, total: positions.length, bytes: 0, failed: 0, finished: false });
    const done = await saveOffline(manifest, positions, (now) => setProgress({ ...now, finished: false }));
    setProgress({ ...done, finished: true });
  };

  return (
    <span className="save-offline">
      <button type="button" className="share-button" onClick={() => void save()} disabled={saving || count === 0}>
        {t.saveOffline}
      </button>
      {saving && <progress max={progress.total} value={progress.done} aria-label={t.saveOffline} />}
      <span className="save-offline-status" role="status" aria-live="polite">
        {tooMany !== undefined
          ? t.saveOfflineTooMany(tooMany, MAX_SAVE)
          : progress === undefined
            ? ''
            : progress.finished
              ? `${t.savedOffline(progress.done - progress.failed, formatBytes(progress.bytes))}${progress.failed > 0 ? `；${t.saveOfflineFailed(progress.failed)}` : ''}`
              : t.savingOffline(progress.done, progress.total)}
      </span>
    </span>
  );
}
