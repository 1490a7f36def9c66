/**
 * Reward scaling by the running std of the discounted return (Gymnasium's
 * NormalizeReward, as CleanRL's PPO uses it; Engstrom et al. 2020 count it
 * among the code-level choices PPO's MuJoCo results depend on): per env a
 * discounted return G ← γ·G + r (reset when an episode ends), its variance
 * tracked over every step, and r / √(var + 1e-8) clipped to ±clip given to the
 * optimiser. Only the learner sees scaled rewards; logged returns stay true.
 */
import { RunningNorm, type RunningNormState } from '../math/runningNorm';

export interface ReturnScalerState {
  returns: number[];
  norm: RunningNormState;
}

export class ReturnScaler {
  private readonly returns: Float64Array;
  private readonly norm = new RunningNorm(1, Infinity, 0);

  constructor(
    readonly numEnvs: number,
    readonly gamma: number,
    readonly clip: number,
  ) {
    this.returns = new Float64Array(numEnvs);
  }

  /** Scaled copies of a rollout's rewards (rows t·N + e), advancing the running statistics. */
  scale(rewards: Float64Array, terminated: Uint8Array, truncated: Uint8Array): Float64Array {
    const n = this.numEnvs;
    const steps = rewards.length / n;
    const out = new Float64Array(rewards.length);
    for (let t = 0; t < steps; t++) {
      for (let e = 0; e < n; e++) this.returns[e] = this.gamma * this.returns[e] + rewards[t * n + e];
      this.norm.update(this.returns, n);
      const inv = 1 / Math.sqrt(this.norm.var[0] + 1e-8);
      for (let e = 0; e < n; e++) {
        const i = t * n + e;
        const r = rewards[i] * inv;
        out[i] = r > this.clip ? this.clip : r < -this.clip ? -this.clip : r;
        if (terminated[i] || truncated[i]) this.returns[e] = 0;
      }
    }
    return out;
  }

  getState(): ReturnScalerState {
    return { returns: Array.from(this.returns), norm: this.norm.getState() };
  }

  setState(s: ReturnScalerState): void {
    this.returns.set(s.returns);
    this.norm.setState(s.norm);
  }
}
