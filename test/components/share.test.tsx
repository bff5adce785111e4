import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp, serveDemoIndex } from './harness.tsx';

const HARBOR = '/a/' + encodeURIComponent('2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光');

beforeEach(async () => {
  localStorage.clear();
  await serveDemoIndex();
});
afterEach(() => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'share');
});

describe('sharing', () => {
  it("copies the article's address when the browser has no share sheet, and says so", async () => {
    const user = userEvent.setup();
    renderApp(`${HARBOR}?q=${encodeURIComponent('燈光秀')}`);
    await screen.findByRole('heading', { level: 1 });
    await user.click(screen.getByRole('button', { name: '複製連結' }));
    expect(await screen.findByText('已複製連結')).toBeInTheDocument();
    expect(await navigator.clipboard.readText()).toBe(`http://localhost:3000${HARBOR}?q=${encodeURIComponent('燈光秀')}`);
  });

  it("hands the article's title and address to the Web Share API where there is one", async () => {
    const share = vi.fn(async () => {});
    Object.defineProperty(navigator, 'share', { value: share, configurable: true });
    const user = userEvent.setup();
    renderApp(HARBOR);
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(document.title).toBe('基隆港夜間燈光秀延長 市府盼帶動週末觀光 · 新聞典藏閱讀器'));
    await user.click(screen.getByRole('button', { name: '分享' }));
    expect(share).toHaveBeenCalledWith({ title: '基隆港夜間燈光秀延長 市府盼帶動週末觀光 · 新聞典藏閱讀器', url: `http://localhost:3000${HARBOR}` });
  });

  it("shares the list's view with its filters", async () => {
    const user = userEvent.setup();
    renderApp('/?tag=cna&q=' + encodeURIComponent('港'));
    await user.click(await screen.findByRole('button', { name: '複製連結' }));
    expect(await navigator.clipboard.readText()).toBe(`http://localhost:3000/?tag=cna&q=${encodeURIComponent('港')}`);
  });
});
