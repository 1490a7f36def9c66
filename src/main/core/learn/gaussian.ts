/**
 * Diagonal Gaussian policy math in float64 on rows of means (n × d) and one
 * state-independent log-std vector: log-probability, entropy, KL.
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

/** Entropy of N(·, diag σ²): Σ (log σ_j + ½ log 2πe). */
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
