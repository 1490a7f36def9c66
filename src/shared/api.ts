/**
 * The one API contract between the app's backend (src/main/core/service.ts)
 * and its front ends. Every method takes one request object, validated with
 * the schema below at every shell boundary (IPC, HTTP, CLI), and returns a
 * promise. Events flow back: run changes, new metric rows, queue state.
 */
import { z } from 'zod';
import type { EnvSpec } from './envCatalog';
import type { ExecutorSetting } from './executors';
import type { DatasetRow, MetricSeries, RunDetail, RunRow } from './runs';
import { RUN_STATUSES } from './runs';
import type { ResultsTable } from './results';
import type { VisualGeom } from './geometry';
import type { ConfigSchemas, SweepPreview } from './configSchemas';

export interface TrajectoryRow {
  id: number;
  idx: number;
  /** For evaluation episodes: the mode (deterministic/stochastic). */
  label: string;
  length: number;
  return: number;
  terminated: boolean;
  /** Whether MuJoCo states were stored (imported .npz data has observations only: no 3D replay). */
  hasStates: boolean;
}

/** How an episode ended: a health check failed (terminated), the time limit (truncated), or neither. */
export interface EpisodeEnd {
  kind: 'terminated' | 'truncated' | 'ended';
  /** The failed condition when it can be told from the last state, e.g. "torso height 0.62 ≤ 0.7". */
  condition: string | null;
}

/**
 * A trajectory ready to draw: the model's visual geoms and, for every frame
 * (the state before each step and after the last), each geom's world pose from
 * MuJoCo's kinematics. Poses are float32, base64-encoded (little-endian), so
 * they travel compactly over IPC and HTTP alike.
 */
export interface Replay {
  trajectoryId: number;
  env: string;
  frames: number;
  /** Simulated seconds per frame (the env's dt). */
  dt: number;
  geoms: VisualGeom[];
  /** frames × geoms × 3 floats. */
  positions: string;
  /** frames × geoms × 4 floats: each geom's orientation as a unit quaternion (w, x, y, z), MuJoCo's order. */
  quaternions: string;
  rewards: number[];
  return: number;
  /** Label of the trajectory (e.g. the evaluation mode) and its index in its dataset or run. */
  label: string;
  idx: number;
  /** Where it comes from, for the view's caption: the dataset's or run's name. */
  source: { datasetId: number | null; runId: number | null; name: string };
  end: EpisodeEnd;
  /** Index of the body whose geoms a following camera tracks (the torso, the cart). */
  trackBodyId: number;
}

export type EnvSummary = Pick<
  EnvSpec,
  'id' | 'obsDim' | 'actDim' | 'actLow' | 'actHigh' | 'frameSkip' | 'dt' | 'maxEpisodeSteps' | 'description' | 'rewardTerms'
>;

export interface SystemInfo {
  appVersion: string;
  mujocoVersion: string;
  node: string;
  platform: string;
  cpus: number;
  dataFolder: string;
}

export interface QueueState {
  paused: boolean;
  concurrency: number;
  autoResume: boolean;
  /** Where runs queued without an executor setting execute. */
  executor: ExecutorSetting;
  running: number;
  queued: number;
}

/** One line of a run's log, numbered from 0 in the order it was reported. */
export interface RunLogLine {
  index: number;
  /** ms since the epoch, on the coordinator's clock. */
  time: number;
  level: 'info' | 'warn';
  message: string;
}

export interface PresetInfo {
  file: string;
  kind: string;
  name: string;
}

const id = z.int({ error: 'expected an integer id' }).positive();
const empty = z.object({}).strict();
const tag = z.string().trim().min(1, { error: 'a tag cannot be empty' }).max(60).regex(/^[^,]+$/, { error: 'a tag cannot contain a comma' });

export const apiRequestSchemas = {
  listEnvs: empty,
  systemInfo: empty,
  listRuns: z
    .object({
      status: z.array(z.enum(RUN_STATUSES)).optional(),
      sweepId: id.optional(),
      limit: z.int().min(1).max(1000).default(100),
      offset: z.int().min(0).default(0),
    })
    .strict(),
  getRun: z.object({ id }).strict(),
  /** executor: where the run executes (validated against executorSettingSchema); absent: the queue's default. */
  queueRun: z.object({ config: z.unknown(), name: z.string().max(200).optional(), priority: z.int().min(-1000).max(1000).optional(), executor: z.unknown().optional() }).strict(),
  queueSweep: z.object({ spec: z.unknown(), executor: z.unknown().optional() }).strict(),
  cancelRun: z.object({ id }).strict(),
  retryRun: z.object({ id }).strict(),
  resumeRun: z.object({ id }).strict(),
  deleteRun: z.object({ id }).strict(),
  setRunPriority: z.object({ id, priority: z.int().min(-1000).max(1000) }).strict(),
  getQueue: empty,
  pauseQueue: empty,
  resumeQueue: empty,
  configureQueue: z.object({ concurrency: z.int().min(1).max(256).optional(), autoResume: z.boolean().optional(), executor: z.unknown().optional() }).strict(),
  listMetricNames: z.object({ runId: id }).strict(),
  getMetrics: z
    .object({
      runId: id,
      names: z.array(z.string().min(1).max(200)).min(1).max(50),
      sinceStep: z.int().min(0).optional(),
      /** Last iteration to include (with sinceStep: the zoomed range, downsampled at the full budget). */
      untilStep: z.int().min(0).optional(),
      maxPoints: z.int().min(3).max(100_000).optional(),
      raw: z.boolean().optional(),
    })
    .strict(),
  listDatasets: empty,
  listTrajectories: z.union([z.object({ datasetId: id }).strict(), z.object({ runId: id }).strict()], { error: 'give datasetId or runId' }),
  getReplay: z.object({ trajectoryId: id }).strict(),
  recordEpisode: z
    .object({
      runId: id,
      /** A checkpoint's iteration; without it, the run's final policy. */
      checkpoint: z.int({ error: 'expected an integer iteration' }).min(0).optional(),
      mode: z.enum(['deterministic', 'stochastic'], { error: 'expected deterministic or stochastic' }).default('deterministic'),
      seed: z.int({ error: 'expected an integer seed' }).min(0).max(2 ** 31 - 1).default(0),
    })
    .strict(),
  listSweeps: empty,
  listPresets: empty,
  resultsTable: z.object({ sweepId: id.optional() }).strict(),
  exportResultsCsv: z.object({ sweepId: id.optional() }).strict(),
  exportMetricsCsv: z.object({ runId: id }).strict(),
  exportDatasetNpz: z.object({ datasetId: id }).strict(),
  importDatasetNpz: z
    .object({
      env: z.string(),
      name: z.string().min(1).max(200).optional(),
      /** The .npz file, base64-encoded. */
      data: z.base64({ error: 'expected the file as base64' }),
    })
    .strict(),
  // Experiment builder (New experiment page): generated forms and a dry run of a sweep.
  getConfigSchemas: empty,
  previewSweep: z.object({ spec: z.unknown() }).strict(),
  listSweepPresets: empty,
  // ---- pages of the app (runs, run detail, compare): logs and tags ----
  getRunLog: z.object({ runId: id, since: z.int().min(0).default(0), limit: z.int().min(1).max(10_000).default(1000) }).strict(),
  listTags: empty,
  setRunTags: z
    .object({
      id,
      add: z.array(tag).max(50).default([]),
      remove: z.array(tag).max(50).default([]),
    })
    .strict(),
} as const;

export type ApiMethod = keyof typeof apiRequestSchemas;
export type ApiRequest<M extends ApiMethod> = z.input<(typeof apiRequestSchemas)[M]>;
export type ApiParsedRequest<M extends ApiMethod> = z.output<(typeof apiRequestSchemas)[M]>;

export interface ApiResponses {
  listEnvs: EnvSummary[];
  systemInfo: SystemInfo;
  listRuns: { runs: RunRow[]; total: number };
  getRun: RunDetail;
  queueRun: { id: number };
  queueSweep: { sweepId: number; runIds: number[] };
  cancelRun: { ok: true };
  retryRun: { id: number };
  resumeRun: { ok: true };
  deleteRun: { ok: true };
  setRunPriority: { ok: true };
  getQueue: QueueState;
  pauseQueue: QueueState;
  resumeQueue: QueueState;
  configureQueue: QueueState;
  listMetricNames: string[];
  getMetrics: MetricSeries[];
  listDatasets: DatasetRow[];
  listTrajectories: TrajectoryRow[];
  getReplay: Replay;
  /** Waits for the episode's eval run (queued first in line) to finish. */
  recordEpisode: { runId: number; trajectoryId: number };
  listSweeps: { id: number; name: string; createdAt: number; runs: number }[];
  listPresets: PresetInfo[];
  resultsTable: ResultsTable;
  exportResultsCsv: { fileName: string; csv: string };
  exportMetricsCsv: { fileName: string; csv: string; rows: number };
  exportDatasetNpz: { fileName: string; base64: string };
  importDatasetNpz: { id: number; trajectories: number; steps: number; meanReturn: number; stdReturn: number };
  // Experiment builder.
  getConfigSchemas: ConfigSchemas;
  previewSweep: SweepPreview;
  /** The shipped sweep presets (resources/presets/sweeps), with their specs. */
  listSweepPresets: { file: string; name: string; spec: Record<string, unknown> }[];
  /** `total` = lines so far; ask again with since = total for what is new. */
  getRunLog: { lines: RunLogLine[]; total: number };
  listTags: { tag: string; runIds: number[] }[];
  setRunTags: { tags: string[] };
}

export type Api = { [M in ApiMethod]: (request: ApiRequest<M>) => Promise<ApiResponses[M]> };

export const API_METHODS = Object.keys(apiRequestSchemas) as ApiMethod[];

export interface ApiEvents {
  runChanged: RunRow;
  metricsAppended: { runId: number; iteration: number; envSteps: number };
  queueChanged: QueueState;
  runDeleted: { id: number };
}

export type ApiEventName = keyof ApiEvents;
export const API_EVENTS: readonly ApiEventName[] = ['runChanged', 'metricsAppended', 'queueChanged', 'runDeleted'];

/** Subscribes to backend events; returns the unsubscribe function. */
export type Subscribe = <E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void) => () => void;

/** What the renderer gets from whichever shell it runs in. */
export interface Backend {
  api: Api;
  subscribe: Subscribe;
}

/** The Electron IPC channel of a method or event; the only place channel names are made. */
export function ipcChannel(name: ApiMethod | ApiEventName): string {
  return `imlab:${name}`;
}
