import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GROUPS_FILE, INDEX_FORMAT_VERSION, shardFile, type Manifest, type MetaShard, type PostMeta, type RowGroups } from '../../src/shared/types.ts';
import { resetRowGroups } from '../../src/features/list/groups/collapse-rows.ts';
import { demoIndex, renderApp, serveDemoIndex } from './harness.tsx';

/** The demo posts by row (counted from the oldest). */
async function demoRows(): Promise<PostMeta[]> {
  const files = await demoIndex();
  const manifest = JSON.parse(files.get('manifest.json') as string) as Manifest;
  return Array.from({ length: manifest.shardCount }, (_, n) => (JSON.parse(files.get(shardFile(n)) as string) as MetaShard).posts).flat();
}

/** Delta-encodes ascending rows as RowGroups does. */
const encode = (rows: number[]) => rows.map((row, n) => (n === 0 ? row : row - rows[n - 1]!));

let posts: PostMeta[];
/** The newest post leads a story with the second and fourth newest; the sixth and seventh newest are versions of one article. */
let story: PostMeta[];
let versions: PostMeta[];

beforeAll(async () => {
  posts = await demoRows();
  const newest = posts.length - 1;
  story = [newest, newest - 1, newest - 3].map((row) => posts[row]!);
  versions = [newest - 5, newest - 6].map((row) => posts[row]!);
  const groups: RowGroups = {
    version: INDEX_FORMAT_VERSION,
    versions: [encode([newest - 6, newest - 5])],
    stories: [encode([newest - 3, newest - 1, newest])],
  };
  (await demoIndex()).set(GROUPS_FILE, JSON.stringify(groups));
});
beforeEach(async () => {
  localStorage.clear();
  sessionStorage.clear();
  resetRowGroups();
  await serveDemoIndex();
});
afterEach(() => vi.unstubAllGlobals());
afterAll(async () => void (await demoIndex()).delete(GROUPS_FILE));

describe('one story in the list', () => {
  it('lists its reports as one row, the first listed, which says how many others there are', async () => {
    renderApp('/');
    const leader = await screen.findByRole('article', { name: story[0]!.title });
    expect(within(leader).getByRole('button', { name: '另有 2 家媒體報導' })).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('article', { name: story[1]!.title })).toBeNull();
    expect(screen.queryByRole('article', { name: story[2]!.title })).toBeNull();
  });

  it('shows the other reports right under the first when its button is pressed, and folds them again', async () => {
    renderApp('/');
    const toggle = within(await screen.findByRole('article', { name: story[0]!.title })).getByRole('button', { name: '另有 2 家媒體報導' });
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const titles = (await screen.findAllByRole('article')).map((row) => row.getAttribute('aria-labelledby'));
    const at = titles.indexOf(`title-${story[0]!.id}`);
    expect(titles.slice(at, at + 3)).toEqual(story.map((post) => `title-${post.id}`));
    await userEvent.click(toggle);
    await waitFor(() => expect(screen.queryByRole('article', { name: story[1]!.title })).toBeNull());
  });

  it('opens the group again when the reader comes back from one of its other reports', async () => {
    const { router } = renderApp('/');
    await userEvent.click(within(await screen.findByRole('article', { name: story[0]!.title })).getByRole('button', { name: '另有 2 家媒體報導' }));
    await userEvent.click(within(await screen.findByRole('article', { name: story[2]!.title })).getByRole('link'));
    await screen.findByRole('heading', { level: 1, name: story[2]!.title });
    await router.navigate(-1);
    expect(await screen.findByRole('article', { name: story[2]!.title })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '另有 2 家媒體報導' })).toHaveAttribute('aria-expanded', 'true');
  });

  it('lists every row apart when the reader turns grouping off', async () => {
    renderApp('/');
    await screen.findByRole('article', { name: story[0]!.title });
    const choice = screen.getByRole('button', { name: '合併同一事件' });
    expect(choice).toHaveAttribute('aria-pressed', 'true');
    await userEvent.click(choice);
    expect(await screen.findByRole('article', { name: story[1]!.title })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /家媒體報導/ })).toBeNull();
  });
});

describe('versions of one article in the list', () => {
  it('lists the newest version alone, saying how many others there are', async () => {
    renderApp('/');
    const newest = await screen.findByRole('article', { name: versions[0]!.title });
    expect(within(newest).getByText('另有 1 個版本')).toBeInTheDocument();
    expect(screen.queryByRole('article', { name: versions[1]!.title })).toBeNull();
  });
});
