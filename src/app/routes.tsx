import type { RouteObject } from 'react-router';
import { Layout } from './layout.tsx';
import { Loading } from '../components/status.tsx';
import { ListPage } from '../features/list/list-page.tsx';
import { NotFoundPage } from './not-found-page.tsx';

/** The article view is split into its own chunk: the list shows without downloading it. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    // Shown while the lazy article chunk loads on a first visit straight to an article.
    hydrateFallbackElement: <Loading />,
    children: [
      { index: true, element: <ListPage /> },
      {
        path: 'a/:id',
        lazy: async () => ({ Component: (await import('../features/article/article-page.tsx')).ArticlePage }),
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
