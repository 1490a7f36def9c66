/**
 * Collects a fixed number of steps from a vector env with a Gaussian policy.
 * The policy acts row by row through its JS forward (no tfjs dispatch per env
 * step); values and discriminator rewards are computed afterwards, batched.
 * Sampled actions are kept for the policy's log-probabilities; the env gets
 * them clipped to the action box, and those executed actions are what a
 * discriminator or a dataset sees.
 */
import type { Rng } from '../math/rng';
import type { VecEnv } from '../sim/vecEnv';
import type { GaussianPolicy } from './policy';
import type { PhaseTimer } from './timing';

export interface Rollout {
  readonly steps: number;
  readonly numEnvs: number;
  readonly obsDim: number;
  readonly actDim: number;
  /** (steps·numEnvs) × obsDim: the observation each action was taken in; row t·N + e. */
  readonly obs: Float64Array;
  /** Sampled actions (before clipping). */
  readonly actions: Float64Array;
  /** Actions as executed (clipped to the box). */
  readonly envActions: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** The last observation of an episode that ended at that step. */
  readonly finalObs: Float64Array;
  /** numEnvs × obsDim: observations after the last step. */
  readonly lastObs: Float64Array;
  /** Returns and lengths of the episodes that finished during this rollout. */
  episodeReturns: number[];
  episodeLengths: number[];
}

export class RolloutCollector {
  readonly rollout: Rollout;
  private readonly stepActions: Float64Array;

  constructor(
    private readonly vec: VecEnv,
    private readonly policy: GaussianPolicy,
    private readonly rng: Rng,
    steps: number,
    private readonly clipActions = true,
  ) {
    const { obsDim, actDim } = vec.spec;
    const n = vec.numEnvs;
    const rows = steps * n;
    this.rollout = {
      steps,
      numEnvs: n,
      obsDim,
      actDim,
      obs: new Float64Array(rows * obsDim),
      actions: new Float64Array(rows * actDim),
      envActions: new Float64Array(rows * actDim),
      rewards: new Float64Array(rows),
      terminated: new Uint8Array(rows),
      truncated: new Uint8Array(rows),
      finalObs: new Float64Array(rows * obsDim),
      lastObs: new Float64Array(n * obsDim),
      episodeReturns: [],
      episodeLengths: [],
    };
    this.stepActions = new Float64Array(n * actDim);
  }

  /** Fills the rollout buffers (overwriting the previous rollout) and returns them. */
  collect(timer: PhaseTimer, deterministic = false): Rollout {
    const r = this.rollout;
    const { vec, policy, rng } = this;
    const { obsDim, actDim } = r;
    const n = r.numEnvs;
    const low = vec.spec.actLow;
    const high = vec.spec.actHigh;
    r.episodeReturns = [];
    r.episodeLengths = [];
    for (let t = 0; t < r.steps; t++) {
      const t0 = performance.now();
      for (let e = 0; e < n; e++) {
        const row = t * n + e;
        for (let k = 0; k < obsDim; k++) r.obs[row * obsDim + k] = vec.obs[e * obsDim + k];
        policy.act(vec.obs, e * obsDim, rng, deterministic, r.actions, row * actDim);
        for (let j = 0; j < actDim; j++) {
          const a = r.actions[row * actDim + j];
          const clipped = this.clipActions ? (a < low[j] ? low[j] : a > high[j] ? high[j] : a) : a;
          r.envActions[row * actDim + j] = clipped;
          this.stepActions[e * actDim + j] = clipped;
        }
      }
      const t1 = performance.now();
      vec.step(this.stepActions);
      const t2 = performance.now();
      timer.add('policyForward', (t1 - t0) / 1000);
      timer.add('physics', (t2 - t1) / 1000);
      for (let e = 0; e < n; e++) {
        const row = t * n + e;
        r.rewards[row] = vec.rewards[e];
        r.terminated[row] = vec.terminated[e];
        r.truncated[row] = vec.truncated[e];
        if (vec.terminated[e] || vec.truncated[e]) {
          r.finalObs.set(vec.finalObs.subarray(e * obsDim, (e + 1) * obsDim), row * obsDim);
          r.episodeReturns.push(vec.episodeReturn[e]);
          r.episodeLengths.push(vec.episodeLength[e]);
        }
      }
    }
    r.lastObs.set(vec.obs);
    return r;
  }
}
