import { lazy, Suspense } from 'react';
import type { RouteObject } from 'react-router';
import { Layout } from './layout.tsx';
import { Loading } from '../ui/status.tsx';
import { ListPage } from '../features/list/list-page.tsx';
import { NotFoundPage } from '../ui/not-found-page.tsx';

/** The article view is split into its own chunk: the list shows without downloading it. */
const ArticlePage = lazy(async () => ({ default: (await import('../features/article/article-page.tsx')).ArticlePage }));

export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      // The list's routes: features/list/first-screen.ts (isListPath) knows them before the router loads.
      { index: true, element: <ListPage /> },
      // Static hosts serve the app as <base>/index.html too: the same list, not a 404.
      { path: 'index.html', element: <ListPage /> },
      {
        path: 'a/:id',
        // Waited for inside the layout, where the article will show: on a first visit straight to an
        // article, the page's header and the message sit where they stay. (As a lazy route, the router
        // showed the message alone in place of the whole layout, which then moved everything.)
        element: (
          <Suspense fallback={<Loading />}>
            <ArticlePage />
          </Suspense>
        ),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
