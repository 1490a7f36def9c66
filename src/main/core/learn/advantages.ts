/**
 * Values and GAE for a rollout, with the value function evaluated on the
 * policy's current observation normaliser (before it is updated with this
 * batch, as baselines does).
 */
import { computeGae, type GaeOutput } from './gae';
import type { GaussianPolicy } from './policy';
import type { Rollout } from './rollout';
import type { PhaseTimer } from './timing';
import type { ValueFunction } from './valueFunction';

export interface Advantages extends GaeOutput {
  values: Float32Array;
}

export function rolloutAdvantages(
  rollout: Rollout,
  rewards: Float64Array,
  policy: GaussianPolicy,
  value: ValueFunction,
  gamma: number,
  lambda: number,
  timer: PhaseTimer,
): Advantages {
  const { steps, numEnvs, obsDim } = rollout;
  const rows = steps * numEnvs;
  return timer.time('valueForward', () => {
    const norm = policy.obsNorm;
    const values = value.predict(norm.normalize(rollout.obs, rows), rows);
    const truncRows: number[] = [];
    for (let i = 0; i < rows; i++) if (rollout.truncated[i] && !rollout.terminated[i]) truncRows.push(i);
    const truncationValues = new Float64Array(rows);
    if (truncRows.length > 0) {
      const x = new Float32Array(truncRows.length * obsDim);
      truncRows.forEach((row, k) => norm.normalizeRow(rollout.finalObs, row * obsDim, x, k * obsDim));
      const v = value.predict(x, truncRows.length);
      truncRows.forEach((row, k) => (truncationValues[row] = v[k]));
    }
    const lastValues = value.predict(norm.normalize(rollout.lastObs, numEnvs), numEnvs);
    const gae = computeGae({
      steps,
      numEnvs,
      rewards,
      values,
      terminated: rollout.terminated,
      truncated: rollout.truncated,
      truncationValues,
      lastValues,
      gamma,
      lambda,
    });
    return { ...gae, values };
  });
}

/** 1 − Var(returns − values) / Var(returns): how much of the return the value function explains. */
export function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>): number {
  const n = returns.length;
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i];
    md += returns[i] - values[i];
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i] - mr) ** 2;
    vd += (returns[i] - values[i] - md) ** 2;
  }
  return vr === 0 ? 0 : 1 - vd / vr;
}
