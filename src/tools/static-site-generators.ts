/**
 * Jekyll and Hugo building the same posts as cna-reader, for the benchmark's side-by-side ratios.
 *
 * Each gets a minimal site: one page template that prints the title and the body (no theme, no plugins,
 * no feeds or tag pages), and raw HTML allowed in Markdown, as the posts need. That is the least work
 * either tool can do with these posts, so the ratios flatter them, not cna-reader. Both are used when
 * installed (Debian's `jekyll` and `hugo` packages); the bench installs nothing and says when one is absent.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { underTime, usageOf, type Usage } from './usage.ts';

export type GeneratorName = 'jekyll' | 'hugo';

export type GeneratorResult =
  ({ tool: GeneratorName; version: string; seconds: number; pagesWritten: number } & Usage) | { tool: GeneratorName; skipped: string };

const PAGE = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>\n`;

interface Generator {
  version(): string | undefined;
  /** Lays out a site in `siteDir` whose posts go in the returned folder. */
  prepare(siteDir: string): string;
  /** The build command, run in `siteDir`, writing to `outDir`. */
  command(outDir: string): [string, string[]];
}

const GENERATORS: Record<GeneratorName, Generator> = {
  jekyll: {
    version: () => firstLine('jekyll', ['--version']),
    prepare(siteDir) {
      mkdirSync(join(siteDir, '_layouts'), { recursive: true });
      writeFileSync(join(siteDir, '_config.yml'), 'title: bench\nmarkdown: kramdown\ndefaults:\n  - scope: { path: "" }\n    values: { layout: post }\n');
      writeFileSync(join(siteDir, '_layouts', 'post.html'), PAGE('{{ page.title }}', '{{ content }}'));
      return join(siteDir, '_posts');
    },
    // --disable-disk-cache: a cold build, as cna-reader's cold build is measured.
    command: (outDir) => ['jekyll', ['build', '--quiet', '--disable-disk-cache', '--destination', outDir]],
  },
  hugo: {
    version: () => firstLine('hugo', ['version']),
    prepare(siteDir) {
      mkdirSync(join(siteDir, 'layouts', '_default'), { recursive: true });
      writeFileSync(
        join(siteDir, 'hugo.toml'),
        'baseURL = "http://localhost/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n[markup.goldmark.renderer]\nunsafe = true\n',
      );
      writeFileSync(join(siteDir, 'layouts', '_default', 'single.html'), PAGE('{{ .Title }}', '{{ .Content }}'));
      writeFileSync(
        join(siteDir, 'layouts', '_default', 'list.html'),
        '<!doctype html><html><body>{{ range .Pages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</body></html>\n',
      );
      return join(siteDir, 'content', 'posts');
    },
    command: (outDir) => ['hugo', ['--quiet', '--destination', outDir]],
  },
};

function firstLine(command: string, args: string[]): string | undefined {
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.split('\n')[0]!.trim() : undefined;
}

/** Every post file under `dir` (the generated corpus keeps them in `_posts/` and `archived/<day>/`). */
function postFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(md|markdown|html)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A hard link where the file system allows one (200k posts copied took a minute), else a copy. */
function linkOrCopy(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

function countPages(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.html')).length;
}

/**
 * Builds the posts of `postsDir` with one tool, timed from the command's start to its end (laying the
 * posts into its site is not timed). The posts are hard links to the corpus, already in the page cache.
 */
export function buildWith(tool: GeneratorName, postsDir: string, workDir: string): GeneratorResult {
  const generator = GENERATORS[tool];
  const version = generator.version();
  if (!version) return { tool, skipped: `not installed (apt-get install ${tool} to compare)` };
  const siteDir = join(workDir, `${tool}-site`);
  const outDir = join(workDir, `${tool}-out`);
  rmSync(siteDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
  const contentDir = generator.prepare(siteDir);
  mkdirSync(contentDir, { recursive: true });
  // Both tools want posts in one folder; the generated names all start with their date, as Jekyll requires.
  const taken = new Set<string>();
  for (const file of postFiles(postsDir)) {
    let name = basename(file);
    while (taken.has(name)) name = name.replace(/(\.\w+)$/, '-dup$1');
    taken.add(name);
    linkOrCopy(file, join(contentDir, name));
  }
  const [command, args] = generator.command(outDir);
  // Peak memory and CPU time as for cna-reader's builds.
  const [timed, timedArgs] = underTime(command, args);
  const started = performance.now();
  const run = spawnSync(timed, timedArgs, { cwd: siteDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) return { tool, skipped: `${command} failed (exit ${run.status}): ${(run.stderr || run.stdout).slice(0, 400)}` };
  const result: GeneratorResult = { tool, version, seconds, pagesWritten: countPages(outDir), ...usageOf(run.stderr) };
  rmSync(siteDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
  return result;
}
