/**
 * What a running job reports, in order: a run process sends these to its
 * coordinator, which stores them and tells the UI. Metric rows come batched
 * per iteration, never per env step.
 */
import type { RunCompute } from './computeBackend';
import type { RunKind } from './runConfigs';

export interface EvaluationResult {
  mode: 'deterministic' | 'stochastic';
  episodes: number;
  mean: number;
  std: number;
  returns: number[];
  lengths: number[];
}

export interface RunSummary {
  done: true;
  kind: RunKind;
  env: string;
  finalEval: { mean: number; std: number; episodes: number } | null;
  envSteps: number;
  envStepsPerSec: number;
  /** What computed the numbers (computeBackend.ts): 'wasm-kernels' or e.g. 'wasm-kernels+tfjs-wasm'; older runs: the tfjs backend. */
  backend: string;
  /** The same as fields, in summaries written since they were added. */
  compute?: RunCompute['compute'];
  tfBackend?: RunCompute['tfBackend'];
  wallSeconds: number;
  /** Files the run produced (policy, dataset, trajectories), relative to its folder. */
  artifacts: Record<string, string>;
  /** Extra facts of the run kind (e.g. dataset mean return). */
  details?: Record<string, number | string>;
}

export type ProgressEvent =
  | { type: 'started'; kind: RunKind; env: string; backend: string; resumedFrom: number | null }
  | { type: 'metrics'; iteration: number; envSteps: number; values: Record<string, number> }
  | { type: 'evaluation'; iteration: number; envSteps: number; final: boolean; result: EvaluationResult }
  | { type: 'checkpoint'; iteration: number; envSteps: number; file: string }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'artifact'; name: string; file: string; summary: Record<string, number | string> }
  | { type: 'done'; summary: RunSummary };

export interface ProgressSink {
  emit(event: ProgressEvent): void;
}
