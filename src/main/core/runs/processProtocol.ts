/** Messages between the coordinator and a run's child process. */
import type { ExecutorSetting } from '../../../shared/executors';
import type { ProgressEvent } from '../../../shared/progress';
import type { StoredPlacement } from '../store/store';

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
  /** The run's id (names its Slurm job) and where it executes. */
  runId?: number;
  executor?: ExecutorSetting;
}

export type ChildMessage =
  | { type: 'event'; event: ProgressEvent }
  /** reason: why the run stopped when the coordinator did not ask it to (e.g. Slurm's time limit). */
  | { type: 'interrupted'; iteration: number; reason?: string }
  | { type: 'placement'; placement: StoredPlacement }
  | { type: 'failed'; message: string };

/** Exit codes of a run process. */
export const EXIT = { succeeded: 0, failed: 1, interrupted: 3 } as const;
