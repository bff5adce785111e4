import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { forgetReadMarksCache } from '../../src/features/reading-state/read-marks.ts';
import { UNKNOWN_ROW } from '../../src/features/reading-state/mark-store.ts';
import { stars } from '../../src/features/reading-state/stars.ts';
import { renderApp, serveDemoIndex } from './harness.tsx';

beforeEach(async () => {
  localStorage.clear();
  sessionStorage.clear();
  stars.forget();
  forgetReadMarksCache();
  await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());

const HARBOR = '/a/' + encodeURIComponent('2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光');

// The first test builds the demo index (a few seconds on a shared machine).
vi.setConfig({ testTimeout: 30_000 });
const WAIT = { timeout: 10_000 };

describe('triage', () => {
  it('shows only unread posts in the unread view, and marks the whole view read with an undo', async () => {
    renderApp('/?show=unread');
    expect(await screen.findByText('共 23 篇', {}, WAIT)).toBeInTheDocument();
    expect(screen.getByRole('heading', { level: 1, name: '未讀' })).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '✓ 全部標為已讀' }));
    expect(await screen.findByText('已將 23 篇標為已讀。', {}, WAIT)).toBeInTheDocument();
    expect(await screen.findByText('共 0 篇')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: '復原' }));
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
  });

  it('stars an article with its button, and lists it in the starred view', async () => {
    const { router } = renderApp(HARBOR);
    await userEvent.click(await screen.findByRole('button', { name: '☆ 收藏', pressed: false }, WAIT));
    expect(screen.getByRole('button', { name: '★ 收藏', pressed: true })).toBeInTheDocument();
    await act(() => router.navigate('/?show=starred'));
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
    expect(await screen.findByRole('article', { name: /基隆港夜間燈光秀延長/ })).toBeInTheDocument();
  });

  it('lists a star pressed before the article knew its place, once it does', async () => {
    // As when s is pressed the moment the article shows: the star is kept without its row.
    stars.set([['2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光', UNKNOWN_ROW]], true);
    const { router } = renderApp(HARBOR);
    expect(await screen.findByRole('button', { name: '★ 收藏', pressed: true }, WAIT)).toBeInTheDocument();
    await waitFor(() => expect(stars.get().get('2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光')).not.toBe(UNKNOWN_ROW), WAIT);
    await act(() => router.navigate('/?show=starred'));
    expect(await screen.findByText('共 1 篇')).toBeInTheDocument();
  });

  it('toggles read with m on an article', async () => {
    renderApp(HARBOR);
    expect(await screen.findByRole('button', { name: '標為未讀' }, WAIT)).toBeInTheDocument();
    act(() => void fireEvent.keyDown(window, { key: 'm' }));
    expect(await screen.findByRole('button', { name: '標為已讀' })).toBeInTheDocument();
  });
});

describe('the view an article belongs to', () => {
  it('walks the outlet it was opened from, and links back to that list', async () => {
    renderApp(HARBOR + '?tag=cna');
    await screen.findByRole('heading', { level: 1, name: '基隆港夜間燈光秀延長 市府盼帶動週末觀光' });
    expect(screen.getByRole('link', { name: '← 回到列表' })).toHaveAttribute('href', '/?tag=cna');
    const nav = await screen.findByRole('navigation', { name: '同一列表的上一篇與下一篇' });
    await waitFor(() => expect(within(nav).getAllByRole('link')).not.toHaveLength(0));
    for (const link of within(nav).getAllByRole('link')) expect(link.getAttribute('href')).toMatch(/\?tag=cna$/);
  });

  it('reports an impossible date in the URL and ignores it', async () => {
    renderApp('/?to=2020-13-45');
    expect(await screen.findByRole('alert')).toHaveTextContent('網址中的日期「2020-13-45」不是有效的日期，已略過。');
    expect(await screen.findByText('共 23 篇')).toBeInTheDocument();
  });

  it('titles the list after its search', async () => {
    renderApp('/?q=' + encodeURIComponent('延長'));
    expect(await screen.findByRole('heading', { level: 1, name: '搜尋「延長」' })).toBeInTheDocument();
    await waitFor(() => expect(document.title).toBe('搜尋「延長」 · 新聞典藏閱讀器'));
  });

  it('counts outlets within the dates picked', async () => {
    renderApp('/?from=2026-11-18&to=2026-11-18');
    expect(await screen.findByText('共 4 篇')).toBeInTheDocument();
    const rthk = screen.getByRole('checkbox', { name: /香港電台/ }).closest('label')!;
    await waitFor(() => expect(within(rthk).getByText('1')).toBeInTheDocument());
  });
});

describe('settings and help', () => {
  it('closes the settings menu on Escape', async () => {
    renderApp('/');
    await userEvent.click(await screen.findByText('閱讀設定'));
    const menu = document.querySelector('details.settings-menu') as HTMLDetailsElement;
    expect(menu.open).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(menu.open).toBe(false);
  });

  it('lists Miniflux-style keys by where they act', async () => {
    renderApp('/');
    await screen.findByText('共 23 篇');
    await userEvent.keyboard('?');
    const dialog = await screen.findByRole('dialog', { name: '鍵盤快捷鍵' });
    for (const section of ['列表', '文章', '前往']) expect(within(dialog).getByRole('region', { name: section })).toBeInTheDocument();
    expect(within(dialog).getByText('切換已讀／未讀')).toBeInTheDocument();
  });
});
