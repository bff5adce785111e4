import { screen, waitFor, within, fireEvent, act } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp, serveDemoIndex } from './harness.tsx';

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

  it('offers a retry when a shard fails to load', async () => {
    const log = await serveDemoIndex();
    log.failNext(/shards\/0\.json/);
    renderApp('/');
    const retry = await screen.findAllByRole('button', { name: '重試' });
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

  it('filters by words in the title, combined with an outlet', async () => {
    const { router } = renderApp('/?tag=cna');
    await userEvent.type(await screen.findByLabelText('標題關鍵字'), '鐵路');
    await waitFor(() => expect(router.state.location.search).toBe('?tag=cna&q=%E9%90%B5%E8%B7%AF'));
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    expect(await screen.findByRole('article', { name: '南迴鐵路新站啟用 偏鄉學生通勤時間縮短半小時' })).toBeInTheDocument();
  });

  it('says so when nothing matches, and clears all filters', async () => {
    renderApp('/?q=不存在的字詞');
    expect(await screen.findByText('沒有符合條件的文章。')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '清除所有條件' }));
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
  });

  it('reads its state from a shared URL', async () => {
    // The city-farm story is 16:20 UTC on the 15th: the 16th in Taipei.
    renderApp('/?tag=bbc&from=2026-11-13&to=2026-11-16&q=城市');
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    expect(screen.getByLabelText('標題關鍵字')).toHaveValue('城市');
    expect(screen.getByLabelText('從')).toHaveValue('2026-11-13');
    expect(screen.getByLabelText('到')).toHaveValue('2026-11-16');
  });

  it('focuses the title filter on "/"', async () => {
    renderApp('/');
    await screen.findByText('共 23 篇');
    act(() => void fireEvent.keyDown(window, { key: '/' }));
    await waitFor(() => expect(screen.getByLabelText('標題關鍵字')).toHaveFocus());
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
