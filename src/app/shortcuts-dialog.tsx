/**
 * The keyboard map, as Miniflux lays out its own: by where a key acts. A modal <dialog> opened with
 * showModal(): it sits in the top layer (the page behind keeps its scroll), Tab stays inside it,
 * Escape closes it, and focus goes back to where it was.
 */
import { useEffect, useRef } from 'react';
import { useMessages } from '../ui/i18n.tsx';

/**
 * Always in the document, opened and closed by `open`: a dialog mounted for each opening was closed by
 * its own effect's cleanup when React re-ran it, in Chromium, within the keystroke that opened it.
 */
export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useMessages();
  const ref = useRef<HTMLDialogElement>(null);
  const returnFocus = useRef<HTMLElement | null>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const isOpen = dialog.open || dialog.hasAttribute('open');
    if (open && !isOpen) {
      returnFocus.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      // jsdom has no showModal: there the dialog is merely shown.
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
      dialog.querySelector<HTMLElement>('[autofocus], button')?.focus();
    } else if (!open && isOpen) {
      if (typeof dialog.close === 'function') dialog.close();
      else dialog.removeAttribute('open');
      returnFocus.current?.focus({ preventScroll: true });
      returnFocus.current = null;
    }
  }, [open]);
  const sections: [string, [string, string][]][] = [
    [
      t.shortcutsList,
      [
        ['j / n', t.shortcutNext],
        ['k / p', t.shortcutPrevious],
        ['o / Enter', t.shortcutOpenRow],
        ['A', t.shortcutMarkAll],
        ['/', t.shortcutFilter],
      ],
    ],
    [
      t.shortcutsItem,
      [
        ['m', t.shortcutToggleRead],
        ['s', t.shortcutStar],
        ['v', t.shortcutOriginal],
        ['u', t.shortcutBack],
      ],
    ],
    [
      t.shortcutsGo,
      [
        ['g a', t.shortcutGoAll],
        ['g u', t.shortcutGoUnread],
        ['g b', t.shortcutGoStarred],
        ['?', t.shortcutHelp],
        ['Esc', t.shortcutClose],
      ],
    ],
  ];
  return (
    <dialog
      ref={ref}
      className="shortcuts"
      aria-labelledby="shortcuts-title"
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 id="shortcuts-title">{t.shortcuts}</h2>
      <div className="shortcuts-sections">
        {sections.map(([title, rows]) => (
          <section key={title} aria-label={title}>
            <h3>{title}</h3>
            <dl>
              {rows.map(([keys, label]) => (
                <div key={keys}>
                  <dt>
                    {keys.split(' / ').map((key, i) => (
                      <span key={key}>
                        {i > 0 && ' / '}
                        <kbd>{key}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <button type="button" onClick={onClose} autoFocus>
        {t.close}
      </button>
    </dialog>
  );
}
