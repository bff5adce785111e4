/**
 * The app's first module (main.tsx imports it before any other): it asks for the list's first data
 * before React and the router are run and the app's first render, which put the manifest's request
 * ~65 ms of CPU after the script arrived (200–300 ms on a loaded machine).
 */
import { isListPath, prefetchFirstScreen } from './features/list/first-screen.ts';

/** Settles once the list's first data has arrived (or failed to); at once on other pages. */
export const firstScreenData: Promise<void> = isListPath(window.location.pathname) ? prefetchFirstScreen(window.location.search) : Promise.resolve();
