// Entry of the build's worker threads when they run the sources (tests): Vite runs the build from
// TypeScript it compiles itself; a worker thread starts from a plain file, so this one teaches it
// TypeScript (tsx) and then hands on the worker proper.
import { register } from 'tsx/esm/api';

register();
export default (await import('./ingest-worker.ts')).default;
