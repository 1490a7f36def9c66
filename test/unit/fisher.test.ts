/**
 * TRPO's Fisher-vector product against an explicit Fisher matrix built in
 * float64 on a tiny Gaussian policy: F = (1/rows) Σ_i J_iᵀ diag(1/σ²) J_i for
 * the mean's MLP parameters (J by central differences on the float64 reference MLP) and 2·I
 * for the log-std entries, block-diagonal.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { initMlpParams, MlpLayout } from '../../src/main/core/learn/mlp';
import { MlpReference } from '../helpers/mlpReference';
import { MlpWasm } from '../../src/main/core/learn/mlpWasm';
import { fisherVectorProduct } from '../../src/main/core/learn/trpoUpdate';

const layout = new MlpLayout([3, 5, 4, 2]);
const rows = 9;
const nMlp = layout.numParams;
const d = layout.outputSize;
const nFlat = nMlp + d;
const logStd = [0.3, -0.2];
const invVar = Float64Array.from(logStd, (l) => Math.exp(-2 * l));

const rng = new Rng(20240611);
const params = initMlpParams(layout, rng, 1);
// Extra noise so hidden units are off the linear part of tanh and biases are non-zero.
for (let i = 0; i < params.length; i++) params[i] += 0.5 * rng.normal();
const x = Float32Array.from({ length: rows * layout.inputSize }, () => 1.5 * rng.normal());

/** Row-major rows·d × nMlp Jacobian of the means w.r.t. the MLP parameters, by central differences in float64. */
function meanJacobian(): Float64Array {
  const f = new MlpReference(layout);
  const theta = Float64Array.from(params);
  const up = new Float64Array(rows * d);
  const down = new Float64Array(rows * d);
  const jac = new Float64Array(rows * d * nMlp);
  const eps = 1e-6;
  const evalAll = (out: Float64Array) => {
    f.setParams(theta);
    for (let r = 0; r < rows; r++) f.run(x, r * layout.inputSize, out, r * d);
  };
  for (let p = 0; p < nMlp; p++) {
    const t0 = theta[p];
    theta[p] = t0 + eps;
    evalAll(up);
    theta[p] = t0 - eps;
    evalAll(down);
    theta[p] = t0;
    for (let k = 0; k < rows * d; k++) jac[k * nMlp + p] = (up[k] - down[k]) / (2 * eps);
  }
  return jac;
}

/** The explicit nFlat × nFlat Fisher matrix (no damping). */
function explicitFisher(): Float64Array {
  const jac = meanJacobian();
  const F = new Float64Array(nFlat * nFlat);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      const row = (r * d + j) * nMlp;
      const w = invVar[j] / rows;
      for (let a = 0; a < nMlp; a++) {
        const ja = jac[row + a] * w;
        if (ja === 0) continue;
        for (let b = 0; b < nMlp; b++) F[a * nFlat + b] += ja * jac[row + b];
      }
    }
  }
  for (let j = 0; j < d; j++) F[(nMlp + j) * nFlat + nMlp + j] = 2;
  return F;
}

function matVec(F: Float64Array, v: Float64Array, damping: number): Float64Array {
  const out = new Float64Array(nFlat);
  for (let a = 0; a < nFlat; a++) {
    let s = damping * v[a];
    for (let b = 0; b < nFlat; b++) s += F[a * nFlat + b] * v[b];
    out[a] = s;
  }
  return out;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
const randomVector = (r: Rng) => Float64Array.from({ length: nFlat }, () => r.normal());

describe('fisherVectorProduct (Gauss–Newton Fisher of a Gaussian policy)', () => {
  let net: MlpWasm;
  let F: Float64Array;

  beforeAll(() => {
    net = new MlpWasm(layout, rows);
    net.setParams(params);
    net.input.set(x);
    net.forward(rows);
    F = explicitFisher();
  });

  it('the tiny policy is in the non-linear regime (many first-layer units have |pre-activation| > 1)', () => {
    const nIn = layout.sizes[0];
    const nOut = layout.sizes[1];
    let saturated = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < nOut; j++) {
        let a = params[layout.biasOffset[0] + j];
        for (let i = 0; i < nIn; i++) a += x[r * nIn + i] * params[layout.weightOffset[0] + i * nOut + j];
        if (Math.abs(a) > 1) saturated++;
      }
    }
    expect(saturated).toBeGreaterThan(0.25 * rows * nOut);
  });

  it('has no MLP/log-std cross terms: an MLP-only direction leaves the log-std entries at 0', () => {
    const fvp = fisherVectorProduct(net, rows, invVar, nMlp, 0.1);
    const r = new Rng(11);
    const v = new Float64Array(nFlat);
    for (let i = 0; i < nMlp; i++) v[i] = r.normal();
    const got = fvp(v);
    for (let j = 0; j < d; j++) expect(got[nMlp + j]).toBe(0);
    expect(norm(got.subarray(0, nMlp))).toBeGreaterThan(0);
  });

  for (const damping of [0, 0.1]) {
    it(`equals (F + ${damping}·I)v from the explicit float64 Fisher for random v (relative error < 1e-4)`, () => {
      const fvp = fisherVectorProduct(net, rows, invVar, nMlp, damping);
      const r = new Rng(7 + damping * 100);
      for (let trial = 0; trial < 4; trial++) {
        const v = randomVector(r);
        const got = fvp(v);
        const want = matVec(F, v, damping);
        expect(got.length).toBe(nFlat);
        const diff = Float64Array.from(got, (g, i) => g - want[i]);
        expect(norm(diff) / norm(want)).toBeLessThan(1e-4);
        // The log-std entries are exactly (2 + damping)·v.
        for (let j = 0; j < d; j++) expect(got[nMlp + j]).toBeCloseTo((2 + damping) * v[nMlp + j], 10);
      }
    });
  }

  it('is linear in v, and a log-std-only direction gives 0 on the MLP block and (2 + damping)·v on the log-std', () => {
    const fvp = fisherVectorProduct(net, rows, invVar, nMlp, 0.1);
    const v = new Float64Array(nFlat);
    v[nMlp + 1] = 3;
    const got = fvp(v);
    for (let i = 0; i < nMlp; i++) expect(Math.abs(got[i])).toBeLessThan(1e-6);
    expect(got[nMlp]).toBe(0);
    expect(got[nMlp + 1]).toBeCloseTo(3 * 2.1, 10);
    const r = new Rng(99);
    const a = randomVector(r);
    const b = randomVector(r);
    const sum = fvp(Float64Array.from(a, (ai, i) => 2 * ai - b[i]));
    const fa = fvp(a);
    const fb = fvp(b);
    const lin = Float64Array.from(fa, (x1, i) => 2 * x1 - fb[i]);
    const diff = Float64Array.from(sum, (s, i) => s - lin[i]);
    expect(norm(diff) / norm(lin)).toBeLessThan(1e-4);
  });

  it('is symmetric: uᵀ(Fv) ≈ vᵀ(Fu)', () => {
    const fvp = fisherVectorProduct(net, rows, invVar, nMlp, 0);
    const r = new Rng(31);
    for (let trial = 0; trial < 5; trial++) {
      const u = randomVector(r);
      const v = randomVector(r);
      const uFv = dot(u, fvp(v));
      const vFu = dot(v, fvp(u));
      const scale = Math.sqrt(dot(u, fvp(u)) * dot(v, fvp(v)));
      expect(Math.abs(uFv - vFu)).toBeLessThan(1e-4 * scale);
    }
  });

  it('is positive semi-definite: vᵀ(Fv) ≥ 0, also along directions of small curvature', () => {
    const fvp = fisherVectorProduct(net, rows, invVar, nMlp, 0);
    const r = new Rng(57);
    for (let trial = 0; trial < 8; trial++) {
      const v = randomVector(r);
      const q = dot(v, fvp(v));
      expect(q).toBeGreaterThanOrEqual(0);
      // Agrees with the explicit quadratic form.
      expect(Math.abs(q - dot(v, matVec(F, v, 0)))).toBeLessThan(1e-4 * q);
    }
    // F has rank ≤ rows·d + d < nFlat: a direction in the MLP block's null space
    // (v minus its projection onto the span of the Jacobian rows) has ~0 curvature, never negative.
    const jac = meanJacobian();
    const basis: Float64Array[] = [];
    for (let k = 0; k < rows * d; k++) {
      const b = Float64Array.from(jac.subarray(k * nMlp, (k + 1) * nMlp));
      for (const q of basis) {
        const c = dot(b, q);
        for (let i = 0; i < nMlp; i++) b[i] -= c * q[i];
      }
      const n = norm(b);
      if (n > 1e-8) basis.push(b.map((bi) => bi / n));
    }
    const v = new Float64Array(nFlat);
    const w = Float64Array.from({ length: nMlp }, () => r.normal());
    for (const q of basis) {
      const c = dot(w, q);
      for (let i = 0; i < nMlp; i++) w[i] -= c * q[i];
    }
    v.set(w);
    const q = dot(v, fvp(v));
    expect(q).toBeGreaterThan(-1e-5 * dot(v, v));
    expect(Math.abs(q)).toBeLessThan(1e-4 * dot(v, v));
  });
});
