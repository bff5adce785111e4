import { useEffect, useState } from 'react';
import type { Manifest } from '../../shared/types.ts';
import { loadRow, peekRow } from '../data/data-client.ts';

export interface Neighbour {
  id: string;
  title: string;
}

/** The ids and titles of the posts at two list positions (above and below an article in its view). */
export function useNeighbours(
  manifest: Manifest,
  before: number | undefined,
  after: number | undefined,
): { before?: Neighbour | undefined; after?: Neighbour | undefined; loaded: boolean } {
  const key = `${before}:${after}`;
  // Shards already here (the list showed these rows) give the titles in the first render.
  const peek = (position: number | undefined) => (position === undefined ? undefined : meta(peekRow(manifest, position)));
  const [found, setFound] = useState<{ key: string; before?: Neighbour | undefined; after?: Neighbour | undefined }>(() => {
    const above = peek(before);
    const below = peek(after);
    // Known only if every position asked for was found (else the load below tells).
    const complete = (before === undefined || above) && (after === undefined || below);
    return { key: complete ? key : '', before: above, after: below };
  });
  useEffect(() => {
    let live = true;
    const load = (position: number | undefined) => (position === undefined ? Promise.resolve(undefined) : loadRow(manifest, position).catch(() => undefined));
    Promise.all([load(before), load(after)]).then(([above, below]) => live && setFound({ key, before: meta(above), after: meta(below) }));
    return () => {
      live = false;
    };
  }, [manifest, before, after, key]);
  return found.key === key ? { ...found, loaded: true } : { loaded: false };
}

function meta(post: { id: string; title: string } | undefined): Neighbour | undefined {
  return post ? { id: post.id, title: post.title } : undefined;
}
