/** Serves an in-memory search index to the browser-side search code through a stubbed fetch. */
import { resetSearchCache } from '../../../src/features/search/search-client.ts';
import { buildSearchFiles } from '../../../src/indexer/search/search-shards.ts';

export interface Fetched {
  paths: string[];
}

/**
 * `posts`: newest first, as the list shows them (the index numbers rows from the oldest, so the last is
 * row 0), or posts with their rows in the index, ascending.
 */
export async function serveSearchIndex(
  posts: { title: string; text: string }[] | AsyncIterable<{ row: number; title: string; text: string }>,
  sizes: { shardBytes?: number; piecePostings?: number; tailRows?: number; pageShards?: number } = {},
): Promise<Fetched> {
  const source = Array.isArray(posts) ? posts.map((post, position) => ({ ...post, row: posts.length - 1 - position })).reverse() : posts;
  const files = await buildSearchFiles(
    (async function* () {
      for await (const post of source) yield post;
    })(),
    sizes,
  );
  const fetched: Fetched = { paths: [] };
  resetSearchCache();
  vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
    const path = String(input).replace(/^.*?\/data\//, '');
    fetched.paths.push(path);
    const body = files.get(path);
    return body === undefined ? new Response('not found', { status: 404 }) : new Response(body as BodyInit);
  });
  return fetched;
}
