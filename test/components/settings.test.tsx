import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderApp, serveDemoIndex } from './harness.tsx';

beforeEach(async () => {
  localStorage.clear();
  await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());

// The first test of a file builds the demo index, which takes seconds on a machine shared with other builds.
vi.setConfig({ testTimeout: 30_000 });

describe('reading settings', () => {
  it('changes theme, text size and width, and remembers them', async () => {
    renderApp('/');
    await userEvent.click(await screen.findByText('閱讀設定'));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: '主題' }), 'dark');
    await userEvent.click(screen.getByRole('button', { name: '放大文字' }));
    await userEvent.click(screen.getByRole('button', { name: /版面寬度/ }));
    expect(document.documentElement.dataset['theme']).toBe('dark');
    expect(document.documentElement.dataset['width']).toBe('wide');
    expect(document.documentElement.style.getPropertyValue('--text-scale')).toBe('1.125');
    expect(JSON.parse(localStorage.getItem('cna-reader:settings')!)).toEqual({
      theme: 'dark',
      textStep: 1,
      width: 'wide',
      locale: 'zh-Hant',
      density: 'comfortable',
    });
  });

  it('switches the interface to English', async () => {
    renderApp('/');
    await userEvent.click(await screen.findByText('閱讀設定'));
    await userEvent.selectOptions(screen.getByRole('combobox', { name: '語言' }), 'en');
    expect(await screen.findByRole('heading', { level: 1, name: 'All articles' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('en');
  });

  it('lists the keyboard shortcuts on "?"', async () => {
    renderApp('/');
    await screen.findByText('共 23 篇');
    await userEvent.keyboard('?');
    expect(await screen.findByRole('dialog', { name: '鍵盤快捷鍵' })).toBeInTheDocument();
  });
});
