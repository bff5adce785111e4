/**
 * A build that stays up (the plugin's `vite build --watch`, the dev server) gives each build what its
 * watch knows of the posts folder, and forgets it when a build fails: the jobs are stand-ins that record
 * what each build is given.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResolvedConfig, ViteDevServer } from 'vite';
import type { BuildSiteOptions } from '../../src/indexer/build-site.ts';
import { cnaReaderIndex } from '../../src/indexer/vite/vite-plugin.ts';
import { serveIndexInDev } from '../../src/indexer/vite/dev-server.ts';

const fake = vi.hoisted(() => {
  const listed = () => undefined;
  const known = { files: [], changed: new Set(['a.md']) };
  const listings: object[] = [];
  const built: { listed?: unknown; known?: unknown }[] = [];
  const forget = vi.fn();
  let burst = () => {};
  const watched = {
    posts: { forget, hasNews: true },
    watcher: { size: 1, refresh() {} },
    nextListing: async () => listings.shift()!,
    close() {},
  };
  const jobs = {
    watchPostFiles: (_: string, onBurst: () => void) => ((burst = onBurst), watched),
    startWorkers: async () => undefined,
    dataCompressionOf: () => 'none',
    buildSite: async (options: BuildSiteOptions) => {
      built.push(options);
      throw new Error('stand-in build');
    },
  };
  const loadBuildJobs = vi.fn(async () => jobs);
  return { listed, known, listings, built, forget, jobs, loadBuildJobs, burst: () => burst() };
});
vi.mock('../../src/indexer/vite/load-build-jobs.ts', () => ({ loadBuildJobs: fake.loadBuildJobs }));
vi.mock('../../src/indexer/build-site.ts', () => ({ buildSite: fake.jobs.buildSite, startWorkers: fake.jobs.startWorkers }));
vi.mock('../../src/indexer/incremental/known-files.ts', () => ({ watchPostFiles: fake.jobs.watchPostFiles }));

beforeEach(() => {
  // What a watch hands out at a start (every file checked), then after an edit.
  fake.listings.splice(0, Infinity, { listed: fake.listed }, { known: fake.known });
  fake.built.length = 0;
  fake.forget.mockClear();
  fake.loadBuildJobs.mockClear();
});

describe('when the plugin loads the build jobs', () => {
  it('a build loads them from its config hook already; the dev server does not', async () => {
    const config = (env: object) => (cnaReaderIndex({ postsDir: 'posts', cacheDir: '.cache', workers: 0 }).config as (...args: unknown[]) => unknown)({}, env);
    await config({ command: 'serve', mode: 'development' });
    expect(fake.loadBuildJobs).not.toHaveBeenCalled();
    await config({ command: 'build', mode: 'production' });
    expect(fake.loadBuildJobs).toHaveBeenCalledTimes(1);
  });
});

describe('what a build that stays up gives each build of the posts folder', () => {
  it('the plugin: the bundle build hands out its listing, the posts rebuild its files known; a failed one is forgotten', async () => {
    const plugin = cnaReaderIndex({ postsDir: 'posts', cacheDir: '.cache', workers: 0 });
    const hook = (name: 'config' | 'configResolved' | 'buildStart' | 'buildEnd') => plugin[name] as (...args: unknown[]) => Promise<void>;
    const logger = { info() {}, error() {} };
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-listing-'));
    await hook('config')({}, { command: 'build', mode: 'production' });
    await hook('configResolved')({ root, command: 'build', base: '/', logger, build: { outDir: 'dist', watch: {} } } as unknown as ResolvedConfig);
    await hook('buildStart')();
    await vi.waitFor(() => expect(fake.built).toHaveLength(1));
    expect(fake.built[0]!.listed).toBe(fake.listed);
    await hook('buildEnd')(new Error('the app did not bundle'));
    expect(fake.forget).toHaveBeenCalledTimes(1);

    fake.burst();
    await vi.waitFor(() => expect(fake.forget).toHaveBeenCalledTimes(2));
    expect(fake.built[1]!.known).toBe(fake.known);
  });

  it('the plugin: a bundle written whose build failed is forgotten', async () => {
    const plugin = cnaReaderIndex({ postsDir: 'posts', cacheDir: '.cache', workers: 0 });
    const hook = (name: 'config' | 'configResolved' | 'buildStart' | 'writeBundle') => plugin[name] as (...args: unknown[]) => Promise<void>;
    const root = mkdtempSync(join(tmpdir(), 'cna-reader-listing-'));
    await hook('config')({}, { command: 'build', mode: 'production' });
    await hook('configResolved')({
      root,
      command: 'build',
      base: '/',
      logger: { info() {} },
      build: { outDir: 'dist', watch: {} },
    } as unknown as ResolvedConfig);
    await hook('buildStart')();
    await expect(hook('writeBundle')()).rejects.toThrow('stand-in build');
    expect(fake.forget).toHaveBeenCalledTimes(1);
  });

  it('the dev server: its first build hands out its listing', async () => {
    const server = { httpServer: { once() {} }, middlewares: { use() {} }, ws: { send() {} }, config: { base: '/' } };
    serveIndexInDev(server as unknown as ViteDevServer, { postsDir: 'posts', timeZone: undefined, assetBase: '/', cacheDir: '.cache', workers: 0 });
    await vi.waitFor(() => expect(fake.built).toHaveLength(1));
    expect(fake.built[0]!.listed).toBe(fake.listed);
    await vi.waitFor(() => expect(fake.forget).toHaveBeenCalledTimes(1));
  });
});
