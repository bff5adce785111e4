/**
 * Runs `work` over the items, at most `lanes` at once (while one waits for the disk, another computes),
 * and returns the results in the items' order, whatever order they finished in: ids and reports must not
 * depend on timing.
 */
export async function mapInOrder<T, R>(items: readonly T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = Array.from({ length: items.length });
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  return results;
}
