/** Messages between the coordinator and a run's child process. */
import type { ProgressEvent } from '../../../shared/progress';

export interface StartMessage {
  type: 'start';
  /** The config with references (run:…, dataset:…) already resolved. */
  config: unknown;
  dir: string;
  dbPath: string;
  /**
   * Resume from a checkpoint no newer than this iteration: the newest one
   * whose metrics the coordinator has stored, so a crash never skips rows.
   */
  resumeAtMost: number;
}

export type ChildMessage =
  | { type: 'event'; event: ProgressEvent }
  | { type: 'interrupted'; iteration: number }
  | { type: 'failed'; message: string };

/** Exit codes of a run process. */
export const EXIT = { succeeded: 0, failed: 1, interrupted: 3 } as const;
