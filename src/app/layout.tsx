import { isTyping } from '../ui/keyboard.ts';
import { useEffect, useRef, useState } from 'react';
import { Link, Outlet, useNavigate } from 'react-router';
import { useMessages } from '../ui/i18n.tsx';
import { TEXT_STEPS, useSettings, type Theme } from '../ui/settings.tsx';
import { ReadingStateMenu } from './reading-state-menu.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';
import { OfflineStatus } from '../features/offline/offline-status.tsx';

/** `g` then one of these goes to a view, as in Miniflux (g u: unread, g b: starred). */
const GO_TO: Record<string, string> = { a: '/', u: '/?show=unread', b: '/?show=starred' };
/** How long after `g` its second key is waited for. */
const SEQUENCE_MS = 1500;

export function Layout() {
  const t = useMessages();
  const { settings, update } = useSettings();
  const navigate = useNavigate();
  const [helpOpen, setHelpOpen] = useState(false);
  const menu = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    let goPressedAt = -Infinity;
    const onKey = (event: KeyboardEvent) => {
      if (isTyping(event) || document.querySelector('dialog[open]')) return;
      if (event.key === '?') {
        event.preventDefault();
        setHelpOpen(true);
      } else if (event.key === 'g') {
        goPressedAt = event.timeStamp;
      } else if (event.timeStamp - goPressedAt < SEQUENCE_MS && GO_TO[event.key]) {
        event.preventDefault();
        goPressedAt = 0;
        navigate(GO_TO[event.key]!);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navigate]);

  // The settings menu closes on Escape (focus back on its button) and on a tap or click outside it.
  useEffect(() => {
    const close = (event: Event) => {
      const details = menu.current;
      if (!details?.open) return;
      if (event instanceof KeyboardEvent) {
        if (event.key !== 'Escape') return;
        details.open = false;
        details.querySelector('summary')?.focus();
      } else if (!details.contains(event.target as Node)) {
        details.open = false;
      }
    };
    document.addEventListener('keydown', close);
    document.addEventListener('pointerdown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('pointerdown', close);
    };
  }, []);

  return (
    <>
      <a className="skip-link" href="#main">
        {t.skipToContent}
      </a>
      <header className="site-header">
        <Link to="/" className="site-title">
          {t.siteTitle}
        </Link>
        <details className="settings-menu" ref={menu}>
          <summary>
            <span aria-hidden="true">Aa </span>
            {t.settings}
          </summary>
          <div className="settings" role="group" aria-label={t.settings}>
            <label>
              <span className="visually-hidden">{t.theme}</span>
              <select value={settings.theme} onChange={(e) => update({ theme: e.target.value as Theme })} aria-label={t.theme}>
                <option value="system">{t.themeSystem}</option>
                <option value="light">{t.themeLight}</option>
                <option value="dark">{t.themeDark}</option>
              </select>
            </label>
            <span className="text-size" role="group" aria-label={t.textSize}>
              {/* Named by hidden text, not aria-label: a name that does not hold the visible A− fails WCAG 2.5.3. */}
              <button type="button" onClick={() => update({ textStep: settings.textStep - 1 })} disabled={settings.textStep <= TEXT_STEPS.min}>
                <span aria-hidden="true">A−</span>
                <span className="visually-hidden">{t.textSmaller}</span>
              </button>
              <button type="button" onClick={() => update({ textStep: settings.textStep + 1 })} disabled={settings.textStep >= TEXT_STEPS.max}>
                <span aria-hidden="true">A+</span>
                <span className="visually-hidden">{t.textLarger}</span>
              </button>
            </span>
            <button type="button" aria-pressed={settings.width === 'wide'} onClick={() => update({ width: settings.width === 'wide' ? 'narrow' : 'wide' })}>
              {t.width}：{settings.width === 'wide' ? t.widthWide : t.widthNarrow}
            </button>
            <button
              type="button"
              aria-pressed={settings.density === 'compact'}
              onClick={() => update({ density: settings.density === 'compact' ? 'comfortable' : 'compact' })}
            >
              {t.density}：{settings.density === 'compact' ? t.densityCompact : t.densityComfortable}
            </button>
            <label>
              <span className="visually-hidden">{t.language}</span>
              <select value={settings.locale} onChange={(e) => update({ locale: e.target.value === 'en' ? 'en' : 'zh-Hant' })} aria-label={t.language}>
                <option value="zh-Hant">中文</option>
                <option value="en">English</option>
              </select>
            </label>
            <button type="button" onClick={() => setHelpOpen(true)}>
              {t.shortcuts}
            </button>
            <ReadingStateMenu />
          </div>
        </details>
      </header>
      <OfflineStatus />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <ShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
    </>
  );
}
