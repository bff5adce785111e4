/**
 * Which search index builder a build runs for a range of rows: SortedOccurrences for a few rows (cheaper
 * adds, its occurrences held until the export), SearchIndexBuilder beyond (its tables grow with tokens,
 * not occurrences). Both export the same PartialIndex.
 */
import { SearchIndexBuilder } from './search-index.ts';
import { SortedOccurrences } from './sorted-occurrences.ts';

/**
 * Rows up to which a build's builder sorts its occurrences: the largest builder measured (docs/build-speed.md,
 * stop 44: the real posts' builders of 2,048 / 2,048 / 1,378 rows, and the tails). Larger ones were not
 * measured: such a builder sets aside 12 bytes × 1,400 occurrences a row at its start (~34 MB at 2,048 rows),
 * twice that while sorting, more than a hash builder's tables as rows grow.
 */
export const SORTED_AT_MOST = 2048;

/** What a build feeds and exports: either builder. */
export type IndexBuilder = Pick<SearchIndexBuilder, 'add' | 'addText' | 'exportPartial' | 'postCount'>;

/** The builder for `expectedPosts` rows: sorting when they are few, numbering tokens as they come otherwise. */
export function searchIndexBuilder(expectedPosts: number): IndexBuilder {
  return expectedPosts <= SORTED_AT_MOST ? new SortedOccurrences(expectedPosts) : new SearchIndexBuilder(expectedPosts);
}
