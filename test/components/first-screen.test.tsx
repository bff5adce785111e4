import { screen } from '@testing-library/react';
import { GROUPS_FILE, INDEX_FORMAT_VERSION, shardFile, type Manifest, type RowGroups } from '../../src/shared/types.ts';
import { isListPath, prefetchFirstScreen } from '../../src/features/list/first-screen.ts';
import { peekRowGroups, resetRowGroups } from '../../src/features/list/groups/collapse-rows.ts';
import { demoIndex, renderApp, serveDemoIndex, type FetchLog } from './harness.tsx';

let log: FetchLog;
let newestShard: string;
beforeAll(async () => {
  const manifest = JSON.parse((await demoIndex()).get('manifest.json') as string) as Manifest;
  newestShard = shardFile(manifest.shardCount - 1);
  const groups: RowGroups = { version: INDEX_FORMAT_VERSION, versions: [], stories: [] };
  (await demoIndex()).set(GROUPS_FILE, JSON.stringify(groups));
});
afterAll(async () => void (await demoIndex()).delete(GROUPS_FILE));
beforeEach(async () => {
  resetRowGroups();
  log = await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());

const fetched = () => log.urls.map((url) => url.replace(/^.*?\/data\//, ''));

describe("the list's first screen, fetched as the app starts", () => {
  it('asks for the manifest, the groups and the newest shard before the list renders', async () => {
    prefetchFirstScreen('');
    await vi.waitFor(() => expect(fetched()).toEqual(['manifest.json', 'groups.json', newestShard]));
  });

  it("asks for the largest outlet's rows too where the outlet list shows beside the list", async () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query === '(min-width: 900px)' }));
    const manifest = JSON.parse((await demoIndex()).get('manifest.json') as string) as Manifest;
    prefetchFirstScreen('');
    await vi.waitFor(() => expect(fetched()).toEqual(['manifest.json', 'groups.json', newestShard, manifest.tags[0]!.file]));
  });

  it('asks for no shard when the URL filters the list: its first rows are not the newest', async () => {
    prefetchFirstScreen('?tag=bbc');
    await vi.waitFor(() => expect(peekRowGroups()).toBeDefined());
    expect(fetched()).toEqual(['manifest.json', 'groups.json']);
  });

  it('lets the list draw its rows with what it fetched, asking for none of it again', async () => {
    prefetchFirstScreen('');
    await vi.waitFor(() => expect(fetched()).toHaveLength(3));
    renderApp('/');
    expect(await screen.findAllByRole('article')).not.toHaveLength(0);
    expect(fetched().slice(0, 3)).toEqual(['manifest.json', 'groups.json', newestShard]);
    expect(new Set(fetched()).size).toBe(fetched().length);
  });

  it('draws the first rows once their data is here, not placeholders first', async () => {
    const placeholders: Element[] = [];
    const watcher = new MutationObserver(() => placeholders.push(...document.querySelectorAll('.post-row-placeholder')));
    watcher.observe(document.body, { childList: true, subtree: true });
    // The shards a moment after the manifest and the groups, as over a network.
    const served = globalThis.fetch;
    vi.stubGlobal('fetch', async (input: RequestInfo | URL) => {
      if (String(input).includes('/shards/')) await new Promise((done) => setTimeout(done, 100));
      return served(input);
    });
    void prefetchFirstScreen('');
    renderApp('/');
    expect(await screen.findByRole('group', { name: '來源' })).toBeInTheDocument();
    expect(await screen.findAllByRole('article')).not.toHaveLength(0);
    watcher.disconnect();
    expect(placeholders).toHaveLength(0);
  });
});

describe('which pages show the list, told before the router loads', () => {
  it('is the index and index.html, under the base path with or without its slash', () => {
    expect(isListPath('/', '/')).toBe(true);
    expect(isListPath('/index.html', '/')).toBe(true);
    expect(isListPath('/archive', '/archive/')).toBe(true);
    expect(isListPath('/archive/', '/archive/')).toBe(true);
    expect(isListPath('/archive/index.html', '/archive/')).toBe(true);
  });

  it('is not an article nor an unknown page', () => {
    expect(isListPath('/a/2026-11-12-x', '/')).toBe(false);
    expect(isListPath('/archive/a/2026-11-12-x', '/archive/')).toBe(false);
    expect(isListPath('/elsewhere/', '/archive/')).toBe(false);
  });
});
