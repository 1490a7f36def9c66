/**
 * Evaluation: run a policy for E whole episodes on its own env (seeded apart
 * from the training envs so evaluation never disturbs training) and report the
 * true return's mean and std; optionally keep the episodes as trajectories.
 */
import type { EvaluationResult } from '../../../shared/progress';
import type { Trajectory } from '../data/dataset';
import { Rng } from '../math/rng';
import { MujocoEnv } from '../sim/mujocoEnv';
import type { SimModel } from '../sim/simModel';
import type { GaussianPolicy } from './policy';

export interface EvaluateOptions {
  episodes: number;
  deterministic: boolean;
  seed: number;
  clipActions?: boolean;
  /** Keep every episode as a trajectory (obs, executed actions, rewards, states). */
  record?: boolean;
}

export interface Evaluation {
  result: EvaluationResult;
  trajectories: Trajectory[];
  envSteps: number;
}

export function evaluatePolicy(sim: SimModel, policy: GaussianPolicy, o: EvaluateOptions): Evaluation {
  const env = new MujocoEnv(sim, o.seed);
  const rng = new Rng(o.seed + 7919);
  const { obsDim, actDim, actLow, actHigh, maxEpisodeSteps } = sim.spec;
  const clip = o.clipActions ?? true;
  const action = new Float64Array(actDim);
  const returns: number[] = [];
  const lengths: number[] = [];
  const trajectories: Trajectory[] = [];
  let envSteps = 0;
  try {
    for (let ep = 0; ep < o.episodes; ep++) {
      env.reset();
      const rec = o.record ? new TrajectoryRecorder(obsDim, actDim, sim.nq, sim.nv, maxEpisodeSteps) : null;
      rec?.state(env);
      let ret = 0;
      let terminated = false;
      for (;;) {
        policy.act(env.obs, 0, rng, o.deterministic, action, 0);
        if (clip) for (let j = 0; j < actDim; j++) action[j] = Math.min(actHigh[j], Math.max(actLow[j], action[j]));
        rec?.step(env.obs, action);
        const r = env.step(action);
        rec?.afterStep(env, r.reward);
        ret += r.reward;
        envSteps++;
        if (r.terminated || r.truncated) {
          terminated = r.terminated;
          break;
        }
      }
      returns.push(ret);
      lengths.push(env.elapsedSteps);
      if (rec) trajectories.push(rec.finish(ret, terminated));
    }
  } finally {
    env.dispose();
  }
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / returns.length);
  return {
    result: { mode: o.deterministic ? 'deterministic' : 'stochastic', episodes: returns.length, mean, std, returns, lengths },
    trajectories,
    envSteps,
  };
}

/** Builds one trajectory step by step into arrays sized for a full episode. */
export class TrajectoryRecorder {
  private readonly obs: Float32Array;
  private readonly actions: Float32Array;
  private readonly rewards: Float32Array;
  private readonly qpos: Float64Array;
  private readonly qvel: Float64Array;
  private n = 0;

  constructor(
    private readonly obsDim: number,
    private readonly actDim: number,
    private readonly nq: number,
    private readonly nv: number,
    maxSteps: number,
  ) {
    this.obs = new Float32Array(maxSteps * obsDim);
    this.actions = new Float32Array(maxSteps * actDim);
    this.rewards = new Float32Array(maxSteps);
    this.qpos = new Float64Array((maxSteps + 1) * nq);
    this.qvel = new Float64Array((maxSteps + 1) * nv);
  }

  /** The state the episode starts from. */
  state(env: MujocoEnv): void {
    env.views.ensureFresh();
    this.qpos.set(env.views.qpos, 0);
    this.qvel.set(env.views.qvel, 0);
  }

  step(obs: ArrayLike<number>, action: ArrayLike<number>): void {
    this.obs.set(obs, this.n * this.obsDim);
    this.actions.set(action, this.n * this.actDim);
  }

  afterStep(env: MujocoEnv, reward: number): void {
    this.rewards[this.n] = reward;
    this.n++;
    env.views.ensureFresh();
    this.qpos.set(env.views.qpos, this.n * this.nq);
    this.qvel.set(env.views.qvel, this.n * this.nv);
  }

  finish(ret: number, terminated: boolean): Trajectory {
    const n = this.n;
    return {
      obs: this.obs.slice(0, n * this.obsDim),
      actions: this.actions.slice(0, n * this.actDim),
      rewards: this.rewards.slice(0, n),
      qpos: this.qpos.slice(0, (n + 1) * this.nq),
      qvel: this.qvel.slice(0, (n + 1) * this.nv),
      return: ret,
      length: n,
      terminated,
    };
  }
}
