import { isTyping } from '../ui/keyboard.ts';
import { useEffect, useState } from 'react';
import { Link, Outlet } from 'react-router';
import { useMessages } from '../ui/i18n.tsx';
import { TEXT_STEPS, useSettings, type Theme } from '../ui/settings.tsx';
import { ShortcutsDialog } from './shortcuts-dialog.tsx';
import { OfflineStatus } from '../features/offline/offline-status.tsx';

export function Layout() {
  const t = useMessages();
  const { settings, update } = useSettings();
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '?' && !isTyping(event)) {
        event.preventDefault();
        setHelpOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
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
        <details className="settings-menu">
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
            <button type="button" onClick={() => update({ textStep: settings.textStep - 1 })} disabled={settings.textStep <= TEXT_STEPS.min} aria-label={t.textSmaller}>
              A−
            </button>
            <button type="button" onClick={() => update({ textStep: settings.textStep + 1 })} disabled={settings.textStep >= TEXT_STEPS.max} aria-label={t.textLarger}>
              A+
            </button>
          </span>
          <button type="button" aria-pressed={settings.width === 'wide'} onClick={() => update({ width: settings.width === 'wide' ? 'narrow' : 'wide' })}>
            {t.width}：{settings.width === 'wide' ? t.widthWide : t.widthNarrow}
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
        </div>
        </details>
      </header>
      <OfflineStatus />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
    </>
  );
}
