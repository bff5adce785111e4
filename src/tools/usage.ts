/**
 * What a process used, as GNU time reports it for the bench's builds (cna-reader's, Hugo's, Jekyll's).
 */
import { existsSync } from 'node:fs';

export interface Usage {
  /** Peak resident memory of the largest process (%M), worker threads included. */
  peakRssMB?: number;
  /**
   * CPU seconds, user and system, of the process and every child it waited for. Other people's load
   * stretches wall time far more than it does this: the per-post comparisons read it too.
   */
  cpuSeconds?: number;
}

const FORMAT = 'bench-usage %M %U %S';

/** The command run under /usr/bin/time when there is one (its report goes last on stderr). */
export function underTime(command: string, args: string[]): [string, string[]] {
  return existsSync('/usr/bin/time') ? ['/usr/bin/time', ['-f', FORMAT, command, ...args]] : [command, args];
}

export function usageOf(stderr: string): Usage {
  const match = /bench-usage (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
  return match ? { peakRssMB: Number(match[1]) / 1024, cpuSeconds: Number(match[2]) + Number(match[3]) } : {};
}
