import { screen, within } from '@testing-library/react';
import { extrasFile, type Manifest, type MetaShard } from '../../src/shared/types.ts';
import { demoIndex, renderApp, serveDemoIndex } from './harness.tsx';

const HARBOR_ID = '2026-11-10-基隆港夜間燈光秀延長-市府盼帶動週末觀光';

// The demo index is built once, before the tests (as the other component tests do, in a hook).
beforeAll(async () => {
  await demoIndex();
});
afterEach(() => vi.unstubAllGlobals());

/** Serves the demo index with an extras file giving the harbour article one other post under `kind`. */
async function withExtras(kind: 'sameStory' | 'furtherReading'): Promise<MetaShard['posts'][number]> {
  const files = await demoIndex();
  const manifest = JSON.parse(files.get('manifest.json') as string) as Manifest;
  const other = (JSON.parse(files.get('shards/0.json') as string) as MetaShard).posts.find((post) => post.id !== HARBOR_ID)!;
  const ref = { id: other.id, title: other.title, date: other.date, tags: other.tags };
  files.set(extrasFile(HARBOR_ID, manifest.postBuckets), JSON.stringify({ [HARBOR_ID]: { [kind]: [ref] } }));
  await serveDemoIndex();
  return other;
}

describe('the build’s extras on the article page', () => {
  it('lists other reports of the same story with outlet, time and title', async () => {
    const other = await withExtras('sameStory');
    renderApp(`/a/${encodeURIComponent(HARBOR_ID)}`);
    // The first article of the file waits for its code to be transformed: slow on a busy machine.
    const section = await screen.findByRole('region', { name: '其他媒體報導' }, { timeout: 15_000 });
    const link = within(section).getByRole('link', { name: other.title });
    expect(link).toHaveAttribute('href', `/a/${encodeURIComponent(other.id)}`);
    expect(within(section).getByText('中央社')).toBeInTheDocument();
    expect(section.querySelector('time')).toHaveAttribute('datetime', other.date);
  }, 30_000);

  it('lists further reading apart from the related stories, saying where it comes from', async () => {
    await withExtras('furtherReading');
    renderApp(`/a/${encodeURIComponent(HARBOR_ID)}`);
    const section = await screen.findByRole('region', { name: '延伸閱讀' });
    expect(within(section).getByText('依相同關鍵詞推薦，非原媒體提供')).toBeInTheDocument();
    expect(within(screen.getByRole('region', { name: '相關新聞' })).queryByText('依相同關鍵詞推薦，非原媒體提供')).toBeNull();
  });

  it('shows the article without extras when the site has none', async () => {
    const files = await demoIndex();
    const manifest = JSON.parse(files.get('manifest.json') as string) as Manifest;
    files.delete(extrasFile(HARBOR_ID, manifest.postBuckets));
    await serveDemoIndex();
    renderApp(`/a/${encodeURIComponent(HARBOR_ID)}`);
    await screen.findByRole('heading', { level: 1 });
    await screen.findByRole('region', { name: '相關新聞' });
    expect(screen.queryByRole('region', { name: '其他媒體報導' })).toBeNull();
  });
});
