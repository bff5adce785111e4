/**
 * Announces the archive's Atom feed in index.html (`<link rel="alternate">`), so that feed readers and
 * browsers find it from the site's address. Only when the feeds are written: they need SITE_URL (see
 * src/indexer/output/write-extras.ts).
 */
import type { Plugin } from 'vite';
import { DATA_DIR } from './site-paths.ts';
import { feedPath } from '../plan/feeds.ts';

export function feedLink(siteUrl: string | undefined = process.env['SITE_URL']): Plugin {
  let base = '/';
  return {
    name: 'cna-reader-feed-link',
    apply: 'build',
    configResolved(config) {
      base = config.base;
    },
    transformIndexHtml: () =>
      siteUrl
        ? [
            {
              tag: 'link',
              attrs: { rel: 'alternate', type: 'application/atom+xml', title: '新聞典藏閱讀器', href: `${base}${DATA_DIR}/${feedPath()}` },
              injectTo: 'head',
            },
          ]
        : [],
  };
}
