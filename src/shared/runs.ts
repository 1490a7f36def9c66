/** Runs as the API shows them. */
import type { EnvId } from './envCatalog';
import type { RunPlacement } from './executors';
import type { RunKind } from './runConfigs';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted', 'blocked'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses a run never leaves on its own. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface RunRow {
  id: number;
  name: string;
  kind: RunKind;
  env: EnvId;
  /** expert algorithm (trpo/ppo) or the kind for other runs. */
  method: string;
  /** k for bc/gail runs. */
  trajectories: number | null;
  seed: number;
  status: RunStatus;
  priority: number;
  sweepId: number | null;
  retryOf: number | null;
  attempt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  error: string | null;
  backend: string | null;
  iteration: number;
  envSteps: number;
  finalMean: number | null;
  finalStd: number | null;
  finalEpisodes: number | null;
  lastEval: number | null;
  maxEval: number | null;
  dependsOn: number[];
  /** The run's budget from its config, for progress and ETA (null: sample/eval runs, which count episodes). */
  target?: RunTarget | null;
  /** Env steps per second its summary measured (finished runs); null while running. */
  stepsPerSec?: number | null;
  /** A learning-health warning computed in core from the run's metrics; absent or null when there is none. */
  health?: RunHealth | null;
  /** Where the run executes or last executed (local, or its Slurm job with Slurm's state, reason and node); null before it first starts. */
  placement?: RunPlacement | null;
}

export interface RunTarget {
  /** What `value` counts: env steps (expert, GAIL) or Adam iterations (BC). */
  unit: 'envSteps' | 'iterations';
  value: number;
}

/** Something a user should know about how a run is learning, e.g. a GAIL discriminator that has won. */
export interface RunHealth {
  /** Stable code the UI keys on: D won (no learning signal), or the return stalled far below the demonstrations'. */
  code: 'discriminator-won' | 'stalled';
  /** One or two sentences for the user: what was seen and what it means. */
  message: string;
  /** Env steps at which the condition was first met. */
  sinceEnvSteps: number;
}

export interface RunDetail extends RunRow {
  config: unknown;
  summary: unknown;
  dir: string;
  tags: string[];
  evaluations: { iteration: number; envSteps: number; final: boolean; mode: string; episodes: number; mean: number; std: number }[];
  checkpoints: { iteration: number; envSteps: number; createdAt: number }[];
  datasets: number[];
}

export interface DatasetRow {
  id: number;
  name: string;
  env: EnvId;
  obsDim: number;
  actDim: number;
  sourceRunId: number | null;
  trajectories: number;
  steps: number;
  meanReturn: number;
  stdReturn: number;
  createdAt: number;
}

export interface MetricSeries {
  name: string;
  /** Iterations. */
  steps: number[];
  envSteps: number[];
  values: (number | null)[];
  /** Rows in the database for this series (before downsampling). */
  total: number;
}
