/**
 * What the Vite plugin runs rather than declares: the site's build and the dev server's index. Loaded
 * when a build first needs it (see load-build-jobs.ts), so that loading the Vite config neither bundles
 * nor imports the indexer.
 */
export { buildSite, startWorkers } from '../build-site.ts';
export { serveIndexInDev } from './dev-server.ts';
export { watchPostFiles } from '../incremental/known-files.ts';
export { dataCompressionOf } from '../output/data-file.ts';
