import { useEffect, useRef } from 'react';
import { useMessages } from '../ui/i18n.tsx';

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  const t = useMessages();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal?.();
  }, []);
  const rows: [string, string][] = [
    ['j', t.shortcutNext],
    ['k', t.shortcutPrevious],
    ['o', t.shortcutOpen],
    ['/', t.shortcutFilter],
    ['?', t.shortcutHelp],
  ];
  return (
    <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-title" onClose={onClose} onCancel={onClose} open>
      <h2 id="shortcuts-title">{t.shortcuts}</h2>
      <dl>
        {rows.map(([key, label]) => (
          <div key={key}>
            <dt>
              <kbd>{key}</kbd>
            </dt>
            <dd>{label}</dd>
          </div>
        ))}
      </dl>
      <button type="button" onClick={onClose} autoFocus>
        {t.close}
      </button>
    </dialog>
  );
}
