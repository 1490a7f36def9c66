/**
 * N environments of one task stepped together with one batched action array.
 * Finished episodes reset automatically; the observation that ended them is
 * kept in finalObs (a learner bootstraps from it on truncation). All outputs
 * are preallocated buffers overwritten by each step.
 *
 * Stepping stays on one thread: the queue already runs one training run per
 * core, so threads inside a run would compete with other runs for 2 cores.
 */
import type { EnvSpec } from '../../../shared/envCatalog';
import { ImlabError } from '../../../shared/errors';
import { checkFinite } from './actionCheck';
import { MujocoEnv, type EnvState } from './mujocoEnv';
import { SimModel } from './simModel';

export interface VecEnvState {
  envs: EnvState[];
  runningReturn: number[];
}

export class VecEnv {
  readonly spec: EnvSpec;
  readonly envs: readonly MujocoEnv[];
  /** numEnvs × obsDim: the observation each env is in now (a new episode's first after a reset). */
  readonly obs: Float64Array;
  /** numEnvs × obsDim: for envs whose episode just ended, its last observation. */
  readonly finalObs: Float64Array;
  readonly rewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** For envs whose episode just ended: its return and length. */
  readonly episodeReturn: Float64Array;
  readonly episodeLength: Int32Array;
  private readonly runningReturn: Float64Array;
  private readonly ownsModel: boolean;

  constructor(
    readonly sim: SimModel,
    readonly numEnvs: number,
    seed: number,
    ownsModel = false,
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) {
      throw new ImlabError('invalid_input', `numEnvs must be a positive integer, got ${numEnvs}.`, 'numEnvs');
    }
    this.spec = sim.spec;
    this.ownsModel = ownsModel;
    const d = this.spec.obsDim;
    this.obs = new Float64Array(numEnvs * d);
    this.finalObs = new Float64Array(numEnvs * d);
    this.rewards = new Float64Array(numEnvs);
    this.terminated = new Uint8Array(numEnvs);
    this.truncated = new Uint8Array(numEnvs);
    this.episodeReturn = new Float64Array(numEnvs);
    this.episodeLength = new Int32Array(numEnvs);
    this.runningReturn = new Float64Array(numEnvs);
    // Env i gets seed + i, as Gymnasium's vector envs do.
    this.envs = Array.from({ length: numEnvs }, (_, i) => new MujocoEnv(sim, seed + i, this.obs.subarray(i * d, (i + 1) * d)));
  }

  /** Loads the task's model and builds `numEnvs` environments; dispose() frees both. */
  static async create(envId: string, numEnvs: number, seed: number): Promise<VecEnv> {
    const sim = await SimModel.load(envId);
    try {
      return new VecEnv(sim, numEnvs, seed, true);
    } catch (e) {
      sim.dispose();
      throw e;
    }
  }

  /** Resets every env (seeded from the constructor's seed on first use) and returns the batched observation. */
  reset(): Float64Array {
    for (const env of this.envs) env.reset();
    this.runningReturn.fill(0);
    return this.obs;
  }

  /** Steps every env with its row of `actions` (numEnvs × actDim). */
  step(actions: ArrayLike<number>): void {
    const { actDim, obsDim } = this.spec;
    const n = this.numEnvs;
    if (actions.length !== n * actDim) {
      throw new ImlabError(
        'invalid_action',
        `actions must have numEnvs × actDim = ${n} × ${actDim} = ${n * actDim} numbers for ${this.spec.id}, got ${actions.length}.`,
        'actions',
      );
    }
    checkFinite(actions, 0, n * actDim, 'actions');
    for (let i = 0; i < n; i++) {
      const env = this.envs[i];
      const r = env.advance(actions, i * actDim);
      this.rewards[i] = r.reward;
      this.terminated[i] = r.terminated ? 1 : 0;
      this.truncated[i] = r.truncated ? 1 : 0;
      this.runningReturn[i] += r.reward;
      if (r.terminated || r.truncated) {
        this.finalObs.set(env.obs, i * obsDim);
        this.episodeReturn[i] = this.runningReturn[i];
        this.episodeLength[i] = env.elapsedSteps;
        this.runningReturn[i] = 0;
        env.reset();
      }
    }
  }

  getState(): VecEnvState {
    return { envs: this.envs.map((e) => e.getState()), runningReturn: Array.from(this.runningReturn) };
  }

  setState(s: VecEnvState): void {
    if (s.envs.length !== this.numEnvs) throw new Error(`checkpoint has ${s.envs.length} envs, this run has ${this.numEnvs}`);
    s.envs.forEach((e, i) => this.envs[i].setState(e));
    this.runningReturn.set(s.runningReturn);
  }

  dispose(): void {
    for (const env of this.envs) env.dispose();
    if (this.ownsModel) this.sim.dispose();
  }
}
