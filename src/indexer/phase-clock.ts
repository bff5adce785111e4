/**
 * Wall time per build phase, for the build report (`phases`): the first thing to read when a build or a
 * rebuild is slower than it should be. Each phase's memory too (`phaseMemory`): which phase set the peak.
 */
import { performance } from 'node:perf_hooks';
import { cacheMapStats } from './incremental/cache-map.ts';

export class PhaseClock {
  readonly phases: [name: string, seconds: number][] = [];
  readonly memory: PhaseMemory[] = [];
  private last = performance.now();
  private lastCpu = process.cpuUsage();

  /** Ends the current phase under `name`; the next one starts now. */
  lap(name: string): void {
    const now = performance.now();
    this.phases.push([name, Math.round(now - this.last) / 1000]);
    this.memory.push(memoryAt(name));
    this.last = now;
    // CNA_READER_PHASE_CPU=1: each phase's CPU seconds (all threads) on stderr, for measuring rebuilds.
    if (process.env.CNA_READER_PHASE_CPU) {
      const cpu = process.cpuUsage(this.lastCpu);
      this.lastCpu = process.cpuUsage();
      const map = cacheMapStats();
      console.error(
        `phase-cpu ${name} ${((cpu.user + cpu.system) / 1e6).toFixed(2)} (cache map so far: ${map.drops} drops, ${map.givenUp} rounds given up, ${(map.waitedMs / 1000).toFixed(1)} s that store calls waited, summed)`,
      );
    }
  }
}

/** A phase's name, the process's peak RSS so far, its RSS and the main thread's heap at its end (MB). */
export type PhaseMemory = [name: string, peakRssMB: number, rssMB: number, heapUsedMB: number];

/** Cheap (two counters of the kernel and V8's own totals): taken at every phase's end. */
function memoryAt(name: string): PhaseMemory {
  const { rss, heapUsed } = process.memoryUsage();
  // maxRSS is in KB; worker threads share the process and count in it.
  return [name, Math.round(process.resourceUsage().maxRSS / 1024), Math.round(rss / 2 ** 20), Math.round(heapUsed / 2 ** 20)];
}
