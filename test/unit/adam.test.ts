import { describe, expect, it } from 'vitest';
import { Adam } from '../../src/main/core/learn/adam';

/**
 * Reference Adam written from Kingma & Ba (2015), Algorithm 1 with the "more efficient" ordering
 * from the end of their Section 2 — the form OpenAI baselines' MpiAdam uses:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   α_t = lr·√(1−β2^t)/(1−β1^t),  θ ← θ − α_t·m/(√v + ε).
 * This equals lr·m̂/(√v̂ + ε/√(1−β2^t)); with ε = 0 it is exactly lr·m̂/√v̂ (see the ε = 0 test).
 */
class ReferenceAdam {
  m: number[];
  v: number[];
  t = 0;
  constructor(
    size: number,
    private readonly lr: number,
    private readonly b1 = 0.9,
    private readonly b2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Array<number>(size).fill(0);
    this.v = new Array<number>(size).fill(0);
  }
  step(theta: number[], g: number[]): void {
    this.t += 1;
    const alpha = (this.lr * Math.sqrt(1 - Math.pow(this.b2, this.t))) / (1 - Math.pow(this.b1, this.t));
    for (let i = 0; i < theta.length; i++) {
      this.m[i] = this.b1 * this.m[i] + (1 - this.b1) * g[i];
      this.v[i] = this.b2 * this.v[i] + (1 - this.b2) * g[i] * g[i];
      theta[i] = theta[i] - (alpha * this.m[i]) / (Math.sqrt(this.v[i]) + this.eps);
    }
  }
}

/** Textbook form with explicit bias-corrected moments: θ ← θ − lr·m̂/(√v̂ + ε). */
function textbookSteps(theta0: number[], grads: number[][], lr: number, eps: number): number[] {
  const b1 = 0.9;
  const b2 = 0.999;
  const theta = [...theta0];
  const m = new Array<number>(theta.length).fill(0);
  const v = new Array<number>(theta.length).fill(0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < theta.length; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mHat = m[i] / (1 - b1 ** t);
      const vHat = v[i] / (1 - b2 ** t);
      theta[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
  });
  return theta;
}

// Five steps of gradients that change sign and magnitude per coordinate.
const GRADS = [
  [0.5, -2, 1e-3, 10],
  [0.4, 1.5, -2e-3, 9],
  [-0.3, -1, 5e-3, -12],
  [0.2, 0.5, 0, 8],
  [0.1, -0.25, 1e-2, 7.5],
];
const THETA0 = [1, -0.5, 0.25, 3];

describe('Adam', () => {
  it('moves each coordinate by −lr·sign(g) on the first step (bias correction makes m̂/√v̂ = ±1)', () => {
    const lr = 0.01;
    const g = [3, -0.5, 0.02, -200, 0];
    const params = new Float64Array(5);
    new Adam(5, lr).step(params, g);
    // Only ε breaks the equality: relative error ≤ (ε/√(1−β2))/|g| ≈ 3.2e-7/0.02 = 1.6e-5.
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(params[i] - -lr * Math.sign(g[i]))).toBeLessThan(lr * 2e-5);
    }
    // A zero gradient must not move the parameter (0/ε = 0, no NaN).
    expect(params[4]).toBe(0);
  });

  it('matches a hand-written reference implementation over 5 steps with varying gradients to 1e-12', () => {
    const lr = 3e-3;
    const params = Float64Array.from(THETA0);
    const adam = new Adam(4, lr);
    const ref = new ReferenceAdam(4, lr);
    const refTheta = [...THETA0];
    for (const g of GRADS) {
      adam.step(params, g);
      ref.step(refTheta, g);
      for (let i = 0; i < 4; i++) expect(Math.abs(params[i] - refTheta[i])).toBeLessThan(1e-12);
    }
    // The moments it would checkpoint agree with the reference too.
    const s = adam.getState();
    expect(s.t).toBe(5);
    for (let i = 0; i < 4; i++) {
      expect(s.m[i]).toBeCloseTo(ref.m[i], 14);
      expect(s.v[i]).toBeCloseTo(ref.v[i], 14);
    }
  });

  it('with ε = 0 equals the textbook lr·m̂/√v̂ update (only ε placement differs between Adam formulations)', () => {
    const lr = 3e-3;
    // Coordinate 2 of step 4 has g = 0 but m, v ≠ 0 by then, so no 0/0 arises.
    const params = Float64Array.from(THETA0);
    const adam = new Adam(4, lr, 0.9, 0.999, 0);
    for (const g of GRADS) adam.step(params, g);
    const expected = textbookSteps(THETA0, GRADS, lr, 0);
    for (let i = 0; i < 4; i++) expect(Math.abs(params[i] - expected[i])).toBeLessThan(1e-12);
  });

  it('uses a changed learningRate from the next step on', () => {
    // The trainer anneals the learning rate by assigning the public field.
    const a = new Adam(1, 0.1);
    const p = new Float64Array(1);
    a.learningRate = 0.02;
    a.step(p, [5]);
    expect(p[0]).toBeCloseTo(-0.02, 6);
  });

  it('minimises Σ(x − c)² to within 1e-6 of c', () => {
    // Targets of order 1 on purpose: with a constant learning rate, a coordinate whose gradients were
    // tiny from the start (e.g. c = −0.01) has √v̂ ~ 1e-3, so lr/√v̂ eventually exceeds the stability
    // limit of the momentum iteration and Adam enters a small limit cycle (|x − c| ~ 1e-4). That is
    // Adam's known behaviour, not what this test is about.
    const c = [1, -2, 3.5, 0.5, -0.75];
    const x = new Float64Array(c.length);
    const adam = new Adam(c.length, 0.05);
    for (let s = 0; s < 2000; s++) adam.step(x, Array.from(x, (xi, i) => 2 * (xi - c[i])));
    for (let i = 0; i < c.length; i++) expect(Math.abs(x[i] - c[i])).toBeLessThan(1e-6);
  });

  it('updates Float32Array parameters too (the network weights)', () => {
    const p = new Float32Array([1, 1]);
    new Adam(2, 0.5).step(p, [1, -1]);
    expect(p[0]).toBeCloseTo(0.5, 5);
    expect(p[1]).toBeCloseTo(1.5, 5);
  });

  it('continues identically after a JSON round-trip of its state, as an uninterrupted optimiser would', () => {
    const lr = 0.01;
    const uninterrupted = new Adam(4, lr);
    const p1 = Float64Array.from(THETA0);
    for (const g of GRADS.slice(0, 2)) uninterrupted.step(p1, g);

    const saved = JSON.parse(JSON.stringify(uninterrupted.getState()));
    const p2 = Float64Array.from(p1);
    const restored = new Adam(4, lr);
    restored.setState(saved);

    for (const g of GRADS.slice(2)) {
      uninterrupted.step(p1, g);
      restored.step(p2, g);
    }
    // Bit-identical: the step count (bias correction) and both moments were restored.
    expect(Array.from(p2)).toEqual(Array.from(p1));
    expect(restored.getState()).toEqual(uninterrupted.getState());
  });

  it('refuses a state whose first-moment vector has the wrong size', () => {
    const adam = new Adam(3, 0.01);
    expect(() => adam.setState({ m: [0, 0], v: [0, 0, 0], t: 1 })).toThrow(/expected 3/);
    expect(() => adam.setState({ m: [0, 0, 0, 0], v: [0, 0, 0], t: 1 })).toThrow();
  });

  it('refuses a state whose second-moment vector is too short', () => {
    const adam = new Adam(3, 0.01);
    adam.step(new Float64Array(3), [1, 2, 3]);
    // A short v would otherwise leave stale second moments in the tail (a silently corrupt checkpoint).
    expect(() => adam.setState({ m: [0, 0, 0], v: [0, 0], t: 7 })).toThrow();
  });

  it('refuses a state whose second-moment vector is too long without half-applying it', () => {
    const adam = new Adam(3, 0.01);
    adam.step(new Float64Array(3), [1, 2, 3]);
    const before = adam.getState();
    expect(() => adam.setState({ m: [0, 0, 0], v: [0, 0, 0, 0], t: 7 })).toThrow();
    // A refused checkpoint must not leave the optimiser with the new m and the old v.
    expect(adam.getState()).toEqual(before);
  });
});
