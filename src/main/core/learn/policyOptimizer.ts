import type { Rollout } from './rollout';
import type { PhaseTimer } from './timing';

/** An on-policy optimiser (TRPO or PPO): turns a rollout and its rewards into a policy update. */
export interface PolicyOptimizer {
  /** Rollout length per env for one update. */
  readonly stepsPerEnv: number;
  /**
   * Updates policy (and value function) from the rollout with `rewards`
   * (the true ones, or GAIL's). `progress` ∈ [0, 1] is the share of the run done.
   */
  update(rollout: Rollout, rewards: Float64Array, timer: PhaseTimer, progress: number): Record<string, number>;
  getState(): unknown;
  setState(state: unknown): void;
  dispose(): void;
}
