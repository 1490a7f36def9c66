/**
 * What distinguishes one Gymnasium v5 task from another: its observation, its
 * reward terms and its health check. The stepping itself (ctrl, frame skip,
 * time limit, resets) is common and lives in MujocoEnv.
 */
import type { EnvSpec } from '../../../shared/envCatalog';
import type { DataViews } from './dataViews';

/** Per-model constants a task reads while computing rewards. */
export interface ModelConstants {
  readonly nbody: number;
  readonly timestep: number;
  readonly dt: number;
  readonly bodyMass: Float64Array;
  readonly totalMass: number;
}

export interface Task {
  readonly spec: EnvSpec;
  /**
   * Whether the observation or reward reads cfrc_ext. Gymnasium calls
   * mj_rnePostConstraint after every step; it writes only outputs (cacc,
   * cfrc_int, cfrc_ext), so tasks that never read them skip it.
   */
  readonly needsPostConstraint: boolean;
  /** Reset noise on qvel: uniform in ±scale, or scale × N(0, 1). */
  readonly qvelNoise: 'uniform' | 'normal';
  /** Saves into `before` what the reward needs from the state before the step (e.g. x position). */
  recordBefore(v: DataViews, m: ModelConstants, before: Float64Array): void;
  isHealthy(v: DataViews): boolean;
  /** Writes the reward terms in spec.rewardTerms order and returns the reward. */
  reward(
    v: DataViews,
    m: ModelConstants,
    action: ArrayLike<number>,
    actionOffset: number,
    before: Float64Array,
    healthy: boolean,
    terms: Float64Array,
  ): number;
  observe(v: DataViews, out: Float64Array, offset: number): void;
}

/** out[offset..] = src[from..to), returns the next offset. */
export function copyRange(src: Float64Array, from: number, to: number, out: Float64Array, offset: number): number {
  for (let i = from; i < to; i++) out[offset++] = src[i];
  return offset;
}

/** out[offset..] = clip(src[from..to), -bound, bound), returns the next offset. */
export function copyClipped(
  src: Float64Array,
  from: number,
  to: number,
  bound: number,
  out: Float64Array,
  offset: number,
): number {
  for (let i = from; i < to; i++) {
    const x = src[i];
    out[offset++] = x > bound ? bound : x < -bound ? -bound : x;
  }
  return offset;
}
