/** Posts the reader starred to read later (`s`): kept per archive in localStorage (see mark-store.ts). */
import { createMarkStore } from './mark-store.ts';

/** Far more than anyone saves by hand; the oldest stars are dropped first. */
const MAX_STARS = 20_000;

export const stars = createMarkStore('starred', MAX_STARS);

export function toggleStar(id: string, row: number): void {
  stars.set([[id, row]], !stars.has(id));
}

export function useStars(): ReadonlyMap<string, number> {
  return stars.use();
}
