import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { postBucketFile, type Manifest } from '../../src/shared/types.ts';
import { demoIndex, renderApp, serveDemoIndex } from './harness.tsx';

beforeEach(async () => {
  localStorage.clear();
  sessionStorage.clear();
  await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());

describe('the list', () => {
  it('shows the newest posts first under day headings, with outlet, time and excerpt', async () => {
    renderApp('/');
    expect(await screen.findByRole('heading', { level: 1, name: '所有文章' })).toBeInTheDocument();
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
    const headings = await screen.findAllByRole('heading', { level: 2 });
    expect(headings[0]).toHaveTextContent('2026年11月19日 星期四');
    const first = await screen.findByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' });
    expect(within(first).getByText('中央社')).toBeInTheDocument();
    expect(within(first).getByText('10:00')).toBeInTheDocument();
    expect(within(first).getByRole('link')).toHaveAttribute('href', `/a/${encodeURIComponent('2026-11-19-示範-危險標記')}`);
  });

  it('draws only the items the window shows (and a few more), and the others as the page scrolls to them', async () => {
    const { container } = renderApp('/');
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
    // The list is drawn once the archive's groups of rows have arrived (see groups/use-collapsed-rows.ts).
    const list = await waitFor(() => {
      const drawn = container.querySelector<HTMLElement>('.post-list');
      if (!drawn) throw new Error('no list yet');
      return drawn;
    });
    const itemCount = () => container.querySelectorAll('.post-list-item').length;
    // 23 posts under their day headings; a 768 px window and 6 items of overscan draw ~14 of them.
    await waitFor(() => expect(itemCount()).toBeGreaterThan(6));
    expect(itemCount()).toBeLessThan(20);
    expect(screen.queryByRole('article', { name: /基隆港夜間燈光秀/ })).not.toBeInTheDocument();
    // Scrolled to the end (jsdom has no layout: the list says where it is).
    const height = parseFloat(list.style.height);
    vi.spyOn(list, 'getBoundingClientRect').mockReturnValue(new DOMRect(0, 768 - height, 800, height));
    act(() => void window.dispatchEvent(new Event('scroll')));
    expect(await screen.findByRole('article', { name: /基隆港夜間燈光秀/ })).toBeInTheDocument();
    expect(itemCount()).toBeLessThan(20);
  });

  it('offers a retry when a shard fails to load', async () => {
    const log = await serveDemoIndex();
    log.failNext(/shards\/0\.json/);
    renderApp('/');
    const retry = await screen.findAllByRole('button', { name: '重試' }, { timeout: 5000 });
    await userEvent.click(retry[0]!);
    expect(await screen.findByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' })).toBeInTheDocument();
  });
});

describe('filters', () => {
  it('filters by outlet and puts the outlet in the URL', async () => {
    const { router } = renderApp('/');
    await userEvent.click(await screen.findByRole('checkbox', { name: /香港電台/ }));
    await waitFor(() => expect(router.state.location.search).toBe('?tag=rthk'));
    expect(await screen.findByText('共 4 篇')).toBeInTheDocument();
    expect(await screen.findByRole('article', { name: '本地大學研發低成本水質感測器 助漁民監察魚排' })).toBeInTheDocument();
  });

  it("fetches an outlet's rows when the pointer reaches it, once, and applies them at once when chosen", async () => {
    const log = await serveDemoIndex();
    renderApp('/');
    const rthk = await screen.findByRole('checkbox', { name: /香港電台/ });
    const tagFiles = () => log.urls.filter((url) => /\/tags\/\d+\.json$/.test(url));
    fireEvent.pointerEnter(rthk.closest('label')!);
    await waitFor(() => expect(tagFiles()).toHaveLength(1));
    // The rows had arrived: the list goes straight to them, never showing the old rows as stale (busy).
    const busyStates: (string | null)[] = [];
    // The outlets draw at once; the list waits for the first screen's rows.
    const list = await waitFor(() => {
      const drawn = document.querySelector('.post-list');
      expect(drawn).not.toBeNull();
      return drawn!;
    });
    const observer = new MutationObserver(() => busyStates.push(list.getAttribute('aria-busy')));
    observer.observe(list, { attributes: true, attributeFilter: ['aria-busy'] });
    await userEvent.click(rthk);
    expect(screen.getByText('共 4 篇')).toBeInTheDocument();
    await userEvent.click(rthk);
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
    await userEvent.click(rthk);
    expect(screen.getByText('共 4 篇')).toBeInTheDocument();
    observer.disconnect();
    expect(busyStates).not.toContain('true');
    expect(tagFiles()).toHaveLength(1);
  });

  it('combines several outlets', async () => {
    renderApp('/?tag=rthk&tag=bbc');
    expect(await screen.findByText('共 7 篇')).toBeInTheDocument();
    expect(screen.getByRole('checkbox', { name: /香港電台/ })).toBeChecked();
    expect(screen.getByRole('checkbox', { name: /BBC/ })).toBeChecked();
  });

  it('filters by one day, counted in Taipei time', async () => {
    const { router } = renderApp('/');
    const from = await screen.findByLabelText('從');
    fireEvent.change(from, { target: { value: '2026-11-12' } });
    await waitFor(() => expect(router.state.location.search).toContain('from=2026-11-12'));
    fireEvent.change(screen.getByLabelText('到'), { target: { value: '2026-11-12' } });
    await waitFor(() => expect(router.state.location.search).toBe('?from=2026-11-12&to=2026-11-12'));
    // 3 posts on the 12th in UTC+8: the mountain story, the RFI story and the RTHK story dated 20:10 +08:00.
    expect(await screen.findByText('共 3 篇')).toBeInTheDocument();
  });

  it('offers quick date choices', async () => {
    renderApp('/?from=2026-11-01&to=2026-11-30');
    await userEvent.click(await screen.findByRole('button', { name: '全部日期' }));
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
  });

  it('reads its state from a shared URL', async () => {
    // The city-farm story is 16:20 UTC on the 15th: the 16th in Taipei.
    renderApp('/?tag=bbc&from=2026-11-13&to=2026-11-16&q=城市');
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    expect(screen.getByLabelText('搜尋')).toHaveValue('城市');
    expect(screen.getByLabelText('從')).toHaveValue('2026-11-13');
    expect(screen.getByLabelText('到')).toHaveValue('2026-11-16');
  });

  it('says so when nothing matches, and clears all filters', async () => {
    renderApp('/?q=不存在的字詞');
    expect(await screen.findByText('沒有符合條件的文章。')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '清除所有條件' }));
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
  });
});

describe('search', () => {
  it('searches titles and text as the reader types, combined with an outlet, in either script', async () => {
    const { router } = renderApp('/?tag=cna');
    await screen.findByText(/^共 \d+ 篇$/);
    // Simplified 铁路 finds the Traditional 鐵路 of a CNA story.
    await userEvent.type(screen.getByLabelText('搜尋'), '铁路');
    await waitFor(() => expect(router.state.location.search).toBe('?tag=cna&q=%E9%93%81%E8%B7%AF'));
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    const row = await screen.findByRole('article', { name: '南迴鐵路新站啟用 偏鄉學生通勤時間縮短半小時' });
    const marks = row.querySelectorAll('mark.search-hit');
    expect([...marks].map((mark) => mark.textContent)).toContain('鐵路');
  });

  it('finds a name under its regional variants, in posts of both scripts', async () => {
    renderApp('/?q=普京');
    expect(await screen.findByText('共 2 篇')).toBeInTheDocument();
    // A Simplified post writing 普京 and a Traditional one writing 蒲亭.
    expect(await screen.findByRole('article', { name: '非洲之角干旱持续 联合国呼吁增加援助' })).toBeInTheDocument();
    const traditional = await screen.findByRole('article', { name: '歐洲多國討論延長核電廠運轉年限' });
    expect(traditional.querySelector('mark.search-hit')).toHaveTextContent('蒲亭');
  });

  it('matches quoted phrases as phrases', async () => {
    renderApp('/?q=%22World+Food%22');
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    cleanup();
    renderApp('/?q=%22Food+World%22');
    expect(await screen.findByText('沒有符合條件的文章。')).toBeInTheDocument();
  });

  it('ranks results by relevance, each with its date, or newest first under day headings', async () => {
    const { router } = renderApp('/?q=延長');
    expect(await screen.findByRole('button', { name: '相關度', pressed: true })).toBeInTheDocument();
    expect(screen.queryAllByRole('heading', { level: 2, name: /^2026年/ })).toHaveLength(0);
    const rows = await screen.findAllByRole('article');
    // Stories with 延長 in the title come before the one with it only in the text. Without day headings, titles are h2.
    expect(within(rows[0]!).getByRole('heading', { level: 2 }).querySelector('mark')).toHaveTextContent('延長');
    expect(within(rows[0]!).getByText(/2026年11月\d+日/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '最新' }));
    await waitFor(() => expect(router.state.location.search).toContain('sort=date'));
    expect((await screen.findAllByRole('heading', { level: 2, name: /^2026年/ })).length).toBeGreaterThan(1);
  });

  it('finds the posts holding a single Chinese character, and marks it', async () => {
    renderApp('/?q=港');
    await waitFor(() => expect(document.querySelector('.post-list mark.search-hit')).toHaveTextContent('港'));
    expect((await screen.findAllByRole('article')).length).toBeGreaterThan(0);
  });

  it('opens a result with the query, which the article highlights', async () => {
    const { router } = renderApp('/?q=蒲亭');
    await userEvent.click(await screen.findByRole('link', { name: /歐洲多國討論延長核電廠運轉年限/ }));
    await waitFor(() => expect(router.state.location.search).toBe('?q=%E8%92%B2%E4%BA%AD'));
    expect(await screen.findByText('本文有 1 處符合「蒲亭」')).toBeInTheDocument();
    const body = document.querySelector('.article-body')!;
    expect([...body.querySelectorAll('mark.search-hit')].map((mark) => mark.textContent)).toEqual(['蒲亭']);
    await userEvent.click(screen.getByRole('button', { name: '取消標示' }));
    await waitFor(() => expect(body.querySelectorAll('mark.search-hit')).toHaveLength(0));
    // The view (the search) stays the article's: j/k and 回到列表 still walk the results.
    expect(router.state.location.search).toBe('?q=%E8%92%B2%E4%BA%AD');
  });

  it('focuses the search box on "/"', async () => {
    renderApp('/');
    await screen.findByText('共 23 篇');
    act(() => void fireEvent.keyDown(window, { key: '/' }));
    await waitFor(() => expect(screen.getByLabelText('搜尋')).toHaveFocus());
  });
});

describe('the timeline', () => {
  it('draws one bar per day with its count, and picks a day on click', async () => {
    const { router } = renderApp('/');
    const bar = await screen.findByRole('button', { name: '2026-11-18：4 篇' });
    expect(screen.getAllByRole('button', { name: /^2026-11-\d\d：\d+ 篇$/ })).toHaveLength(10);
    await userEvent.click(bar);
    await waitFor(() => expect(router.state.location.search).toBe('?from=2026-11-18&to=2026-11-18'));
    expect(await screen.findByText('共 4 篇')).toBeInTheDocument();
  });

  it('picks a range with Shift-click and with the keyboard', async () => {
    const { router } = renderApp('/');
    await userEvent.click(await screen.findByRole('button', { name: '2026-11-16：5 篇' }));
    await userEvent.keyboard('{Shift>}{ArrowRight}{ArrowRight}{/Shift}');
    await waitFor(() => expect(router.state.location.search).toBe('?from=2026-11-16&to=2026-11-18'));
    expect(await screen.findByText('共 12 篇')).toBeInTheDocument();
  });

  it('shows the shape of the current filter', async () => {
    renderApp('/?tag=rthk');
    expect(await screen.findByRole('button', { name: '2026-11-12：1 篇' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '2026-11-13：0 篇' })).toBeInTheDocument();
  });
});

describe("a row's article, fetched ahead of the click", () => {
  const bucketFetches = (log: { urls: string[] }) => log.urls.filter((url) => /\/data\/posts\//.test(url));

  it('when the mouse rests on the row, or is pressed on it; not when it passes over, nor on touch', async () => {
    const log = await serveDemoIndex();
    renderApp('/');
    const row = await screen.findByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' });
    const link = within(row).getByRole('link');
    vi.useFakeTimers();
    try {
      // Passing over (a row scrolled under a still pointer), and a touch: nothing.
      fireEvent.pointerEnter(link, { pointerType: 'mouse' });
      fireEvent.pointerLeave(link, { pointerType: 'mouse' });
      fireEvent.pointerEnter(link, { pointerType: 'touch' });
      fireEvent.pointerDown(link, { pointerType: 'touch' });
      vi.advanceTimersByTime(1000);
      expect(bucketFetches(log)).toEqual([]);
      // Resting.
      fireEvent.pointerEnter(link, { pointerType: 'mouse' });
      vi.advanceTimersByTime(99);
      expect(bucketFetches(log)).toEqual([]);
      vi.advanceTimersByTime(1);
    } finally {
      vi.useRealTimers();
    }
    await waitFor(() => expect(bucketFetches(log)).toHaveLength(1));

    // Pressed on a row of another bucket: at once.
    const manifest = JSON.parse((await demoIndex()).get('manifest.json') as string) as Manifest;
    const bucketOf = (article: HTMLElement) =>
      postBucketFile(decodeURIComponent(within(article).getByRole('link').getAttribute('href')!.slice(3)), manifest.postBuckets);
    const pressed = screen.getAllByRole('article').find((article) => bucketOf(article) !== bucketOf(row))!;
    fireEvent.pointerDown(within(pressed).getByRole('link'), { pointerType: 'mouse' });
    await waitFor(() => expect(bucketFetches(log)).toHaveLength(2));
    expect(bucketFetches(log)[1]).toContain(bucketOf(pressed));
  });
});

describe('the place in the list', () => {
  it('is kept when a row is opened within a frame of scrolling, and the reader comes back to it', async () => {
    // jsdom does not scroll: the page's position is this number. No frame ever comes, so a position
    // is saved only if the list saves it as it goes.
    let y = 0;
    Object.defineProperty(window, 'scrollY', { configurable: true, get: () => y });
    vi.stubGlobal('scrollTo', (_: number, top: number) => (y = top));
    vi.stubGlobal('requestAnimationFrame', () => 1);
    try {
      const { router } = renderApp('/');
      const row = await screen.findByRole('article', { name: '示範：含有危險標記的貼文會被安全處理' });
      y = 640;
      act(() => void window.dispatchEvent(new Event('scroll')));
      fireEvent.click(within(row).getByRole('link'));
      await screen.findByRole('heading', { level: 1, name: /示範/ });
      y = 0;
      await act(() => router.navigate(-1));
      await screen.findByRole('heading', { level: 1, name: '所有文章' });
      expect(y).toBe(640);
    } finally {
      delete (window as { scrollY?: number }).scrollY;
    }
  });
});
