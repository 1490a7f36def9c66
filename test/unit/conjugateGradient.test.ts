import { describe, expect, it } from 'vitest';
import { conjugateGradient, dot } from '../../src/main/core/learn/conjugateGradient';
import { Rng } from '../../src/main/core/math/rng';

/** Dense row-major n × n matrix with a product counter, standing in for TRPO's Fisher-vector product. */
function denseOperator(A: Float64Array, n: number): { apply: (p: Float64Array) => Float64Array; calls: () => number } {
  let calls = 0;
  return {
    apply: (p) => {
      calls++;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i * n + j] * p[j];
        out[i] = s;
      }
      return out;
    },
    calls: () => calls,
  };
}

/**
 * A = MᵀM + 0.1·I with M a (rows × n) Gaussian matrix scaled by 1/√rows.
 * rows = 2n keeps the spectrum in roughly [0.19, 3] (Marchenko–Pastur), so floating-point CG
 * reaches 1e-8 within n iterations. (With a square M the smallest eigenvalues crowd 0.1 and
 * rounding delays CG's finite termination to ~25 iterations for n = 20, which is a property
 * of CG in floating point, not of this implementation.)
 */
function randomSpd(rng: Rng, n: number, rows = 2 * n): Float64Array {
  const M = Float64Array.from({ length: rows * n }, () => rng.normal() / Math.sqrt(rows));
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < rows; k++) s += M[k * n + i] * M[k * n + j];
      A[i * n + j] = s + (i === j ? 0.1 : 0);
    }
  }
  return A;
}

function matVec(A: Float64Array, x: Float64Array, n: number): Float64Array {
  return denseOperator(A, n).apply(x);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('conjugateGradient', () => {
  it('solves random 20 × 20 SPD systems A = MᵀM + 0.1I to 1e-8 within n iterations', () => {
    const n = 20;
    for (const seed of [1, 2, 3, 4, 5]) {
      const rng = new Rng(seed);
      const A = randomSpd(rng, n);
      const xTrue = Float64Array.from({ length: n }, () => rng.normal());
      const b = matVec(A, xTrue, n);
      const op = denseOperator(A, n);
      // Tolerance on r·r of 1e-24 (|r| ≤ 1e-12) so the stop is driven by convergence, not the default 1e-10.
      const res = conjugateGradient(op.apply, b, n, 1e-24);
      expect(res.iterations).toBeLessThanOrEqual(n);
      expect(maxAbsDiff(res.x, xTrue)).toBeLessThan(1e-8);
      // The reported residual is r·r of the recursively updated r; it must agree with the true b − A x.
      const r = matVec(A, res.x, n).map((v, i) => b[i] - v);
      expect(dot(r, r)).toBeLessThan(1e-16);
    }
  });

  it('with the default tolerance stops once r·r < 1e-10 and reports that residual', () => {
    const n = 20;
    const rng = new Rng(6);
    const A = randomSpd(rng, n);
    const b = Float64Array.from({ length: n }, () => rng.normal());
    const res = conjugateGradient(denseOperator(A, n).apply, b, 100);
    expect(res.residual).toBeLessThan(1e-10);
    expect(res.iterations).toBeLessThanOrEqual(n);
    expect(res.iterations).toBeGreaterThan(1);
  });

  it('with maxIterations k < n stops after exactly k iterations and k products, having reduced the residual', () => {
    const n = 20;
    const rng = new Rng(7);
    const A = randomSpd(rng, n);
    const b = Float64Array.from({ length: n }, () => rng.normal());
    let previous = dot(b, b);
    for (const k of [1, 3, 5, 10]) {
      const op = denseOperator(A, n);
      const res = conjugateGradient(op.apply, b, k);
      expect(res.iterations).toBe(k);
      expect(op.calls()).toBe(k);
      // Truncated CG is still useful to TRPO: the residual keeps shrinking with k.
      expect(res.residual).toBeLessThan(previous);
      previous = res.residual;
    }
  });

  it('never calls applyA more than maxIterations times (including maxIterations = 0)', () => {
    const n = 20;
    const rng = new Rng(8);
    const A = randomSpd(rng, n, n); // a harder matrix that does not converge early
    const b = Float64Array.from({ length: n }, () => rng.normal());
    for (const k of [0, 1, 2, 7, 19, 20, 25, 60]) {
      const op = denseOperator(A, n);
      const res = conjugateGradient(op.apply, b, k, 0);
      expect(op.calls()).toBeLessThanOrEqual(k);
      expect(op.calls()).toBe(res.iterations);
    }
    const op = denseOperator(A, n);
    const res = conjugateGradient(op.apply, b, 0);
    expect(Array.from(res.x)).toEqual(new Array<number>(n).fill(0));
    expect(res.residual).toBe(dot(b, b));
  });

  it('is exact for a diagonal A with m distinct entries in m iterations', () => {
    // CG's Krylov space reaches the solution in as many steps as A has distinct eigenvalues.
    const n = 12;
    const levels = [1, 2.5, 7];
    const diag = Float64Array.from({ length: n }, (_, i) => levels[i % 3]);
    const b = Float64Array.from({ length: n }, (_, i) => i - 4.5);
    let calls = 0;
    const applyA = (p: Float64Array): Float64Array => {
      calls++;
      return p.map((v, i) => v * diag[i]);
    };
    const res = conjugateGradient(applyA, b, 50);
    expect(res.iterations).toBeLessThanOrEqual(3);
    expect(calls).toBe(res.iterations);
    for (let i = 0; i < n; i++) expect(res.x[i]).toBeCloseTo(b[i] / diag[i], 12);
  });

  it('solves A = c·I in one iteration', () => {
    const b = Float64Array.from([1, -2, 3, 0.5]);
    const res = conjugateGradient((p) => p.map((v) => 4 * v), b, 10);
    expect(res.iterations).toBe(1);
    for (let i = 0; i < b.length; i++) expect(res.x[i]).toBeCloseTo(b[i] / 4, 15);
  });

  it('returns x = 0 after 0 iterations without calling applyA when b = 0', () => {
    let calls = 0;
    const res = conjugateGradient(
      (p) => {
        calls++;
        return p;
      },
      new Float64Array(5),
      10,
    );
    expect(res.iterations).toBe(0);
    expect(calls).toBe(0);
    expect(Array.from(res.x)).toEqual([0, 0, 0, 0, 0]);
    expect(res.residual).toBe(0);
  });

  it('stops before iterating when b is already below the residual tolerance', () => {
    // |b|² = 1e-12 < 1e-10 (the default), so the zero start is already accepted.
    const b = Float64Array.from([1e-6, 0, 0]);
    let calls = 0;
    const res = conjugateGradient(
      (p) => {
        calls++;
        return p;
      },
      b,
      10,
    );
    expect(res.iterations).toBe(0);
    expect(calls).toBe(0);
  });

  it('with residual tolerance 0 stays finite once the residual is exactly 0 (no 0/0 step)', () => {
    // Tolerance 0 means "run up to maxIterations"; for A = 4I the first step makes r exactly 0,
    // and a further iteration would compute alpha = 0 / (p·Ap) = 0/0.
    const b = Float64Array.from([1, -2, 3]);
    const res = conjugateGradient((p) => p.map((v) => 4 * v), b, 10, 0);
    expect(Array.from(res.x)).toEqual([0.25, -0.5, 0.75]);
    expect(res.residual).toBe(0);
  });

  it('does not modify b', () => {
    const b = Float64Array.from([1, 2, 3]);
    conjugateGradient((p) => p.map((v) => 2 * v), b, 5);
    expect(Array.from(b)).toEqual([1, 2, 3]);
  });
});

describe('dot', () => {
  it('is the plain inner product', () => {
    expect(dot([1, 2, 3], [4, -5, 6])).toBe(12);
    expect(dot([], [])).toBe(0);
  });
});
