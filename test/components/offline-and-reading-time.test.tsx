import { act, screen, waitFor, within } from '@testing-library/react';
import { readingMinutes } from '../../src/shared/reading-time.ts';
import { postBucketFile, postInBucket, type Manifest, type PostBucket } from '../../src/shared/types.ts';
import { demoIndex, renderApp, serveDemoIndex } from './harness.tsx';

// The newest post: the first row of the list.
const NEWEST_ID = '2026-11-19-示範-危險標記';
const NEWEST_TITLE = '示範：含有危險標記的貼文會被安全處理';

async function indexJson<T>(path: string): Promise<T> {
  return JSON.parse(new TextDecoder().decode((await demoIndex()).get(path) as Uint8Array)) as T;
}

async function demoManifest(): Promise<Manifest> {
  return JSON.parse(String((await demoIndex()).get('manifest.json'))) as Manifest;
}

/** One Cache Storage cache, by path, holding the given paths at first. */
function stubCaches(held: string[]) {
  const kept = new Map<string, Response>(held.map((path) => [path, new Response('{}')]));
  const pathOf = (url: string) => new URL(url, 'http://localhost').pathname;
  const cache = {
    match: async (url: string) => kept.get(pathOf(url))?.clone(),
    put: async (url: string, response: Response) => void kept.set(pathOf(url), response),
  };
  vi.stubGlobal('caches', { open: async () => cache, match: (url: string) => cache.match(url) });
}

function goOffline(offline: boolean) {
  vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(!offline);
  act(() => void window.dispatchEvent(new Event(offline ? 'offline' : 'online')));
}

beforeEach(async () => {
  localStorage.clear();
  sessionStorage.clear();
  await serveDemoIndex();
});
afterEach(() => {
  delete (HTMLImageElement.prototype as Partial<HTMLImageElement>).decode;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('reading time', () => {
  it('shows the same reading time in the row and at the head of the article, from the article’s text', async () => {
    const manifest = await demoManifest();
    const bucket = await indexJson<PostBucket>(postBucketFile(NEWEST_ID, manifest.postBuckets));
    const text = new DOMParser().parseFromString(postInBucket(bucket, NEWEST_ID)!.html, 'text/html').body.textContent!;
    const minutes = readingMinutes(text);
    expect(minutes).toBeGreaterThan(0);

    renderApp('/');
    const row = await screen.findByRole('article', { name: NEWEST_TITLE });
    expect(within(row).getByText(`閱讀時間約 ${minutes} 分鐘`)).toBeInTheDocument();
    within(row).getByRole('link').click();
    const heading = await screen.findByRole('heading', { level: 1, name: NEWEST_TITLE });
    expect(heading.closest('article')!).toHaveTextContent(`閱讀時間約 ${minutes} 分鐘`);
    // The first test of the file renders both pages cold (their modules loaded and compiled): not a measure.
  }, 30_000);
});

describe('offline', () => {
  it('marks the rows whose article is not saved, only while offline', async () => {
    const manifest = await demoManifest();
    stubCaches([`/data/${postBucketFile(NEWEST_ID, manifest.postBuckets)}`]);
    renderApp('/');
    const newest = await screen.findByRole('article', { name: NEWEST_TITLE });
    expect(screen.queryAllByText('未離線保存')).toEqual([]);

    goOffline(true);
    // A row is readable when its post's file (a bucket of a few posts) is saved: those are not marked, every other row on screen is.
    const rows = screen.getAllByRole('article');
    const saved = rows.map((row) => {
      const id = decodeURIComponent(within(row).getByRole('link').getAttribute('href')!.slice('/a/'.length));
      return postBucketFile(id, manifest.postBuckets) === postBucketFile(NEWEST_ID, manifest.postBuckets);
    });
    expect(saved.filter((readable) => !readable).length).toBeGreaterThan(3);
    await waitFor(() => expect(rows.map((row) => within(row).queryByText('未離線保存') === null)).toEqual(saved));
    expect(within(newest).queryByText('未離線保存')).toBeNull();

    goOffline(false);
    await waitFor(() => expect(screen.queryAllByText('未離線保存')).toEqual([]));
  });

  it.each([
    ['a day', '/?from=2026-11-12&to=2026-11-12'],
    ['an outlet', '/?tag=bbc'],
    ['a search', '/?q=%E5%9F%8E%E5%B8%82'],
  ])('saves the view shown (%s), counting up, then gives the number of articles and their size', async (_, path) => {
    stubCaches([]);
    // jsdom loads no picture (and has no decode()): each is taken as loaded.
    Object.defineProperty(HTMLImageElement.prototype, 'decode', { value: () => Promise.resolve(), configurable: true });
    renderApp(path);
    const rows = await screen.findAllByRole('article');
    expect(rows.length).toBeGreaterThan(1);
    // Every row of the view is on screen (the window draws a few dozen): the save must count them all.
    expect(await screen.findByText(`共 ${rows.length} 篇`)).toBeInTheDocument();
    const statuses: string[] = [];
    const status = document.querySelector('.save-offline-status')!;
    new MutationObserver(() => statuses.push(status.textContent ?? '')).observe(status, { subtree: true, childList: true, characterData: true });

    screen.getByRole('button', { name: '離線保存' }).click();
    const done = await screen.findByText(new RegExp(`^已離線保存 ${rows.length} 篇（\\d+ KB）$`));
    expect(Number(/（(\d+)/.exec(done.textContent!)![1])).toBeGreaterThan(0);
    // While saving, the status line counted (jsdom saves too fast to see each step).
    expect(statuses.some((text) => new RegExp(`^離線保存中：\\d+／${rows.length} 篇$`).test(text))).toBe(true);
  });
});
