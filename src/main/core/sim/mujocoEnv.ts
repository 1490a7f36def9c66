/**
 * One environment instance with Gymnasium v5 semantics: set ctrl to the action,
 * run frame_skip mj_step calls, (mj_rnePostConstraint where the task reads
 * contact forces), then observation, reward terms, termination and the
 * 1000-step truncation. The hot path allocates nothing: observation, reward
 * terms and the step result are buffers overwritten by every step.
 */
import { ImlabError } from '../../../shared/errors';
import type { EnvSpec } from '../../../shared/envCatalog';
import { Rng, type RngState } from '../math/rng';
import { checkAction } from './actionCheck';
import { DataViews } from './dataViews';
import type { MjData } from './mujoco';
import type { SimModel } from './simModel';

/** Everything needed to continue an env exactly where it was (for checkpoints). */
export interface EnvState {
  qpos: number[];
  qvel: number[];
  /** The solver's warm start: part of MuJoCo's integration state. */
  warmstart: number[];
  ctrl: number[];
  time: number;
  /** The current observation; for some tasks it cannot be recomputed from qpos/qvel. */
  obs: number[];
  elapsedSteps: number;
  rng: RngState;
}

export interface StepResult {
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

export class MujocoEnv {
  readonly spec: EnvSpec;
  /** The current observation, overwritten in place by reset() and step(). */
  readonly obs: Float64Array;
  /** The last step's reward terms, in spec.rewardTerms order. */
  readonly terms: Float64Array;
  /** The last step's result; the same object is reused by every step. */
  readonly result: StepResult = { reward: 0, terminated: false, truncated: false };
  elapsedSteps = 0;

  readonly data: MjData;
  readonly views: DataViews;
  private rng: Rng;
  private readonly before = new Float64Array(4);
  private disposed = false;

  /**
   * @param obsOut where to keep the observation (e.g. a row of a vector env's
   *   batch), so batching needs no copy.
   */
  constructor(
    readonly sim: SimModel,
    seed: number,
    obsOut?: Float64Array,
  ) {
    this.spec = sim.spec;
    this.obs = obsOut ?? new Float64Array(sim.spec.obsDim);
    if (this.obs.length !== sim.spec.obsDim) throw new Error(`obs buffer has ${this.obs.length} entries, need ${sim.spec.obsDim}`);
    this.terms = new Float64Array(sim.spec.rewardTerms.length);
    this.rng = new Rng(seed);
    this.data = new sim.mj.MjData(sim.model);
    this.views = new DataViews(this.data);
  }

  /** Starts an episode from init state + reset noise. A seed restarts the noise stream, as Gymnasium's reset(seed=…). */
  reset(seed?: number): Float64Array {
    if (seed !== undefined) this.rng = new Rng(seed);
    const { initQpos, initQvel, task, spec } = this.sim;
    const s = spec.resetNoiseScale;
    this.sim.mj.mj_resetData(this.sim.model, this.data);
    this.views.ensureFresh();
    const { qpos, qvel } = this.views;
    for (let i = 0; i < qpos.length; i++) qpos[i] = initQpos[i] + this.rng.uniform(-s, s);
    if (task.qvelNoise === 'uniform') {
      for (let i = 0; i < qvel.length; i++) qvel[i] = initQvel[i] + this.rng.uniform(-s, s);
    } else {
      for (let i = 0; i < qvel.length; i++) qvel[i] = initQvel[i] + s * this.rng.normal();
    }
    return this.finishReset();
  }

  /**
   * Starts an episode from a given state, as a fresh reset followed by
   * Gymnasium's set_state(qpos, qvel): ctrl, warm start and contact forces are
   * zero, and only mj_forward has run.
   */
  resetTo(qpos: ArrayLike<number>, qvel: ArrayLike<number>): Float64Array {
    this.checkState(qpos, qvel);
    this.sim.mj.mj_resetData(this.sim.model, this.data);
    this.views.ensureFresh();
    this.views.qpos.set(qpos);
    this.views.qvel.set(qvel);
    return this.finishReset();
  }

  /**
   * Advances one env step with `action` (actDim finite numbers). The action is
   * validated before anything is written to MuJoCo; returns the reused result.
   */
  step(action: ArrayLike<number>): StepResult {
    checkAction(action, this.spec.actDim, this.spec.id);
    return this.advance(action, 0);
  }

  /**
   * step() without validation, reading the action from `actions[offset..]`:
   * for callers that validated a whole batch at once (VecEnv).
   */
  advance(actions: ArrayLike<number>, offset: number): StepResult {
    const { sim, views: v, spec } = this;
    const { mj, model, task, constants } = sim;
    const actDim = spec.actDim;
    v.ensureFresh();
    task.recordBefore(v, constants, this.before);
    const ctrl = v.ctrl;
    for (let i = 0; i < actDim; i++) ctrl[i] = actions[offset + i];
    for (let k = 0; k < spec.frameSkip; k++) mj.mj_step(model, this.data);
    if (task.needsPostConstraint) mj.mj_rnePostConstraint(model, this.data);
    v.ensureFresh();
    task.observe(v, this.obs, 0);
    const healthy = task.isHealthy(v);
    const r = this.result;
    r.terminated = spec.canTerminate && !healthy;
    r.reward = task.reward(v, constants, actions, offset, this.before, healthy, this.terms);
    this.elapsedSteps++;
    r.truncated = this.elapsedSteps >= spec.maxEpisodeSteps;
    return r;
  }

  /** The observation of the current state, computed afresh (as Gymnasium's _get_obs()). */
  observe(out: Float64Array = new Float64Array(this.spec.obsDim)): Float64Array {
    this.views.ensureFresh();
    this.sim.task.observe(this.views, out, 0);
    return out;
  }

  getState(): EnvState {
    const v = this.views;
    v.ensureFresh();
    return {
      qpos: Array.from(v.qpos),
      qvel: Array.from(v.qvel),
      warmstart: Array.from(v.qaccWarmstart),
      ctrl: Array.from(v.ctrl),
      time: this.data.time,
      obs: Array.from(this.obs),
      elapsedSteps: this.elapsedSteps,
      rng: this.rng.getState(),
    };
  }

  /** Restores a getState() snapshot: the next step is bit-identical to the original's. */
  setState(s: EnvState): void {
    this.checkState(s.qpos, s.qvel);
    this.sim.mj.mj_resetData(this.sim.model, this.data);
    const v = this.views;
    v.ensureFresh();
    v.qpos.set(s.qpos);
    v.qvel.set(s.qvel);
    v.qaccWarmstart.set(s.warmstart);
    v.ctrl.set(s.ctrl);
    this.data.time = s.time;
    this.sim.mj.mj_forward(this.sim.model, this.data);
    this.obs.set(s.obs);
    this.elapsedSteps = s.elapsedSteps;
    this.rng = Rng.fromState(s.rng);
  }

  /** Reward terms by name, from the last step. */
  termsByName(): Record<string, number> {
    const out: Record<string, number> = {};
    this.spec.rewardTerms.forEach((name, i) => (out[name] = this.terms[i]));
    return out;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.data.delete();
  }

  private finishReset(): Float64Array {
    this.sim.mj.mj_forward(this.sim.model, this.data);
    this.elapsedSteps = 0;
    this.views.ensureFresh();
    this.sim.task.observe(this.views, this.obs, 0);
    return this.obs;
  }

  private checkState(qpos: ArrayLike<number>, qvel: ArrayLike<number>): void {
    const { nq, nv, spec } = this.sim;
    if (qpos.length !== nq) throw new ImlabError('invalid_state', `qpos must have ${nq} numbers for ${spec.id}, got ${qpos.length}.`, 'qpos');
    if (qvel.length !== nv) throw new ImlabError('invalid_state', `qvel must have ${nv} numbers for ${spec.id}, got ${qvel.length}.`, 'qvel');
    for (const [name, arr] of [['qpos', qpos], ['qvel', qvel]] as const) {
      for (let i = 0; i < arr.length; i++) {
        if (typeof arr[i] !== 'number' || !Number.isFinite(arr[i])) {
          throw new ImlabError('invalid_state', `${name}[${i}] is ${String(arr[i])}; state entries must be finite numbers.`, name);
        }
      }
    }
  }
}
