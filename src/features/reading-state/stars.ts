/** Posts the reader starred to read later (`s`): kept per archive in localStorage (see mark-store.ts). */
import { createMarkStore, UNKNOWN_ROW } from './mark-store.ts';

/** Far more than anyone saves by hand; the oldest stars are dropped first. */
const MAX_STARS = 20_000;

export const stars = createMarkStore('starred', MAX_STARS);

export function toggleStar(id: string, row: number): void {
  stars.set([[id, row]], !stars.has(id));
}

/**
 * Gives a star kept without its row (pressed before the article's place was known) the row now known:
 * the starred view finds its posts by row.
 */
export function placeStar(id: string, row: number): void {
  if (row !== UNKNOWN_ROW && stars.get().get(id) === UNKNOWN_ROW) stars.set([[id, row]], true);
}

export function useStars(): ReadonlyMap<string, number> {
  return stars.use();
}
