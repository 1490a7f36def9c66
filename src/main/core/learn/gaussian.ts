/**
 * Diagonal Gaussian policy math in float64 on rows of means (n × d) and one
 * state-independent log-std vector: log-probability and its gradient,
 * entropy, KL. TRPO (trpoUpdate.ts) and PPO (ppo.ts) both use these; the
 * formulas are written out in docs/algorithms.md ("Gaussian policy").
 */
const LOG_2PI = Math.log(2 * Math.PI);

/** log N(a | μ, diag σ²) for each row. */
export function logProb(actions: ArrayLike<number>, means: ArrayLike<number>, logStd: ArrayLike<number>, n: number, out = new Float64Array(n)): Float64Array {
  const d = logStd.length;
  let sumLogStd = 0;
  for (let j = 0; j < d; j++) sumLogStd += logStd[j];
  const base = -sumLogStd - 0.5 * d * LOG_2PI;
  for (let r = 0; r < n; r++) {
    let q = 0;
    for (let j = 0; j < d; j++) {
      const z = (actions[r * d + j] - means[r * d + j]) / Math.exp(logStd[j]);
      q += z * z;
    }
    out[r] = base - 0.5 * q;
  }
  return out;
}

/**
 * log N(a | μ, diag σ²) of one row, summed term by term (−½z² − log σ per
 * dimension, then −½·d·log 2π). The same value as logProb's row up to
 * rounding; PPO's minibatch step uses this order, and keeping it keeps PPO's
 * numbers those of the runs already stored.
 */
export function logProbRow(actions: ArrayLike<number>, means: ArrayLike<number>, logStd: ArrayLike<number>, row: number): number {
  const d = logStd.length;
  let lp = 0;
  for (let j = 0; j < d; j++) {
    const z = (actions[row * d + j] - means[row * d + j]) / Math.exp(logStd[j]);
    lp += -0.5 * z * z - logStd[j];
  }
  return lp - 0.5 * d * LOG_2PI;
}

/** 1/σ² per dimension. */
export function inverseVariance(logStd: ArrayLike<number>): Float64Array {
  return Float64Array.from(logStd, (l) => Math.exp(-2 * l));
}

/**
 * The gradient of (weight / count) · log N(a | μ, diag σ²) for one row:
 * ∂/∂μ_j = (a_j − μ_j)/σ_j² is written to that row of `dMean` (for the mean
 * MLP's reverse pass), ∂/∂log σ_j = (a_j − μ_j)²/σ_j² − 1 is added to
 * `dLogStd`. Dividing by `count` last lets a caller average over rows with
 * one rounding per term.
 */
export function addLogProbGradient(
  actions: ArrayLike<number>,
  means: ArrayLike<number>,
  invVar: ArrayLike<number>,
  row: number,
  weight: number,
  count: number,
  dMean: Float32Array,
  dLogStd: Float64Array,
): void {
  const d = invVar.length;
  for (let j = 0; j < d; j++) {
    const diff = actions[row * d + j] - means[row * d + j];
    dMean[row * d + j] = (weight * diff * invVar[j]) / count;
    dLogStd[j] += (weight * (diff * diff * invVar[j] - 1)) / count;
  }
}

/** Entropy of N(·, diag σ²): Σ (log σ_j + ½ log 2πe). Its gradient w.r.t. each log σ_j is 1. */
export function entropy(logStd: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < logStd.length; j++) s += logStd[j] + 0.5 * (LOG_2PI + 1);
  return s;
}

/** Mean over rows of KL(old ‖ new). */
export function meanKl(
  oldMeans: ArrayLike<number>,
  oldLogStd: ArrayLike<number>,
  newMeans: ArrayLike<number>,
  newLogStd: ArrayLike<number>,
  n: number,
): number {
  const d = oldLogStd.length;
  let constant = 0;
  const inv2VarNew = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const varOld = Math.exp(2 * oldLogStd[j]);
    inv2VarNew[j] = 1 / (2 * Math.exp(2 * newLogStd[j]));
    constant += newLogStd[j] - oldLogStd[j] + varOld * inv2VarNew[j] - 0.5;
  }
  let quad = 0;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const dm = oldMeans[r * d + j] - newMeans[r * d + j];
      quad += dm * dm * inv2VarNew[j];
    }
  }
  return constant + quad / n;
}
