/**
 * Conjugate gradient for A x = b with A symmetric positive definite, given only
 * products A·p (TRPO's Fisher-vector products). Float64 throughout. Stops
 * after maxIterations or once the squared residual r·r ≤ residualTolerance.
 */
export interface CgResult {
  x: Float64Array;
  iterations: number;
  residual: number;
}

export function conjugateGradient(
  applyA: (p: Float64Array) => Float64Array,
  b: Float64Array,
  maxIterations: number,
  residualTolerance = 1e-10,
): CgResult {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  let rr = dot(r, r);
  let it = 0;
  while (it < maxIterations && rr > residualTolerance) {
    const z = applyA(p);
    const alpha = rr / dot(p, z);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * z[i];
    }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
    rr = rrNew;
    it++;
  }
  return { x, iterations: it, residual: rr };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
