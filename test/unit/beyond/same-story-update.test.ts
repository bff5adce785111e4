import { storyPrint, storyTableOf, storyTerms, type StoryItem, type StoryTable } from '../../../src/indexer/plan/same-story.ts';
import { findStoryPairs } from '../../../src/indexer/plan/story-pairs.ts';
import { updateStoryPairs } from '../../../src/indexer/plan/same-story-update.ts';
import { countTermFrequencies, movedTerms } from '../../../src/indexer/plan/term-frequencies.ts';
import { printDigests, storyChanges, storyDigests } from '../../../src/indexer/output/extras-state.ts';
import { shownDigests } from '../../../src/indexer/output/post-rows.ts';
import { ShingleScratch } from '../../../src/indexer/plan/shingle-hashes.ts';
import { findFurtherReadingIn, ReadingTable } from '../../../src/indexer/plan/related-reading.ts';
import { keptFurtherReading, type ExclusionChange } from '../../../src/indexer/plan/further-reading-update.ts';

// A made-up archive, drawn from a seeded generator: stories of a few reports each (copies with a
// sentence of their own, titles sharing most characters), across outlets and days.
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
const next = random(7);
const pick = (n: number) => Math.floor(next() * n);
const chars = (n: number) => Array.from({ length: n }, () => String.fromCodePoint(0x4e00 + pick(3000))).join('');
const sentence = () => `${chars(24)}。`;
const HOUR = 3600 * 1000;
const START = Date.UTC(2026, 10, 1);

interface Draft {
  id: string;
  title: string;
  lead: string;
  rest: string;
  time: number;
  outlet: string;
}
const drafts: Draft[] = [];
for (let story = 0; story < 90; story++) {
  const lead = sentence();
  const body = [sentence(), sentence(), sentence()];
  const title = chars(10);
  const time = START + story * 5 * HOUR;
  for (let report = 0; report < 1 + pick(4); report++) {
    const own = report === 0 ? '' : sentence();
    drafts.push({
      id: `s${story}-r${report}`,
      title: `${title.slice(0, 6 + pick(4))}${chars(pick(4))}`,
      lead,
      rest: body.slice(0, 2 + pick(2)).join('') + own,
      time: time + pick(20) * HOUR,
      outlet: ['cna', 'rti', 'bbc'][pick(3)]!,
    });
  }
}
// Events told in other words: titles partly alike, the same rare names in the lead, texts of their own,
// another outlet within hours; the names rules decide these, some just over and some just under.
for (let story = 0; story < 40; story++) {
  const [shared, names] = [chars(4), chars(6 + pick(8))];
  const time = START + story * 11 * HOUR;
  for (let report = 0; report < 2; report++)
    drafts.push({
      id: `n${story}-r${report}`,
      title: `${shared}${chars(5)}`,
      lead: `${names}${sentence()}`,
      rest: sentence() + sentence(),
      time: time + report * pick(10) * HOUR,
      outlet: report === 0 ? 'cna' : 'bbc',
    });
}
const itemOf = (draft: Draft): StoryItem => {
  const print = storyPrint(`${draft.title}\n${draft.lead}${draft.rest}`, new ShingleScratch());
  return {
    id: draft.id,
    title: draft.title,
    time: draft.time,
    outlet: draft.outlet,
    signature: print?.signature,
    shingles: print?.shingles ?? 0,
    terms: storyTerms(draft.title, draft.lead, new ShingleScratch()),
  };
};
const sorted = (found: ReturnType<typeof findStoryPairs>['found']) => [...found].sort(([a], [b]) => (a < b ? -1 : 1));
const pairKeys = (pairs: [string, string][]) => pairs.map(([a, b]) => (a < b ? `${a} ${b}` : `${b} ${a}`)).sort();

// A table's digests as the build makes them: what the list shows of each row (its title, date and
// outlet as its tags) and its print.
const digestsOf = (table: StoryTable) => {
  const rows = {
    ids: table.ids.slice(0, table.count),
    titles: [] as string[],
    dates: [] as string[],
    tags: [] as string[][],
    rowOf: new Map<string, number>(),
  };
  for (let at = 0; at < table.count; at++) {
    rows.titles.push(table.titles[at]!);
    rows.dates.push(new Date(table.times[at]!).toISOString());
    rows.tags.push(table.outlets[at]! < 0 ? [] : [table.outletNames[table.outlets[at]!]!]);
  }
  return storyDigests(table, printDigests(table), shownDigests(rows));
};

describe('same-story pairs after posts were added, removed or changed', () => {
  const before = storyTableOf(drafts.map(itemOf));
  const previous = findStoryPairs(before);
  // The pairs patched from the last build's, and over all posts: each post's list, and the pairs the names decided.
  const patchedAndFresh = (after: StoryTable) => {
    const changes = storyChanges(digestsOf(before), digestsOf(after));
    const patched = updateStoryPairs(after, previous, changes);
    const fresh = findStoryPairs(after);
    // As many posts as before: told which terms' counts moved, only the pairs of posts holding one are weighed again.
    if (after.count === before.count) {
      const moved = movedTerms(countTermFrequencies(before), countTermFrequencies(after));
      const narrowed = updateStoryPairs(after, previous, { ...changes, termsMoved: moved });
      expect({ found: sorted(narrowed.found), byNames: pairKeys(narrowed.byNames) }).toEqual({ found: sorted(fresh.found), byNames: pairKeys(fresh.byNames) });
    }
    return [
      { found: sorted(patched.found), byNames: pairKeys(patched.byNames) },
      { found: sorted(fresh.found), byNames: pairKeys(fresh.byNames) },
    ];
  };

  it('has stories to find in the made-up archive, some told by their names', () => {
    expect(previous.found.size).toBeGreaterThan(60);
    expect(previous.byNames.length).toBeGreaterThan(0);
  });

  it.each([
    ['text after the lead rewritten', (draft: Draft) => ({ ...draft, rest: sentence() + sentence() })],
    ['text cut to its lead', (draft: Draft) => ({ ...draft, rest: '' })],
    ['moved by 20 hours', (draft: Draft) => ({ ...draft, time: draft.time + 20 * HOUR })],
    ['moved two days back', (draft: Draft) => ({ ...draft, time: draft.time - 48 * HOUR })],
    ['another outlet', (draft: Draft) => ({ ...draft, outlet: draft.outlet === 'cna' ? 'rti' : 'cna' })],
    ['title changed', (draft: Draft) => ({ ...draft, title: `${draft.title.slice(0, 5)}${chars(4)}` })],
    ['lead changed', (draft: Draft) => ({ ...draft, lead: sentence() })],
  ])('finds the same pairs as over all posts when posts are edited (%s)', (_, edit) => {
    for (const seed of [1, 2, 3]) {
      const changedAt = new Set(Array.from({ length: seed * 3 }, () => pick(drafts.length)));
      const [patched, fresh] = patchedAndFresh(storyTableOf(drafts.map((draft, at) => itemOf(changedAt.has(at) ? edit(draft) : draft))));
      expect(patched).toEqual(fresh);
    }
  });

  it('finds the same pairs as over all posts when posts are added', () => {
    for (const seed of [1, 2, 3]) {
      // Copies of reports under a new id and a title of their own, hours later, placed among the rows.
      const added = Array.from({ length: seed * 2 }, (_, n) => {
        const source = drafts[pick(drafts.length)]!;
        return { ...source, id: `added-${seed}-${n}`, title: `${source.title.slice(0, 7)}${chars(3)}`, time: source.time + pick(6) * HOUR };
      });
      const rows = [...drafts];
      for (const draft of added) rows.splice(pick(rows.length), 0, draft);
      const [patched, fresh] = patchedAndFresh(storyTableOf(rows.map(itemOf)));
      expect(patched).toEqual(fresh);
    }
  });

  it('weighs again the pairs told by names when posts added months later hold the same names', () => {
    // Reports two months later naming the same people, far from every pair: only the idf of the names moves.
    const later = drafts
      .filter((draft) => draft.id.startsWith('n') && draft.id.endsWith('-r0'))
      .map((draft, n) => ({ ...draft, id: `later-${n}`, title: chars(9), rest: sentence(), time: draft.time + 60 * 24 * HOUR }));
    const [patched, fresh] = patchedAndFresh(storyTableOf([...drafts, ...later].map(itemOf)));
    expect(patched).toEqual(fresh);
    expect(fresh!.found).not.toEqual(sorted(previous.found));
  });

  it('finds the same pairs as over all posts when posts far from the pairs told by names are edited to hold their names', () => {
    // As many posts before and after: told which terms' counts moved, the pairs of posts holding one are weighed again.
    const far = drafts
      .filter((draft) => draft.id.startsWith('n') && draft.id.endsWith('-r0'))
      .flatMap((draft, n) =>
        Array.from({ length: 12 }, (_, k) => 60 + 5 * k).map((days) => ({
          ...draft,
          id: `far-${n}-${days}`,
          title: chars(9),
          rest: sentence(),
          time: draft.time + days * 24 * HOUR,
        })),
      );
    const base = storyTableOf([...drafts, ...far.map((draft) => ({ ...draft, lead: sentence() }))].map(itemOf));
    const edited = storyTableOf([...drafts, ...far].map(itemOf));
    const last = findStoryPairs(base);
    const changes = {
      ...storyChanges(digestsOf(base), digestsOf(edited)),
      termsMoved: movedTerms(countTermFrequencies(base), countTermFrequencies(edited)),
    };
    const patched = updateStoryPairs(edited, last, changes);
    const fresh = findStoryPairs(edited);
    expect({ found: sorted(patched.found), byNames: pairKeys(patched.byNames) }).toEqual({ found: sorted(fresh.found), byNames: pairKeys(fresh.byNames) });
    expect(changes.termsMoved.size).toBeGreaterThan(0);
  });

  it('finds the same pairs as over all posts when posts are removed', () => {
    for (const seed of [1, 2, 3]) {
      const removed = new Set(Array.from({ length: seed }, () => pick(drafts.length)));
      const [patched, fresh] = patchedAndFresh(storyTableOf(drafts.filter((_, at) => !removed.has(at)).map(itemOf)));
      expect(patched).toEqual(fresh);
    }
  });

  it('keeps the pairs as they were when nothing changed', () => {
    const [patched, fresh] = patchedAndFresh(before);
    expect(patched).toEqual(fresh);
    expect(patched!.found).toEqual(sorted(previous.found));
  });
});

describe('further reading kept from the last build', () => {
  const table = new ReadingTable(drafts.length);
  for (const draft of drafts) table.add(draft.title, draft.lead, 0);
  const idOf = (at: number) => drafts[at]!.id;
  const none = new Set<string>();
  const previous = findFurtherReadingIn(table, () => none, idOf);
  // What each post with suggestions excludes now: some of its own suggestions, or other posts.
  const changes = (pickExcluded: (at: number, suggested: readonly number[]) => number[]): ExclusionChange[] =>
    [...previous].map(([at, suggested]) => [at, none, new Set(pickExcluded(at, suggested).map(idOf))]);
  const check = (list: ExclusionChange[]) => {
    const kept = keptFurtherReading(previous, list, idOf);
    const now = new Map(list.map(([at, , ids]) => [at, ids]));
    return { kept, full: findFurtherReadingIn(table, (at) => now.get(at) ?? none, idOf) };
  };

  it('has suggestions to keep in the made-up archive', () => {
    expect(previous.size).toBeGreaterThan(30);
  });

  it('keeps them when posts now exclude posts they did not suggest, as ranking again gives', () => {
    const { kept, full } = check(
      changes((at, suggested) => [(at + 1) % drafts.length, (at + 7) % drafts.length].filter((other) => !suggested.includes(other))),
    );
    expect(kept).toEqual(full);
  });

  it('says it cannot tell when a post now excludes one of its suggestions, or excludes less', () => {
    expect(check(changes((_, suggested) => [suggested[0]!])).kept).toBeUndefined();
    const fewer: ExclusionChange = [[...previous.keys()][0]!, new Set([idOf(0)]), none];
    expect(keptFurtherReading(previous, [fewer], idOf)).toBeUndefined();
  });
});
