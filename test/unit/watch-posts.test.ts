import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { watchPostsFolder } from '../../src/indexer/vite/watch-posts.ts';

describe("the dev server's watch over the posts folder", () => {
  it('watches each folder once, whatever the number of posts, and hears what happens in them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-watch-'));
    mkdirSync(join(root, '2026'));
    mkdirSync(join(root, '.git'));
    for (let n = 0; n < 40; n++) writeFileSync(join(root, '2026', `2026-11-${String((n % 28) + 1).padStart(2, '0')}-post-${n}.html`), '<p>文</p>');
    let changes = 0;
    const heard: (string | undefined)[] = [];
    const watcher = watchPostsFolder(root, (path) => {
      changes++;
      heard.push(path);
    });
    try {
      // The folder and its subfolder; not .git, never a post.
      expect(watcher.size).toBe(2);

      writeFileSync(join(root, '2026', '2026-11-01-post-0.html'), '<p>改</p>');
      await expect.poll(() => changes, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
      // A post is named by its path (a build that stays up stats only those).
      expect(new Set(heard)).toEqual(new Set([join(root, '2026', '2026-11-01-post-0.html')]));

      // An editor's swap file is not a change to the posts.
      await new Promise((done) => setTimeout(done, 100));
      const before = changes;
      writeFileSync(join(root, '2026', '.2026-11-01-post-0.html.swp'), 'x');
      await new Promise((done) => setTimeout(done, 200));
      expect(changes).toBe(before);

      // A new folder is heard of in its parent; once refreshed, what happens inside it too.
      mkdirSync(join(root, '2027'));
      await expect.poll(() => changes, { timeout: 5_000, interval: 20 }).toBeGreaterThan(before);
      watcher.refresh();
      expect(watcher.size).toBe(3);
      const afterFolder = changes;
      writeFileSync(join(root, '2027', '2027-01-01-new.md'), '---\ntitle: 新\n---\n');
      await expect.poll(() => changes, { timeout: 5_000, interval: 20 }).toBeGreaterThan(afterFolder);

      // So is a folder with a dot in its name (not a post, not a swap file: a folder now).
      const beforeDotted = changes;
      heard.length = 0;
      mkdirSync(join(root, '2027.archive'));
      await expect.poll(() => changes, { timeout: 5_000, interval: 20 }).toBeGreaterThan(beforeDotted);
      expect(heard).toContain(undefined);
      watcher.refresh();
      expect(watcher.size).toBe(4);
      // Moved out of the posts folder whole (no event for its posts), it is heard as a folder too.
      const beforeMoved = changes;
      heard.length = 0;
      renameSync(join(root, '2027.archive'), join(root, '..', `${basename(root)}-moved.archive`));
      await expect.poll(() => changes, { timeout: 5_000, interval: 20 }).toBeGreaterThan(beforeMoved);
      expect(heard).toContain(undefined);
      rmSync(join(root, '..', `${basename(root)}-moved.archive`), { recursive: true });

      // A folder removed is let go of.
      rmSync(join(root, '2027'), { recursive: true });
      await new Promise((done) => setTimeout(done, 100));
      watcher.refresh();
      expect(watcher.size).toBe(2);
    } finally {
      watcher.close();
      rmSync(root, { recursive: true, force: true });
    }
    expect(watcher.size).toBe(0);
  });

  it('takes a folder named like a post for a folder, made or removed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-watch-'));
    const heard: (string | undefined)[] = [];
    const watcher = watchPostsFolder(root, (path) => heard.push(path));
    try {
      mkdirSync(join(root, '2027-01-01-x.md'));
      await expect.poll(() => heard.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
      expect(heard).toEqual([undefined]);
      watcher.refresh();
      expect(watcher.size).toBe(2);
      heard.length = 0;
      rmSync(join(root, '2027-01-01-x.md'), { recursive: true });
      await expect.poll(() => heard.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
      expect(heard).not.toContain(join(root, '2027-01-01-x.md'));
    } finally {
      watcher.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
