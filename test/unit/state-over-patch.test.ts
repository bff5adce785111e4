/**
 * A patched build's state of files (StateOverPatch in data-writer.ts): the last build's state with the
 * build's changes over it reads as the copy the build made before (every path but the search index's,
 * then the changes), leaves the last state as it was, and names the last build's files it no longer holds.
 */
import { StateOverPatch } from '../../src/indexer/output/data-writer.ts';

const isSearch = (path: string) => path.startsWith('search/');

function lastState(): Map<string, string> {
  return new Map([
    ['manifest.json', 'm1'],
    ['shards/0.json', 's0'],
    ['posts/a/1.json#one', 'p1'],
    ['posts/a/1.json#two', 'p2'],
    ['search/0.bin', 'x0'],
    ['search/1.bin', 'x1'],
    ['search/tail/0.bin', 't0'],
  ]);
}

/** The state as a copy: the last one's paths but those set apart, then `change` on it. */
function copied(last: ReadonlyMap<string, string>, change: (state: Map<string, string>) => void): Map<string, string> {
  const state = new Map([...last].filter(([path]) => !isSearch(path)));
  change(state);
  return state;
}

const sorted = (entries: Iterable<[string, string]>) => [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

function expectSame(state: StateOverPatch, expected: ReadonlyMap<string, string>, paths: readonly string[]): void {
  expect(sorted(state)).toEqual(sorted(expected));
  expect(state.size).toBe(expected.size);
  for (const path of paths) {
    expect(state.get(path), path).toBe(expected.get(path));
    expect(state.has(path), path).toBe(expected.has(path));
  }
}

describe('a patched build’s state of files', () => {
  it('reads as the last state with the changes over it, the search files left out until set again', () => {
    const last = lastState();
    const change = (state: { set(path: string, hash: string): unknown; delete(path: string): boolean }) => {
      state.set('manifest.json', 'm2');
      state.set('posts/b/2.json#three', 'p3');
      state.set('search/1.bin', 'x1');
      state.set('search/2.bin', 'x2');
      state.delete('search/2.bin');
      state.set('search/tail/1.bin', 't1');
    };
    const state = new StateOverPatch(last, isSearch);
    change(state);
    expectSame(state, copied(last, change), [...last.keys(), 'posts/b/2.json#three', 'search/2.bin', 'search/tail/1.bin']);
    expect(last).toEqual(lastState());
  });

  it('names the last build’s files it no longer holds: set apart and not set again, or removed', () => {
    const state = new StateOverPatch(lastState(), isSearch);
    state.set('search/1.bin', 'x1');
    state.delete('shards/0.json');
    state.delete('posts/a/1.json#one');
    state.set('posts/a/1.json#one', 'p1-again');
    expect([...state.dropped()].sort()).toEqual(['search/0.bin', 'search/tail/0.bin', 'shards/0.json']);
    expect(state.has('shards/0.json')).toBe(false);
    expect(state.get('posts/a/1.json#one')).toBe('p1-again');
  });

  it('reads the same over many watching builds, each over the last one’s state', () => {
    let last: ReadonlyMap<string, string> = lastState();
    let expected = lastState();
    for (let build = 0; build < 20; build++) {
      const change = (state: { set(path: string, hash: string): unknown }) => {
        state.set(`posts/a/1.json#one`, `p1-${build}`);
        state.set(`posts/c/${build}.json#new`, `n${build}`);
        state.set(`search/${build}.bin`, `x-${build}`);
      };
      const state = new StateOverPatch(last, isSearch);
      change(state);
      expected = copied(expected, change);
      expectSame(state, expected, [...expected.keys(), 'search/0.bin', `search/${build}.bin`]);
      last = state;
    }
  });
});
