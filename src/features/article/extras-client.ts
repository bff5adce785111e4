/**
 * An article's extras (other reports of its story, further reading): one small file per ~60 posts
 * (see extrasFile), fetched as the article shows. A site built before extras existed has none: that
 * is no error, the article shows without them.
 */
import { extrasFile, type ExtrasBucket, type Manifest, type PostExtras } from '../../shared/types.ts';
import { DataError, fetchData } from '../data/data-client.ts';

export async function loadExtras(manifest: Manifest, id: string): Promise<PostExtras> {
  try {
    const file = (await (await fetchData(extrasFile(id, manifest.postBuckets))).json()) as ExtrasBucket;
    return file[id] ?? {};
  } catch (error) {
    if (error instanceof DataError && error.status === 404) return {};
    throw error;
  }
}
