import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnownPostFiles, watchPostFiles } from '../../src/indexer/incremental/known-files.ts';
import { listPostFiles } from '../../src/indexer/read-posts.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A posts folder of three posts in one subfolder, removed after the test. */
function postsFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'cna-reader-known-'));
  folders.push(root);
  mkdirSync(join(root, '_posts'));
  for (let n = 1; n <= 3; n++) writeFileSync(join(root, '_posts', `2026-11-0${n}-post-${n}.html`), '<p>文</p>');
  return root;
}

/** The files of a folder a first build listed and handed on, as the next build would take them. */
async function listedOnce(root: string): Promise<KnownPostFiles> {
  const posts = new KnownPostFiles(root);
  await posts.take();
  posts.listedBy()(await listPostFiles(root));
  return posts;
}

const pathsOf = (known: { files: readonly { path: string }[] } | undefined) => known?.files.map((file) => file.path);

describe('the post files a build that stays up knows of', () => {
  it('takes the list a build made for the next build, without listing the folder again', async () => {
    const root = postsFolder();
    const posts = new KnownPostFiles(root);
    // At a start, every file is checked: what changed while nothing watched is unknown.
    expect(await posts.take()).toBeUndefined();
    const listed = posts.listedBy();
    listed(await listPostFiles(root));
    // Made where no watch hears it: a list made again would have it.
    writeFileSync(join(root, '_posts', '2026-11-04-post-4.html'), '<p>新</p>');
    posts.saw(join(root, '_posts', '2026-11-01-post-1.html'));
    const next = await posts.take();
    expect(pathsOf(next)).toEqual(['_posts/2026-11-01-post-1.html', '_posts/2026-11-02-post-2.html', '_posts/2026-11-03-post-3.html']);
    expect([...next!.changed]).toEqual(['_posts/2026-11-01-post-1.html']);
    // What may have been a folder: listed again.
    posts.saw(undefined);
    expect(pathsOf(await posts.take())).toContain('_posts/2026-11-04-post-4.html');
  });

  it('lists the folder again when a folder may have changed while the build listed it', async () => {
    const root = postsFolder();
    const posts = new KnownPostFiles(root);
    await posts.take();
    const listed = posts.listedBy();
    posts.saw(undefined);
    writeFileSync(join(root, '_posts', '2026-11-04-post-4.html'), '<p>新</p>');
    listed((await listPostFiles(root)).slice(0, 3));
    expect(pathsOf(await posts.take())).toHaveLength(4);
  });

  it('keeps no list of a build after which every file is to be checked again', async () => {
    const root = postsFolder();
    const posts = new KnownPostFiles(root);
    const listed = posts.listedBy();
    posts.forget();
    listed((await listPostFiles(root)).slice(0, 2));
    expect(await posts.take()).toBeUndefined();
    // The build after that lists the folder itself; without its list, the next one lists it.
    expect(pathsOf(await posts.take())).toHaveLength(3);
  });

  it('puts a post added after the listing in its place, and drops one removed', async () => {
    const root = postsFolder();
    const posts = await listedOnce(root);
    writeFileSync(join(root, '_posts', '2026-11-01-post-0.md'), '---\ntitle: 新\n---\n');
    rmSync(join(root, '_posts', '2026-11-02-post-2.html'));
    posts.saw(join(root, '_posts', '2026-11-01-post-0.md'));
    posts.saw(join(root, '_posts', '2026-11-02-post-2.html'));
    const next = await posts.take();
    expect(pathsOf(next)).toEqual(['_posts/2026-11-01-post-0.md', '_posts/2026-11-01-post-1.html', '_posts/2026-11-03-post-3.html']);
    expect(next!.changed).toEqual(new Set(['_posts/2026-11-01-post-0.md', '_posts/2026-11-02-post-2.html']));
  });

  it('lists the folder again after a build that failed before it listed', async () => {
    const root = postsFolder();
    const posts = await listedOnce(root);
    // The next build is handed a listing, and fails before it lists.
    posts.listedBy();
    writeFileSync(join(root, '_posts', '2026-11-04-post-4.html'), '<p>新</p>');
    expect(pathsOf(await posts.take())).toHaveLength(4);
  });

  it('checks every file after a burst too large to trust every event of it heard', async () => {
    const root = postsFolder();
    const posts = await listedOnce(root);
    for (let n = 0; n < 2_000; n++) posts.saw(join(root, '_posts', `2026-11-05-post-${n}.html`));
    expect(await posts.take()).toBeDefined();
    for (let n = 0; n <= 2_000; n++) posts.saw(join(root, '_posts', `2026-11-05-post-${n}.html`));
    expect(await posts.take()).toBeUndefined();
  });

  it('hears a post written, once the listing is handed out, in a folder made before', async () => {
    const root = postsFolder();
    let bursts = 0;
    const watched = watchPostFiles(root, () => bursts++);
    try {
      mkdirSync(join(root, 'archived'));
      await expect.poll(() => bursts, { timeout: 5_000, interval: 20 }).toBe(1);
      const listing = await watched.nextListing();
      if (!('listed' in listing)) throw new Error('the first build is to list the folder itself');
      listing.listed(await listPostFiles(root));
      // Written while the build bundles the app, after its listing.
      writeFileSync(join(root, 'archived', '2026-11-04-post-4.html'), '<p>新</p>');
      await expect.poll(() => bursts, { timeout: 5_000, interval: 20 }).toBe(2);
      expect(pathsOf(await watched.posts.take())).toContain('archived/2026-11-04-post-4.html');
    } finally {
      watched.close();
    }
  });
});
