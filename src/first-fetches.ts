/**
 * The app's first module: built as a chunk of its own (~6 KB) that index.html runs from an `async` script
 * (src/indexer/vite/first-fetches-script.ts), and main.tsx's first import. It asks for the list's first
 * data while the app's entry chunk (~130 KB gz) is still downloaded and run. It must not import React.
 */
import { isListPath, prefetchFirstScreen } from './features/list/first-screen.ts';

/** Settles once the list's first data has arrived (or failed to); at once on other pages. */
export const firstScreenData: Promise<void> = isListPath(window.location.pathname) ? prefetchFirstScreen(window.location.search) : Promise.resolve();
