/**
 * A build worker thread: parses files (ingestFile), indexes rows and writes post buckets (write-rows.ts)
 * on request from the main thread (see worker-pool.ts), each with its own disk post store over the
 * shared cache folder.
 */
import { parentPort } from 'node:worker_threads';
import { ingestFile, statAll } from './ingest-file.ts';
import { mapInOrder } from './map-in-order.ts';
import { diskStore, type PostStore } from '../incremental/post-store.ts';
import { SearchIndexBuilder, partialIndexBuffers } from '../search/search-index.ts';
import type { WorkerReply, WorkerRequest } from './worker-pool.ts';
import { indexRows, writeBuckets } from '../output/write-rows.ts';

const FILES_AT_ONCE = 8;

const stores = new Map<string, PostStore>();
const storeAt = (dir: string) => {
  let store = stores.get(dir);
  if (!store) stores.set(dir, (store = diskStore(dir)));
  return store;
};

let search: SearchIndexBuilder | undefined;
/** Folders made (or found) during this write phase, which rows-end closes: each made once. */
const madeFolders = new Set<string>();

async function handle(request: WorkerRequest): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'ingest': {
      const store = storeAt(request.storeDir);
      return { result: await mapInOrder(request.files, FILES_AT_ONCE, (file) => ingestFile(file, request.settings, request.parseOptions, store)) };
    }
    case 'rows': {
      await indexRows(request.tasks, storeAt(request.storeDir), (search ??= new SearchIndexBuilder()));
      return { result: undefined };
    }
    case 'buckets':
      return { result: await writeBuckets(request.tasks, storeAt(request.storeDir), request.dataRoot, madeFolders) };
    case 'stat': {
      const seen = statAll(request.paths);
      return { result: seen, transfer: [seen.buffer as ArrayBuffer] };
    }
    case 'rows-end': {
      const partial = (search ?? new SearchIndexBuilder()).exportPartial();
      search = undefined;
      madeFolders.clear();
      return { result: partial, transfer: partialIndexBuffers(partial) };
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  // The stores' files are closed after each request: a worker is ended between phases without notice.
  const handled = handle(request).finally(() => {
    for (const store of stores.values()) store.close();
  });
  handled.then(
    ({ result, transfer }) => parentPort!.postMessage({ id: request.id, result } satisfies WorkerReply, transfer ?? []),
    (error: Error) => parentPort!.postMessage({ id: request.id, error: error.stack ?? String(error) } satisfies WorkerReply),
  );
});
