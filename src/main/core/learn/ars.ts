/**
 * Augmented Random Search's update (Mania, Guy & Recht 2018, Algorithm 2,
 * "V2-t"): of N random directions δₖ, each rolled out at θ + νδₖ and θ − νδₖ,
 * keep the b whose better return max(r₊, r₋) is highest and step
 *   θ ← θ + α / (b σ_R) Σₖ (r₊ₖ − r₋ₖ) δₖ,
 * σ_R the standard deviation of the 2b returns used. Dividing by σ_R keeps the
 * step's size steady while returns grow from hundreds to thousands.
 */

/** Indices of the b directions with the highest max(r₊, r₋), best first; ties keep the lower index first. */
export function topDirections(plus: ArrayLike<number>, minus: ArrayLike<number>, b: number): number[] {
  const n = plus.length;
  if (minus.length !== n) throw new Error(`${n} plus returns but ${minus.length} minus returns`);
  if (!Number.isInteger(b) || b < 1 || b > n) throw new Error(`top directions must be 1..${n}, got ${b}`);
  const best = (k: number) => Math.max(plus[k], minus[k]);
  return Array.from({ length: n }, (_, k) => k)
    .sort((i, j) => best(j) - best(i) || i - j)
    .slice(0, b);
}

/** Population standard deviation of the returns of the directions in `top`, both signs. */
export function returnsStd(plus: ArrayLike<number>, minus: ArrayLike<number>, top: readonly number[]): number {
  let mean = 0;
  for (const k of top) mean += plus[k] + minus[k];
  mean /= 2 * top.length;
  let ss = 0;
  for (const k of top) ss += (plus[k] - mean) ** 2 + (minus[k] - mean) ** 2;
  return Math.sqrt(ss / (2 * top.length));
}

/**
 * Applies the update to `theta` in place. `deltas` holds N directions of
 * theta.length entries each, row after row. When the returns used are all
 * equal (σ_R = 0) they carry no direction and θ stays. Returns σ_R and the
 * step's Euclidean norm.
 */
export function arsStep(
  theta: Float64Array,
  deltas: Float64Array,
  plus: ArrayLike<number>,
  minus: ArrayLike<number>,
  top: readonly number[],
  stepSize: number,
): { rewardStd: number; stepNorm: number } {
  const p = theta.length;
  if (deltas.length !== plus.length * p) throw new Error(`deltas hold ${deltas.length} numbers, expected ${plus.length} × ${p}`);
  const rewardStd = returnsStd(plus, minus, top);
  if (rewardStd === 0) return { rewardStd, stepNorm: 0 };
  const step = new Float64Array(p);
  for (const k of top) {
    const c = plus[k] - minus[k];
    const off = k * p;
    for (let i = 0; i < p; i++) step[i] += c * deltas[off + i];
  }
  const scale = stepSize / (top.length * rewardStd);
  let sq = 0;
  for (let i = 0; i < p; i++) {
    const d = scale * step[i];
    theta[i] += d;
    sq += d * d;
  }
  return { rewardStd, stepNorm: Math.sqrt(sq) };
}
