/**
 * The outlet filter's prefetch: once the outlet list is on screen, the row lists of the largest outlets
 * are asked for, within a budget of posts (all but the largest after the reader's first input), and not
 * for a reader who asked to save data.
 */
import { render } from '@testing-library/react';
import type { TagSummary } from '../../src/shared/types.ts';
import { PREFETCH_ROWS, TagFilter } from '../../src/features/filters/tag-filter.tsx';
import { SettingsProvider } from '../../src/ui/settings.tsx';

const tag = (key: string, count: number): TagSummary => ({ key, label: key, count, file: `tags/${key}.json` });
/** Largest first, as the manifest lists them. */
const tags = [tag('big', PREFETCH_ROWS * 0.8), tag('mid', PREFETCH_ROWS * 0.15), tag('small', PREFETCH_ROWS * 0.1), tag('tiny', 10)];

/** An IntersectionObserver that reports every observed element as on screen, or off it. */
function observerReporting(visible: boolean) {
  return class {
    constructor(private readonly report: (entries: { isIntersecting: boolean }[]) => void) {}
    observe() {
      queueMicrotask(() => this.report([{ isIntersecting: visible }]));
    }
    disconnect() {}
  };
}

const pause = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The outlets asked for within 400 ms of the list's render, and, with `input`, of a key pressed after 50 ms. */
async function intentsHeard(fetchAhead = true, input = false): Promise<string[]> {
  const heard: string[] = [];
  render(
    <SettingsProvider>
      <TagFilter tags={tags} selected={[]} onChange={() => {}} onIntent={(key) => heard.push(key)} fetchAhead={fetchAhead} />
    </SettingsProvider>,
  );
  await pause(50);
  if (input) window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
  await pause(350);
  return heard;
}

afterEach(() => vi.unstubAllGlobals());

describe('the outlet filter, once on screen', () => {
  it("asks for the largest outlets' rows while their posts fit the budget, the others after the reader's first input", async () => {
    vi.stubGlobal('IntersectionObserver', observerReporting(true));
    // 80 % + 15 % of the budget; the next (10 %) would pass it, and the ones after it are not tried.
    expect(await intentsHeard(true, true)).toEqual(['big', 'mid']);
  });

  it("asks for the largest outlet's rows alone until the reader's first input (or a quiet moment)", async () => {
    vi.stubGlobal('IntersectionObserver', observerReporting(true));
    expect(await intentsHeard()).toEqual(['big']);
  });

  it('asks for nothing while the list is off screen (a closed filter panel on a phone)', async () => {
    vi.stubGlobal('IntersectionObserver', observerReporting(false));
    expect(await intentsHeard()).toEqual([]);
  });

  it("asks for the largest outlet's rows alone before the list's first rows are drawn", async () => {
    vi.stubGlobal('IntersectionObserver', observerReporting(true));
    expect(await intentsHeard(false)).toEqual(['big']);
  });

  it('asks for nothing when the reader wants to save data', async () => {
    vi.stubGlobal('IntersectionObserver', observerReporting(true));
    vi.stubGlobal('navigator', { ...navigator, connection: { saveData: true } });
    expect(await intentsHeard()).toEqual([]);
  });
});
