/** The indexer's public face: one build of a site's data, and the Vite plugin that runs it. */
export { buildSite, type BuildSiteOptions } from './build-site.ts';
export { cnaReaderIndex, type CnaReaderIndexOptions } from './vite/vite-plugin.ts';
