// Entry of the build's worker threads. Vite runs the build from TypeScript sources it compiles itself;
// a worker thread starts from a plain file, so this one teaches it TypeScript (tsx) and then loads the
// worker proper.
import { register } from 'tsx/esm/api';

register();
await import('./ingest-worker.ts');
