/**
 * Renders the app on a memory router over an index built from the project's demo posts, with fetch
 * answered from that index (no server).
 */
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { resolve } from 'node:path';
import { routes } from '../../src/app/routes.tsx';
import { flushRouterUpdate } from '../../src/app/flush-router-update.ts';
import { SettingsProvider } from '../../src/ui/settings.tsx';
import { resetDataCache } from '../../src/features/data/data-client.ts';
import { forgetReadMarksCache } from '../../src/features/reading-state/read-marks.ts';
import { resetSearchCache } from '../../src/features/search/search-client.ts';
import { ingestPosts } from '../../src/indexer/ingest.ts';
import { buildSearchFiles } from '../../src/indexer/search/search-shards.ts';

// jsdom gives import.meta.url an http: scheme; the project root is the working directory of the test run.
const DEMO_POSTS = resolve(process.cwd(), 'posts');
let files: Map<string, string | Uint8Array> | undefined;

export async function demoIndex(): Promise<Map<string, string | Uint8Array>> {
  if (!files) {
    const built = await ingestPosts({ postsDir: DEMO_POSTS });
    files = new Map(built.files);
    for await (const [path, body] of built.postBuckets()) files.set(path, new Uint8Array(body));
    for (const [path, body] of await buildSearchFiles(built.posts())) files.set(path, body);
  }
  return files;
}

export interface FetchLog {
  urls: string[];
  failNext: (pattern: RegExp) => void;
}

export async function serveDemoIndex(): Promise<FetchLog> {
  const index = await demoIndex();
  const log: FetchLog = { urls: [], failNext: () => {} };
  let failing: RegExp | undefined;
  log.failNext = (pattern) => (failing = pattern);
  resetDataCache();
  resetSearchCache();
  forgetReadMarksCache();
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const url = String(input);
    log.urls.push(url);
    if (failing?.test(url)) {
      failing = undefined;
      return new Response('boom', { status: 500 });
    }
    const path = decodeURIComponent(url.replace(/^.*?\/data\//, ''));
    const body = index.get(path);
    return body === undefined
      ? new Response('not found', { status: 404 })
      : new Response(body as BodyInit, { headers: { 'Content-Type': path.endsWith('.json') ? 'application/json' : 'application/octet-stream' } });
  });
  return log;
}

export function renderApp(path = '/') {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const view = render(
    <SettingsProvider>
      <RouterProvider router={router} flushSync={flushRouterUpdate} />
    </SettingsProvider>,
  );
  return { ...view, router };
}
