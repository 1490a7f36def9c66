/**
 * The discriminator's gradient penalty: its value from the input gradient
 * (checked against central differences of the network's output in x), and its
 * parameter gradient (the double backward) against central differences of the
 * penalty itself, for one- and two-hidden-layer nets and both targets.
 */
import { describe, expect, it } from 'vitest';
import { addGradientPenalty } from '../../src/main/core/learn/gradientPenalty';
import { initMlpParams, MlpLayout } from '../../src/main/core/learn/mlp';
import { Rng } from '../../src/main/core/math/rng';

/** f(x) of a tanh MLP with a linear output, written from the definition. */
function forward(layout: MlpLayout, p: ArrayLike<number>, x: number[]): number {
  let a = x;
  for (let l = 0; l < layout.numLayers; l++) {
    const nIn = layout.sizes[l];
    const nOut = layout.sizes[l + 1];
    const z = Array.from({ length: nOut }, (_, j) => {
      let s = p[layout.biasOffset[l] + j];
      for (let i = 0; i < nIn; i++) s += a[i] * p[layout.weightOffset[l] + i * nOut + j];
      return s;
    });
    a = l < layout.numLayers - 1 ? z.map(Math.tanh) : z;
  }
  return a[0];
}

function setup(sizes: number[], rows: number, seed: number) {
  const layout = new MlpLayout(sizes);
  const rng = new Rng(seed);
  // Float64 parameters (biases random too), so central differences see every term.
  const params = Float64Array.from(initMlpParams(layout, rng, 1), (v) => v + 0.3 * rng.normal());
  const x = Float64Array.from({ length: rows * sizes[0] }, () => rng.normal());
  return { layout, params, x };
}

const penaltyOf = (layout: MlpLayout, params: Float64Array, x: Float64Array, rows: number, coef: number, target: number) =>
  addGradientPenalty(layout, params, x, rows, coef, target, new Float64Array(layout.numParams)).penalty;

describe('addGradientPenalty', () => {
  for (const sizes of [
    [3, 5, 1],
    [4, 6, 5, 1],
  ]) {
    for (const target of [0, 1]) {
      it(`penalty = coef·mean (‖∇ₓf‖ − ${target})² with ∇ₓf from central differences (sizes ${sizes.join('→')})`, () => {
        const rows = 4;
        const coef = 2.5;
        const { layout, params, x } = setup(sizes, rows, 7);
        const d = sizes[0];
        const h = 1e-6;
        let want = 0;
        let normSum = 0;
        for (let r = 0; r < rows; r++) {
          const row = Array.from(x.subarray(r * d, (r + 1) * d));
          let sq = 0;
          for (let i = 0; i < d; i++) {
            const plus = [...row];
            const minus = [...row];
            plus[i] += h;
            minus[i] -= h;
            sq += ((forward(layout, params, plus) - forward(layout, params, minus)) / (2 * h)) ** 2;
          }
          normSum += Math.sqrt(sq);
          want += (Math.sqrt(sq) - target) ** 2;
        }
        const got = addGradientPenalty(layout, params, x, rows, coef, target, new Float64Array(layout.numParams));
        expect(got.penalty).toBeCloseTo((coef * want) / rows, 7);
        expect(got.meanGradNorm).toBeCloseTo(normSum / rows, 7);
      });

      it(`adds ∂penalty/∂θ equal to central differences of the penalty (double backward; sizes ${sizes.join('→')}, target ${target})`, () => {
        const rows = 3;
        const coef = 1.7;
        const { layout, params, x } = setup(sizes, rows, 11);
        const grad = new Float64Array(layout.numParams).fill(0.25);
        addGradientPenalty(layout, params, x, rows, coef, target, grad);
        const h = 1e-6;
        let checked = 0;
        for (let k = 0; k < layout.numParams; k++) {
          const p1 = Float64Array.from(params);
          const p2 = Float64Array.from(params);
          p1[k] += h;
          p2[k] -= h;
          const fd = (penaltyOf(layout, p1, x, rows, coef, target) - penaltyOf(layout, p2, x, rows, coef, target)) / (2 * h);
          // The existing 0.25 shows the gradient is added, not written.
          expect(grad[k] - 0.25).toBeCloseTo(fd, 6);
          if (Math.abs(fd) > 1e-4) checked++;
        }
        // Most parameters matter (the output bias is the one that never does).
        expect(checked).toBeGreaterThan(layout.numParams / 2);
      });
    }
  }

  it('is zero with a zero gradient for a coefficient of 0, and rejects a network with several outputs', () => {
    const { layout, params, x } = setup([3, 4, 1], 2, 3);
    const grad = new Float64Array(layout.numParams);
    expect(addGradientPenalty(layout, params, x, 2, 0, 1, grad).penalty).toBe(0);
    expect(grad.every((g) => g === 0)).toBe(true);
    const wide = new MlpLayout([3, 4, 2]);
    expect(() => addGradientPenalty(wide, new Float64Array(wide.numParams), x, 2, 1, 1, new Float64Array(wide.numParams))).toThrow(/scalar/);
  });
});
