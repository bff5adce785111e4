/**
 * What a process remembers of the last build it wrote, for its next one: a build that stays up (vite
 * build --watch, the dev server) keeps one and hands it to each build (see buildSite). Without it, a
 * build reads the last one's record and state back from the cache folder, as a one-shot build does.
 */
import type { SavedState } from './last-build.ts';
import type { AppendedRecord } from './seen-files.ts';

export interface BuildMemory {
  /** The record of files seen, as the last build appended to it (see seen-files.ts). */
  record?: AppendedRecord;
  /** The state and plan of the output folder, as the last build saved them (see last-build.ts). */
  state?: SavedState;
}
