/**
 * The one-screen summary of a build report that `vite build` prints.
 */
import type { IngestReport, ProblemReason } from '../../shared/types.ts';

/** What each reason means, in the words a maintainer needs. Documented in the README too. */
export const REASON_TEXT: Record<ProblemReason, string> = {
  unreadable: 'could not be read from disk',
  'not-utf8': 'is not valid UTF-8 text',
  'too-large': 'is too large to be a post',
  'no-front-matter': 'has no --- front matter block',
  'bad-yaml': 'has front matter that is not valid YAML',
  'no-title': 'has no title',
  'invalid-date': 'has no usable date',
  'date-fallback': 'date taken from the epoch comment or file name',
  'unsafe-url': 'original URL is not http(s), dropped',
  'empty-body': 'has an empty body',
  'duplicate-url': 'repeats the original URL of another post, and its text is in it: merged',
  'url-version': 'an earlier or later version of a post with the same original URL: kept as a version',
  'url-reused': 'shares its original URL with a different article: kept as its own post',
  'worker-crashed': 'made its build worker die, twice (a parser bug: please report it)',
};

/** Problems listed by name in the summary; the rest are counted and left to the JSON report. */
const LISTED_PER_REASON = 3;

export function formatReportSummary(report: IngestReport, reportPath: string): string {
  const lines = [
    `cna-reader: ${report.filesSeen} files seen, ${report.postsIndexed} posts indexed, ${report.duplicatesMerged} duplicates merged, ${report.filesNotIndexed} files not indexed (${(report.durationMs / 1000).toFixed(1)} s)`,
  ];
  const reasons = Object.entries(report.byReason) as [ProblemReason, number][];
  for (const [reason, count] of reasons.sort((a, b) => b[1] - a[1])) {
    const severity = report.problems.find((p) => p.reason === reason)?.severity ?? 'warning';
    lines.push(`  ${severity === 'error' ? '✗' : '!'} ${reason} (${count}): ${REASON_TEXT[reason]}`);
    for (const problem of report.problems.filter((p) => p.reason === reason).slice(0, LISTED_PER_REASON)) {
      lines.push(`      ${JSON.stringify(problem.path)}: ${problem.detail}`);
    }
  }
  if (report.search) {
    const { tokens, shards, bytes, addSeconds, writeSeconds, patched, tailPosts } = report.search;
    const how = patched ? "the last build's index patched" : 'post files + indexing';
    // The tail is what a fetch rewrites (see search-format.ts): how far it has grown says what the next one costs.
    const tail = tailPosts === undefined ? '' : ` (the newest ${tailPosts.toLocaleString('en')} posts in its tail)`;
    lines.push(
      `  search index: ${tokens.toLocaleString('en')} tokens in ${shards.toLocaleString('en')} shards${tail}, ${(bytes / 1e6).toFixed(1)} MB (${how} ${addSeconds.toFixed(1)} s, shards ${writeSeconds.toFixed(1)} s)`,
    );
  }
  if (report.output) {
    const { written, unchanged, removed } = report.output;
    lines.push(
      `  data files: ${written.toLocaleString('en')} written, ${unchanged.toLocaleString('en')} unchanged since the last build, ${removed.toLocaleString('en')} removed`,
    );
  }
  if (report.cache?.discarded) lines.push(`  ${report.cache.discarded}`);
  if (report.cache?.notPruned) lines.push(`  build cache not pruned (the next build tries again): ${report.cache.notPruned}`);
  if (report.plan) lines.push(`  plan: ${report.plan.patched ? "the last build's plan patched" : `every post planned (no patch: ${report.plan.reason})`}`);
  if (report.phases) lines.push(`  phases: ${report.phases.map(([name, seconds]) => `${name} ${seconds.toFixed(1)} s`).join(', ')}`);
  lines.push(`  full report: ${reportPath}`);
  return lines.join('\n');
}
