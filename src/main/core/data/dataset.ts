/**
 * Expert datasets: trajectories with per-step observations, executed actions,
 * true rewards, and the MuJoCo state (qpos, qvel: one row per step plus the
 * final state) for replay. Kept in memory as typed arrays.
 */
import { ImlabError } from '../../../shared/errors';
import { envSpec } from '../../../shared/envCatalog';

export interface Trajectory {
  /** length × obsDim */
  obs: Float32Array;
  /** length × actDim */
  actions: Float32Array;
  rewards: Float32Array;
  /** (length + 1) × nq: the state before each step and after the last. */
  qpos: Float64Array;
  /** (length + 1) × nv */
  qvel: Float64Array;
  /** Sum of the float64 rewards. */
  return: number;
  length: number;
  terminated: boolean;
}

export interface Dataset {
  env: string;
  obsDim: number;
  actDim: number;
  nq: number;
  nv: number;
  /** Where the data came from (e.g. the sampling policy and mode). */
  source: Record<string, string | number | boolean>;
  trajectories: Trajectory[];
}

export interface DatasetStats {
  trajectories: number;
  steps: number;
  meanReturn: number;
  stdReturn: number;
  meanLength: number;
}

export function datasetStats(d: Dataset): DatasetStats {
  const rets = d.trajectories.map((t) => t.return);
  const n = rets.length;
  const mean = n ? rets.reduce((a, b) => a + b, 0) / n : 0;
  const std = n ? Math.sqrt(rets.reduce((a, r) => a + (r - mean) ** 2, 0) / n) : 0;
  const steps = d.trajectories.reduce((a, t) => a + t.length, 0);
  return { trajectories: n, steps, meanReturn: mean, stdReturn: std, meanLength: n ? steps / n : 0 };
}

/**
 * Refuses a dataset that does not fit the environment, before any training:
 * the message names the array and the sizes.
 */
export function checkDatasetFitsEnv(d: Dataset, envId: string, field = 'dataset'): void {
  const spec = envSpec(envId);
  if (d.env !== spec.id) {
    throw new ImlabError('invalid_input', `${field} was recorded on ${d.env}, not ${spec.id}.`, field);
  }
  if (d.obsDim !== spec.obsDim) {
    throw new ImlabError('invalid_input', `${field}: obs has ${d.obsDim} columns but ${spec.id} observations have ${spec.obsDim}.`, field);
  }
  if (d.actDim !== spec.actDim) {
    throw new ImlabError('invalid_input', `${field}: actions have ${d.actDim} columns but ${spec.id} actions have ${spec.actDim}.`, field);
  }
  d.trajectories.forEach((t, i) => {
    if (t.obs.length !== t.length * d.obsDim || t.actions.length !== t.length * d.actDim) {
      throw new ImlabError('invalid_input', `${field}: trajectory ${i} has arrays inconsistent with its length ${t.length}.`, field);
    }
  });
}

export interface ExpertPairs {
  obs: Float32Array;
  actions: Float32Array;
  count: number;
}

/**
 * State-action pairs of the first k trajectories, keeping every n-th pair of
 * each trajectory from a random offset (the GAIL paper's subsampling).
 */
export function expertPairs(d: Dataset, k: number, every: number, randomInt: (n: number) => number, field = 'trajectories'): ExpertPairs {
  if (k > d.trajectories.length) {
    throw new ImlabError('invalid_input', `${field} is ${k} but the dataset has only ${d.trajectories.length} trajectories.`, field);
  }
  const picked: [Trajectory, number][] = [];
  let count = 0;
  for (const t of d.trajectories.slice(0, k)) {
    const offset = every > 1 ? randomInt(Math.min(every, t.length)) : 0;
    picked.push([t, offset]);
    for (let s = offset; s < t.length; s += every) count++;
  }
  const obs = new Float32Array(count * d.obsDim);
  const actions = new Float32Array(count * d.actDim);
  let row = 0;
  for (const [t, offset] of picked) {
    for (let s = offset; s < t.length; s += every) {
      obs.set(t.obs.subarray(s * d.obsDim, (s + 1) * d.obsDim), row * d.obsDim);
      actions.set(t.actions.subarray(s * d.actDim, (s + 1) * d.actDim), row * d.actDim);
      row++;
    }
  }
  return { obs, actions, count };
}
