/**
 * Wall time per build phase, for the build report (`phases`): the first thing to read when a build or a
 * rebuild is slower than it should be.
 */
import { performance } from 'node:perf_hooks';

export class PhaseClock {
  readonly phases: [name: string, seconds: number][] = [];
  private last = performance.now();

  /** Ends the current phase under `name`; the next one starts now. */
  lap(name: string): void {
    const now = performance.now();
    this.phases.push([name, Math.round(now - this.last) / 1000]);
    this.last = now;
  }
}
