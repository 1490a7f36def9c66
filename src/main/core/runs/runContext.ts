import type { ProgressSink } from '../../../shared/progress';
import type { Dataset } from '../data/dataset';
import type { RunStorage } from './storage';

/** Finds the dataset a config refers to (a file path, or a database id in the queue). */
export type DatasetLoader = (ref: string, field: string) => Dataset | Promise<Dataset>;

/** What a run executes with: where to report, where to store, how to stop. */
export interface RunContext {
  sink: ProgressSink;
  storage: RunStorage;
  /** What computes the run's numbers, recorded with it (shared/computeBackend.ts's backendLabel). */
  backend: string;
  /** Aborting asks the run to checkpoint and stop after the current iteration. */
  signal?: AbortSignal;
  /** Continue from the storage's latest checkpoint when there is one. */
  resume: boolean;
  /** When resuming, use the newest checkpoint at or before this iteration. */
  resumeAtMost?: number;
  loadDataset: DatasetLoader;
}

/** Thrown when a run stopped on request after checkpointing; it can be resumed. */
export class RunInterrupted extends Error {
  constructor(readonly iteration: number) {
    super(`run stopped on request after iteration ${iteration}; resume continues from its checkpoint`);
    this.name = 'RunInterrupted';
  }
}

/** Names of metrics that measure time, not learning: they differ between identical runs. */
export function isTimingMetric(name: string): boolean {
  return name === 'envStepsPerSec' || name === 'wallSeconds' || name === 'wallTime' || name.startsWith('time_');
}
