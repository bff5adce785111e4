import { screen, within, fireEvent, waitFor } from '@testing-library/react';
import { postBucketFile, type Manifest, type MetaShard } from '../../src/shared/types.ts';
import { demoIndex, renderApp, serveDemoIndex, type FetchLog } from './harness.tsx';

let log: FetchLog;
beforeEach(async () => {
  localStorage.clear();
  log = await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());

const HARBOR = '/a/' + encodeURIComponent('2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光');
const HOSTILE = '/a/' + encodeURIComponent('2026-11-19-示範-危險標記');

describe('the article page', () => {
  it('shows title, date and time in Taipei, outlet and the original link', async () => {
    renderApp(HARBOR);
    const heading = await screen.findByRole('heading', { level: 1, name: '基隆港夜間燈光秀延長 市府盼帶動週末觀光' });
    expect(heading).toBeInTheDocument();
    expect(screen.getByText('2026年11月10日 星期二 09:12')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: '中央社' })).toHaveAttribute('href', '/?tag=cna');
    const original = screen.getByRole('link', { name: /閱讀原文/ });
    expect(original).toHaveAttribute('href', 'https://www.cna.com.tw/news/aloc/202611100001.aspx');
    expect(original).toHaveAttribute('target', '_blank');
    expect(original).toHaveAttribute('rel', 'noopener noreferrer');
    // Set by a passive effect, which may run after the heading is in the document.
    await waitFor(() => expect(document.title).toBe('基隆港夜間燈光秀延長 市府盼帶動週末觀光 · 新聞典藏閱讀器'));
  });

  it('renders the figure responsively, with its caption', async () => {
    renderApp(HARBOR);
    const figure = (await screen.findByText('基隆港區夜間燈光秀10日晚間試演新段落，吸引民眾駐足觀賞。（中央社）')).closest('figure')!;
    const img = within(figure).getByRole('img', { name: '基隆港區夜間燈光秀10日晚間試演新段落，吸引民眾駐足觀賞。（中央社）' });
    expect(img).toHaveAttribute('src', '/archive-assets/demo/harbor-480.png');
    expect(img).toHaveAttribute('srcset', '/archive-assets/demo/harbor-480.png 480w, /archive-assets/demo/harbor-960.png 960w');
    expect(img).toHaveAttribute('sizes');
    expect(img).toHaveAttribute('width', '960');
    expect(img).toHaveAttribute('height', '640');
    expect(img).toHaveAttribute('referrerpolicy', 'no-referrer');
    // The first picture of an article is loaded at once; it is likely the largest paint.
    expect(img).toHaveAttribute('loading', 'eager');
    expect(figure.querySelectorAll('picture source')).toHaveLength(2);
  });

  it('links related stories to the archived copy, or to the original site marked as external', async () => {
    renderApp(HARBOR);
    const related = await screen.findByRole('region', { name: '相關新聞' });
    const internal = within(related).getByRole('link', { name: '南迴鐵路新站啟用 偏鄉學生通勤時間縮短半小時' });
    expect(internal).toHaveAttribute('href', '/a/' + encodeURIComponent('2026-11-11-南迴鐵路新站啟用-偏鄉學生通勤時間縮短半小時'));
    expect(internal).not.toHaveAttribute('target');
    const external = within(related).getByRole('link', { name: /基隆港區交通管制措施一覽/ });
    expect(external).toHaveAttribute('href', 'https://www.cna.com.tw/news/aloc/202611080055.aspx');
    expect(external).toHaveAttribute('target', '_blank');
    expect(external).toHaveAttribute('rel', 'noopener noreferrer');
    expect(within(related).getByText('外部連結 ↗')).toBeInTheDocument();
  });

  it('links to the posts above and below it in the list, by their titles (the oldest has none below)', async () => {
    renderApp(HARBOR);
    await screen.findByRole('heading', { level: 1 });
    // Known once the article's place in the list is looked up (its day's shard): a few fetches.
    const above = await screen.findByRole('link', { name: /上一篇.*南迴鐵路新站啟用/ }, { timeout: 5000 });
    expect(above).toHaveAttribute('href', '/a/' + encodeURIComponent('2026-11-11-南迴鐵路新站啟用-偏鄉學生通勤時間縮短半小時'));
    expect(screen.queryByRole('link', { name: /下一篇/ })).toBeNull();
  });

  it('fetches the next article down (the older one) once the article is shown', async () => {
    const files = await demoIndex();
    const manifest = JSON.parse(files.get('manifest.json') as string) as Manifest;
    const ids = Array.from({ length: manifest.shardCount }, (_, n) =>
      (JSON.parse(files.get(`shards/${n}.json`) as string) as MetaShard).posts.map((post) => post.id),
    ).flat();
    const bucketOf = (id: string) => postBucketFile(id, manifest.postBuckets);
    // Rows count from the oldest: the older neighbour of row r is row r - 1. One in another bucket.
    const row = ids.findIndex((id, r) => r > 0 && bucketOf(id) !== bucketOf(ids[r - 1]!));
    renderApp(`/a/${encodeURIComponent(ids[row]!)}`);
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(log.urls.some((url) => url.endsWith(`/data/${bucketOf(ids[row - 1]!)}`))).toBe(true));
    expect(screen.getByRole('link', { name: /下一篇/ })).toHaveAttribute('href', `/a/${encodeURIComponent(ids[row - 1]!)}`);
  });

  it('inserts nothing active from a hostile post', async () => {
    renderApp(HOSTILE);
    await screen.findByRole('heading', { level: 1 });
    const body = document.querySelector('.article-body')!;
    expect(body.querySelector('script, style, form, input, iframe, [onclick], [onerror], [style]')).toBeNull();
    expect(body.innerHTML).not.toMatch(/javascript:/i);
    expect(body.textContent).toContain('最後一段文字也應保留。');
    expect(body.textContent).not.toContain('原本就被隱藏');
    expect((window as { __pwned?: unknown }).__pwned).toBeUndefined();
  });

  it('keeps the caption and shows a placeholder when a picture fails to load', async () => {
    renderApp(HOSTILE);
    const caption = await screen.findByText('這張圖片無法載入（示範）。');
    const figure = caption.closest('figure')!;
    fireEvent.error(figure.querySelector('img')!);
    expect(figure).toHaveClass('has-broken-image');
    const placeholder = within(figure).getByRole('img', { name: '圖片無法顯示：不存在的圖片' });
    // Same shape as the picture would have had: nothing below it moves.
    expect(placeholder.style.aspectRatio).toBe('960 / 640');
    expect(figure.querySelector('img')).toBeNull();
    expect(caption).toBeVisible();
  });

  it('marks the article as read in the list', async () => {
    renderApp(HARBOR);
    await screen.findByRole('heading', { level: 1 });
    await waitFor(() => expect(localStorage.getItem('cna-reader:/:read')).not.toBeNull());
    // With its row (the oldest post is row 0), so that the unread view can leave it out without its shard.
    expect(JSON.parse(localStorage.getItem('cna-reader:/:read')!)).toContainEqual(['2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光', 0]);
  });

  it('shows the not-found page for an unknown id', async () => {
    renderApp('/a/no-such-post');
    expect(await screen.findByRole('heading', { level: 1, name: '找不到這個頁面' })).toBeInTheDocument();
  });

  it('shows the not-found page for an unknown route', async () => {
    renderApp('/nowhere/at/all');
    expect(await screen.findByRole('heading', { level: 1, name: '找不到這個頁面' })).toBeInTheDocument();
  });
});
