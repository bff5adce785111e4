// First: the list's first data is asked for before the rest of the app's modules are run (first-fetches.ts).
import { firstScreenData } from './first-fetches.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { routes } from './app/routes.tsx';
import { flushRouterUpdate } from './app/flush-router-update.ts';
import { SettingsProvider } from './ui/settings.tsx';
import './app/styles.css';
import { registerServiceWorker } from './features/offline/register.ts';
import { whenIdleAfterFirstInput } from './ui/when-idle.ts';

// The router lives under the same base path as the assets (BASE_PATH at build time), so deep links
// work when the site is served from a sub-path such as GitHub Pages' /<repo>/. With its trailing slash:
// without it, links to the list went to /<repo>?tag=…, which static servers answer with a redirect or a 404.
const router = createBrowserRouter(routes, { basename: import.meta.env.BASE_URL });

/**
 * How long the first render waits for the list's first data (first-fetches.ts): drawn with it, the list
 * is rendered and laid out once, not as a loading state, then a list, then its rows. Past this (a slow
 * network), the page and its loading state show first, as they did. @default 400
 */
const FIRST_DATA_WAIT_MS = 400;

/**
 * How long after the first data the service worker waits for a first input before it registers anyway:
 * past the moment a reader who came to click does so. @default 2000
 */
const SERVICE_WORKER_QUIET_MS = 2000;

const root = createRoot(document.getElementById('root')!);
void Promise.race([firstScreenData, new Promise((waited) => setTimeout(waited, FIRST_DATA_WAIT_MS))]).then(() =>
  root.render(
    <StrictMode>
      <SettingsProvider>
        <RouterProvider router={router} flushSync={flushRouterUpdate} />
      </SettingsProvider>
    </StrictMode>,
  ),
);

// Issue 25: the offline app's service worker (builds only), once the list's first data has arrived, and
// then the reader's first input or a quiet moment: on a first visit its install copies the app's files
// (~520 KB) and the data read so far, which competed with the first data, then with a click made at once.
void firstScreenData.then(() => whenIdleAfterFirstInput(() => void registerServiceWorker(root), SERVICE_WORKER_QUIET_MS));
