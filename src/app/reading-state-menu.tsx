/** Export and import of the read and starred marks (see reading-state/state-file.ts), in the settings menu. */
import { useState } from 'react';
import { useMessages } from '../ui/i18n.tsx';
import { readMarks } from '../features/reading-state/read-marks.ts';
import { stars } from '../features/reading-state/stars.ts';
import { exportState, importState } from '../features/reading-state/state-file.ts';

export function ReadingStateMenu() {
  const t = useMessages();
  const [message, setMessage] = useState('');
  const download = () => {
    const blob = new Blob([JSON.stringify(exportState(readMarks, stars), null, 1)], { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `cna-reader-state-${new Date().toISOString().slice(0, 10)}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 0);
  };
  const upload = async (file: File | undefined) => {
    if (!file) return;
    const result = importState(await file.text(), readMarks, stars);
    setMessage('problem' in result ? t.importFailed : t.imported(result.read, result.starred));
  };
  return (
    <div className="reading-state" role="group" aria-label={t.readingState}>
      <button type="button" onClick={download}>
        {t.exportState}
      </button>
      <label className="file-button">
        {t.importState}
        <input type="file" accept="application/json,.json" className="visually-hidden" onChange={(event) => void upload(event.target.files?.[0])} />
      </label>
      <p role="status" className="reading-state-message">
        {message}
      </p>
    </div>
  );
}
