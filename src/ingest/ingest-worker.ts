/**
 * A build worker thread: parses files (ingestFile) and writes rows (writeRows) on request from the
 * main thread (see worker-pool.ts), each with its own disk post store over the shared cache folder.
 */
import { parentPort } from 'node:worker_threads';
import { ingestFile, type IngestedFile } from './ingest-file.ts';
import { diskStore, type PostStore } from './post-store.ts';
import { SearchIndexBuilder, partialIndexBuffers } from './search-index.ts';
import type { WorkerReply, WorkerRequest } from './worker-pool.ts';
import { writeRows } from './write-rows.ts';

const FILES_AT_ONCE = 8;

const stores = new Map<string, PostStore>();
const storeAt = (dir: string) => {
  let store = stores.get(dir);
  if (!store) stores.set(dir, (store = diskStore(dir)));
  return store;
};

let rowSession: { search: SearchIndexBuilder; folders: Set<string> } | undefined;

async function handle(request: WorkerRequest): Promise<{ result: unknown; transfer?: ArrayBuffer[] }> {
  switch (request.type) {
    case 'ingest': {
      const store = storeAt(request.storeDir);
      // Several files at once: while one waits for the disk, another is parsed.
      const result: IngestedFile[] = Array.from({ length: request.files.length });
      let next = 0;
      const lane = async () => {
        while (next < request.files.length) {
          const at = next++;
          result[at] = await ingestFile(request.files[at]!, request.settings, request.parseOptions, store);
        }
      };
      await Promise.all(Array.from({ length: FILES_AT_ONCE }, lane));
      return { result };
    }
    case 'rows': {
      rowSession ??= { search: new SearchIndexBuilder(), folders: new Set() };
      return { result: await writeRows(request.tasks, storeAt(request.storeDir), request.dataRoot, rowSession.search, rowSession.folders) };
    }
    case 'rows-end': {
      const partial = (rowSession?.search ?? new SearchIndexBuilder()).exportPartial();
      rowSession = undefined;
      return { result: partial, transfer: partialIndexBuffers(partial) };
    }
  }
}

parentPort!.on('message', (request: WorkerRequest) => {
  handle(request).then(
    ({ result, transfer }) => parentPort!.postMessage({ id: request.id, result } satisfies WorkerReply, transfer ?? []),
    (error: Error) => parentPort!.postMessage({ id: request.id, error: error.stack ?? String(error) } satisfies WorkerReply),
  );
});
