/**
 * Generalised advantage estimation over a rollout of T steps × N envs
 * (row t holds the N envs' step t). Episodes end two ways: termination (the
 * value after it is 0) and truncation by the time limit (the episode could
 * have gone on, so bootstrap from V of its final observation).
 */
export interface GaeInput {
  readonly steps: number;
  readonly numEnvs: number;
  readonly rewards: ArrayLike<number>;
  /** V(s_t) for every step. */
  readonly values: ArrayLike<number>;
  readonly terminated: ArrayLike<number>;
  readonly truncated: ArrayLike<number>;
  /** V(final observation) where a step was truncated (other entries unused). */
  readonly truncationValues: ArrayLike<number>;
  /** V of each env's observation after the last step (bootstraps the unfinished episodes). */
  readonly lastValues: ArrayLike<number>;
  readonly gamma: number;
  readonly lambda: number;
}

export interface GaeOutput {
  advantages: Float64Array;
  /** advantages + values: the value function's regression targets. */
  returns: Float64Array;
}

export function computeGae(g: GaeInput): GaeOutput {
  const { steps: T, numEnvs: N, gamma, lambda } = g;
  const advantages = new Float64Array(T * N);
  const returns = new Float64Array(T * N);
  for (let e = 0; e < N; e++) {
    let nextAdv = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = t * N + e;
      let nextValue: number;
      let carry: number;
      if (g.terminated[i]) {
        nextValue = 0;
        carry = 0;
      } else if (g.truncated[i]) {
        nextValue = g.truncationValues[i];
        carry = 0;
      } else if (t === T - 1) {
        nextValue = g.lastValues[e];
        carry = 0;
      } else {
        nextValue = g.values[i + N];
        carry = nextAdv;
      }
      const delta = g.rewards[i] + gamma * nextValue - g.values[i];
      nextAdv = delta + gamma * lambda * carry;
      advantages[i] = nextAdv;
      returns[i] = nextAdv + g.values[i];
    }
  }
  return { advantages, returns };
}

/** (x − mean) / (std + 1e-8), in place; returns x. */
export function standardize(x: Float64Array): Float64Array {
  const n = x.length;
  if (n === 0) return x;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const std = Math.sqrt(v / n);
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / (std + 1e-8);
  return x;
}
