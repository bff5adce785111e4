/**
 * Reading settings (theme, text size, width, UI language), remembered in localStorage and applied as
 * attributes on <html>, where the CSS reads them.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LocaleProvider, type Locale } from './i18n.tsx';

export type Theme = 'system' | 'light' | 'dark';
export type Width = 'narrow' | 'wide';
/** Rows with outlet, date, excerpt and picture, or titles only (many more rows on a screen). */
export type Density = 'comfortable' | 'compact';

export interface Settings {
  theme: Theme;
  /** Step on the type scale: 0 is the default, each step ±12.5 %. */
  textStep: number;
  width: Width;
  locale: Locale;
  density: Density;
}

export const TEXT_STEPS = { min: -2, max: 4 } as const;
const STORAGE_KEY = 'cna-reader:settings';
const DEFAULTS: Settings = { theme: 'system', textStep: 0, width: 'narrow', locale: 'zh-Hant', density: 'comfortable' };

function readStored(): Settings {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<Settings>;
    return {
      theme: ['system', 'light', 'dark'].includes(stored.theme as string) ? stored.theme! : DEFAULTS.theme,
      textStep: Number.isInteger(stored.textStep) ? Math.min(TEXT_STEPS.max, Math.max(TEXT_STEPS.min, stored.textStep!)) : DEFAULTS.textStep,
      width: stored.width === 'wide' ? 'wide' : DEFAULTS.width,
      locale: stored.locale === 'en' ? 'en' : DEFAULTS.locale,
      density: stored.density === 'compact' ? 'compact' : DEFAULTS.density,
    };
  } catch {
    return DEFAULTS;
  }
}

interface SettingsContextValue {
  settings: Settings;
  update: (change: Partial<Settings>) => void;
}

const SettingsContext = createContext<SettingsContextValue>({ settings: DEFAULTS, update: () => {} });

export function SettingsProvider({ children }: { children: ReactNode }) {
  const [settings, setSettings] = useState<Settings>(readStored);
  const update = useCallback((change: Partial<Settings>) => setSettings((current) => ({ ...current, ...change })), []);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset['theme'] = settings.theme;
    root.dataset['width'] = settings.width;
    root.dataset['density'] = settings.density;
    root.style.setProperty('--text-scale', String(1 + settings.textStep * 0.125));
    root.lang = settings.locale === 'en' ? 'en' : 'zh-Hant-TW';
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch {
      /* private mode: settings last for this visit only */
    }
  }, [settings]);

  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return (
    <SettingsContext.Provider value={value}>
      <LocaleProvider locale={settings.locale}>{children}</LocaleProvider>
    </SettingsContext.Provider>
  );
}

export function useSettings(): SettingsContextValue {
  return useContext(SettingsContext);
}
