/**
 * The MLP's three passes against float64 finite differences: the batched tfjs
 * forward equals the per-row JS forward; backward() is the exact gradient;
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { initMlpParams, MlpLayout } from '../../src/main/core/learn/mlp';
import { MlpReference } from '../helpers/mlpReference';
import { disposeActivations, MlpTf } from '../../src/main/core/learn/mlpTf';
import { backendReady } from '../helpers/tfBackend';

const layout = new MlpLayout([3, 6, 5, 2]);
const rows = 7;

function setup(seed: number) {
  const rng = new Rng(seed);
  const params = initMlpParams(layout, rng, 1);
  for (let i = 0; i < params.length; i++) params[i] += 0.3 * rng.normal();
  const x = Float32Array.from({ length: rows * 3 }, () => rng.normal());
  return { rng, params, x };
}

/** Float64 reference: Σ_rows Σ_out c ⊙ f(x; θ). */
function weightedOutput(theta: ArrayLike<number>, x: Float32Array, c: ArrayLike<number>): number {
  const f = new MlpReference(layout);
  f.setParams(theta);
  const out = new Float64Array(2);
  let s = 0;
  for (let r = 0; r < rows; r++) {
    f.run(x, r * 3, out, 0);
    s += c[2 * r] * out[0] + c[2 * r + 1] * out[1];
  }
  return s;
}

describe('MLP passes', () => {
  beforeAll(() => backendReady);

  it('counts parameters and lays them out layer by layer', () => {
    expect(layout.numParams).toBe(3 * 6 + 6 + 6 * 5 + 5 + 5 * 2 + 2);
    expect(layout.weightOffset).toEqual([0, 24, 59]);
    expect(layout.biasOffset).toEqual([18, 54, 69]);
  });

  it('initialises each unit with incoming weights of norm 1 (hidden) or the output scale', () => {
    const p = initMlpParams(new MlpLayout([4, 3, 2]), new Rng(1), 0.01);
    const norm = (o: number, nIn: number, nOut: number, j: number) => Math.hypot(...Array.from({ length: nIn }, (_, i) => p[o + i * nOut + j]));
    expect(norm(0, 4, 3, 1)).toBeCloseTo(1, 5);
    expect(norm(15, 3, 2, 0)).toBeCloseTo(0.01, 6);
  });

  it('batched tfjs forward equals the float64 reference', () => {
    const { params, x } = setup(1);
    const net = new MlpTf(layout);
    net.bind(params);
    const xt = tf.tensor2d(x, [rows, 3]);
    const y = net.predict(xt);
    const got = y.dataSync();
    const js = new MlpReference(layout);
    js.setParams(params);
    const want = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) js.run(x, r * 3, want, r * 2);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    const acts = net.forward(xt);
    expect(Array.from(acts.output.dataSync())).toEqual(Array.from(got));
    disposeActivations(acts);
    tf.dispose([xt, y]);
    net.dispose();
  });

  it('backward() returns the gradient of Σ c ⊙ f(x; θ) (central differences in float64)', () => {
    const { params, x, rng } = setup(2);
    const c = Float32Array.from({ length: rows * 2 }, () => rng.normal());
    const net = new MlpTf(layout);
    net.bind(params);
    const xt = tf.tensor2d(x, [rows, 3]);
    const acts = net.forward(xt);
    const dOut = tf.tensor2d(c, [rows, 2]);
    const grad = new Float32Array(layout.numParams);
    net.backward(acts, dOut, grad);
    const theta = Float64Array.from(params);
    const eps = 1e-6;
    let maxErr = 0;
    for (let i = 0; i < layout.numParams; i++) {
      const t0 = theta[i];
      theta[i] = t0 + eps;
      const up = weightedOutput(theta, x, c);
      theta[i] = t0 - eps;
      const down = weightedOutput(theta, x, c);
      theta[i] = t0;
      const fd = (up - down) / (2 * eps);
      maxErr = Math.max(maxErr, Math.abs(grad[i] - fd) / Math.max(1, Math.abs(fd)));
    }
    expect(maxErr).toBeLessThan(1e-4);
    disposeActivations(acts);
    tf.dispose([xt, dOut]);
    net.dispose();
  });

  it('releases every tensor it made', () => {
    const { params, x } = setup(4);
    const before = tf.memory().numTensors;
    const net = new MlpTf(layout);
    net.bind(params);
    const xt = tf.tensor2d(x, [rows, 3]);
    const acts = net.forward(xt, true);
    const grad = new Float32Array(layout.numParams);
    const dOut = tf.ones([rows, 2]) as tf.Tensor2D;
    net.backward(acts, dOut, grad);
    net.predict(xt).dispose();
    disposeActivations(acts);
    dOut.dispose();
    net.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
