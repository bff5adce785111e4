/**
 * `vite dev`: serves the index at <base>data/ (and the report), built as `vite build --watch` builds it
 * (see buildSite) into an output folder of its own in the build cache, and built again on each burst
 * of changes its watch hears.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import PQueue from 'p-queue';
import type { ViteDevServer } from 'vite';
import type { IngestReport } from '../../shared/types.ts';
import { buildSite, startWorkers } from '../build-site.ts';
import { watchPostFiles } from '../incremental/known-files.ts';
import type { BuildMemory } from '../incremental/build-cache.ts';
import type { WorkerPool } from '../workers/worker-pool.ts';
import { DATA_DIR, REPORT_FILE } from './site-paths.ts';

export interface DevIndexOptions {
  postsDir: string;
  /** @default the indexer's (see ingest.ts) */
  timeZone: string | undefined;
  assetBase: string;
  /** A folder of its own in the build cache: its record is of the folder it serves, and a build may run meanwhile. */
  cacheDir: string;
  workers: number;
}

export function serveIndexInDev(server: ViteDevServer, options: DevIndexOptions): void {
  const { postsDir, timeZone, assetBase, cacheDir } = options;
  // Built to disk and served from there: held in memory, 100k posts took 2.1 GB, and every edit
  // planned every post again.
  const outDir = join(cacheDir, 'site');
  const dataRoot = join(outDir, DATA_DIR);
  let pool: Promise<WorkerPool | undefined> | undefined;
  // One build at a time: two would write the same record and output at once.
  const builds = new PQueue({ concurrency: 1 });
  const memory: BuildMemory = {};
  /** The build under way or done: its report once its files are written. */
  let current: Promise<IngestReport> | undefined;
  const rebuild = () =>
    (current = builds.add(async () => {
      const workers = await (pool ??= startWorkers(options.workers));
      try {
        const listing = await watched.nextListing();
        return await buildSite({ postsDir, timeZone, assetBase, outDir, cacheDir, workers: workers ?? 0, memory, ...listing });
      } catch (error) {
        watched.posts.forget();
        throw error;
      }
    }));
  // What the watch says changed: a rebuild after an edit neither lists the folder nor stats every file
  // (see known-files.ts). Watched from before the first build reads the folder.
  const watched = watchPostFiles(postsDir, async () => {
    await rebuild().catch(() => undefined);
    watched.watcher.refresh();
    server.ws.send({ type: 'full-reload' });
  });
  const index = () => current ?? rebuild();
  // Started with the server rather than at the first request: a large archive takes seconds.
  void index().catch(() => undefined);

  server.httpServer?.once('close', () => {
    watched.close();
    void pool?.then((started) => started?.close());
  });

  server.middlewares.use(async (request, response, next) => {
    const base = server.config.base;
    const url = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
    const isReport = url === `${base}${REPORT_FILE}`;
    if (!isReport && !url.startsWith(`${base}${DATA_DIR}/`)) return next();
    try {
      // Served once the build under way is written: never half of one build's files and half of another's.
      const report = await index();
      const file = resolve(dataRoot, url.slice(`${base}${DATA_DIR}/`.length));
      const body = isReport ? JSON.stringify(report, null, 2) : file.startsWith(`${dataRoot}${sep}`) ? await readFile(file).catch(() => undefined) : undefined;
      if (body === undefined) {
        response.statusCode = 404;
        response.end('not found');
        return;
      }
      response.setHeader('Content-Type', url.endsWith('.json') ? 'application/json; charset=utf-8' : 'application/octet-stream');
      response.setHeader('Cache-Control', 'no-store');
      response.end(body);
    } catch (error) {
      next(error);
    }
  });
}
