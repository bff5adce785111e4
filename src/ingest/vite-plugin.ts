/**
 * The Vite plugin: a thin shell around ingestPosts().
 *   vite build  → writes dist/data/** (the index), dist/ingest-report.json, dist/404.html; prints a summary.
 *   vite dev    → serves the same files from memory at <base>data/ and rebuilds them when a post changes.
 */
import { mkdir, writeFile, copyFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig, ViteDevServer } from 'vite';
import { performance } from 'node:perf_hooks';
import type { SearchIndexStats } from '../index-format/types.ts';
import type { BuiltIndex } from './build-index.ts';
import { DEFAULT_TIME_ZONE, ingestPosts } from './ingest.ts';
import { diskStore, memoryStore, sourceFingerprint } from './post-store.ts';
import { formatReportSummary } from './report.ts';
import { SearchIndexBuilder, buildSearchFiles } from './search-index.ts';
import { LOCAL_ASSET_PATH } from './urls.ts';

export interface CnaReaderIndexOptions {
  /** Folder of posts, relative to the project root. @default process.env.POSTS_DIR ?? 'posts' */
  postsDir?: string;
  /** IANA time zone of the archive. @default process.env.ARCHIVE_TIME_ZONE ?? 'Asia/Taipei' */
  timeZone?: string;
  /** Fail the build when any file is reported (errors or warnings). @default process.env.CNA_READER_STRICT === '1' */
  strict?: boolean;
  /**
   * Folder of the build cache (parsed posts, keyed by content and parser version): rebuilds parse only
   * new and edited posts. @default process.env.CNA_READER_CACHE_DIR ?? '.cache/ingest'
   */
  cacheDir?: string;
}

export const REPORT_FILE = 'ingest-report.json';
export const DATA_DIR = 'data';

export function cnaReaderIndex(options: CnaReaderIndexOptions = {}): Plugin {
  let config: ResolvedConfig;
  let postsDir: string;
  const timeZone = options.timeZone ?? process.env['ARCHIVE_TIME_ZONE'] ?? DEFAULT_TIME_ZONE;
  const strict = options.strict ?? process.env['CNA_READER_STRICT'] === '1';
  let built: BuiltIndex | undefined;

  return {
    name: 'cna-reader-index',
    configResolved(resolved) {
      config = resolved;
      postsDir = resolve(config.root, options.postsDir ?? process.env['POSTS_DIR'] ?? 'posts');
    },
    async buildStart() {
      if (config.command !== 'build') return;
      const cacheDir = resolve(config.root, options.cacheDir ?? process.env['CNA_READER_CACHE_DIR'] ?? '.cache/ingest');
      const codeVersion = await sourceFingerprint([join(config.root, 'src/ingest'), join(config.root, 'src/index-format')]);
      built = await ingestPosts({ postsDir, timeZone, assetBase: assetBaseOf(config), store: diskStore(cacheDir), codeVersion });
    },
    async writeBundle() {
      if (!built) return;
      const outDir = resolve(config.root, config.build.outDir);
      // Written straight to disk rather than through the bundle: at 200k posts, emitting every file as a
      // bundle asset would hold all of them in the bundler's memory twice.
      built.report.search = await writeFiles(join(outDir, DATA_DIR), built);
      await writeFile(join(outDir, REPORT_FILE), JSON.stringify(built.report, null, 2));
      // Static hosts (GitHub Pages) answer unknown paths with 404.html: the app itself, so deep links work.
      await copyFile(join(outDir, 'index.html'), join(outDir, '404.html'));
      config.logger.info(formatReportSummary(built.report, join(config.build.outDir, REPORT_FILE)));
      const reported = built.report.problems.length;
      if (strict && reported > 0) {
        this.error(`strict mode: ${reported} reported file(s) in ${postsDir}; see ${REPORT_FILE} (unset CNA_READER_STRICT to build anyway)`);
      }
    },
    configureServer(server) {
      serveIndexInDev(server, () => postsDir, timeZone, assetBaseOf(config));
    },
  };
}

function serveIndexInDev(server: ViteDevServer, getPostsDir: () => string, timeZone: string, assetBase: string): void {
  // Parsed posts stay in memory while the server runs; a rebuild parses only what changed.
  const store = memoryStore();
  let current: Promise<BuiltIndex> | undefined;
  let search: Promise<Map<string, Uint8Array | string>> | undefined;
  const rebuild = () => {
    search = undefined;
    return (current = ingestPosts({ postsDir: getPostsDir(), timeZone, assetBase, store }));
  };
  const index = () => current ?? rebuild();
  // The search index needs every post's text: built on the first search, not on every edit.
  const searchFiles = async () => (search ??= index().then((built) => buildSearchFiles(built.posts())));

  let timer: NodeJS.Timeout | undefined;
  const onPostChange = (file: string) => {
    if (!resolve(file).startsWith(getPostsDir())) return;
    clearTimeout(timer);
    // Editors write a file in several steps; one rebuild per burst of changes.
    timer = setTimeout(async () => {
      await rebuild();
      server.ws.send({ type: 'full-reload' });
    }, 100);
  };
  server.watcher.add(getPostsDir());
  server.watcher.on('add', onPostChange);
  server.watcher.on('change', onPostChange);
  server.watcher.on('unlink', onPostChange);

  server.middlewares.use(async (request, response, next) => {
    const base = server.config.base;
    const url = decodeURIComponent((request.url ?? '').split('?')[0] ?? '');
    const isReport = url === `${base}${REPORT_FILE}`;
    if (!isReport && !url.startsWith(`${base}${DATA_DIR}/`)) return next();
    try {
      const built = await index();
      const path = url.slice(`${base}${DATA_DIR}/`.length);
      const postId = /^posts\/\d+\/(.+)\.json$/.exec(path)?.[1];
      const body = isReport
        ? JSON.stringify(built.report, null, 2)
        : postId !== undefined
          ? await built.postFile(postId)
          : path.startsWith('search/')
            ? (await searchFiles()).get(path)
            : built.files.get(path);
      if (body === undefined) {
        response.statusCode = 404;
        response.end('not found');
        return;
      }
      response.setHeader('Content-Type', typeof body === 'string' ? 'application/json; charset=utf-8' : 'application/octet-stream');
      response.setHeader('Cache-Control', 'no-store');
      response.end(body);
    } catch (error) {
      next(error);
    }
  });
}

/** `public/archive-assets/` as the built site serves it, under the base path. */
function assetBaseOf(config: ResolvedConfig): string {
  return `${config.base}${LOCAL_ASSET_PATH.slice(1)}`;
}

/**
 * Writes the small files, then the post files (a bounded number at a time: never all in memory) while
 * feeding their text to the search index, then the search index.
 */
async function writeFiles(root: string, built: BuiltIndex): Promise<SearchIndexStats> {
  const made = new Set<string>();
  const write = async (path: string, body: string | Uint8Array) => {
    const folder = dirname(join(root, path));
    if (!made.has(folder)) {
      await mkdir(folder, { recursive: true });
      made.add(folder);
    }
    await writeFile(join(root, path), body);
  };
  for (const [path, body] of built.files) await write(path, body);
  const search = new SearchIndexBuilder();
  // Up to 16 writes in flight while the next posts are read back from the store and indexed.
  const writing = new Set<Promise<void>>();
  let addMs = 0;
  for await (const post of built.posts()) {
    const started = performance.now();
    search.add(post.row, post.title, post.text);
    addMs += performance.now() - started;
    const done: Promise<void> = write(post.path, post.body).then(() => void writing.delete(done));
    writing.add(done);
    if (writing.size >= 16) await Promise.race(writing);
  }
  await Promise.all(writing);
  const started = performance.now();
  const written = await search.finish(write);
  return { tokens: search.tokenCount, shards: written.shards, bytes: written.bytes, addSeconds: addMs / 1000, writeSeconds: (performance.now() - started) / 1000 };
}
