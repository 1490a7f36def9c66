/**
 * State-value MLP V(s) on normalised observations, fitted by Adam on the
 * squared error to the GAE returns (baselines: 5 epochs, minibatch 128,
 * lr 1e-3, final partial minibatch dropped).
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng } from '../math/rng';
import { Adam, type AdamState } from './adam';
import { initMlpParams, MlpLayout } from './mlp';
import { disposeActivations, MlpTf } from './mlpTf';
import { shuffledIndices } from './minibatch';

export interface ValueFunctionState {
  params: string;
  adam: AdamState;
}

export class ValueFunction {
  readonly layout: MlpLayout;
  readonly params: Float32Array;
  private readonly net: MlpTf;
  private readonly adam: Adam;
  private readonly grad: Float32Array;
  private dirty = true;

  constructor(obsDim: number, hiddenSizes: readonly number[], learningRate: number, rng: Rng) {
    this.layout = new MlpLayout([obsDim, ...hiddenSizes, 1]);
    this.params = initMlpParams(this.layout, rng, 1);
    this.net = new MlpTf(this.layout);
    this.adam = new Adam(this.layout.numParams, learningRate);
    this.grad = new Float32Array(this.layout.numParams);
  }

  /** V for rows × obsDim normalised observations. */
  predict(normObs: Float32Array, rows: number): Float32Array {
    if (rows === 0) return new Float32Array(0);
    this.bind();
    const x = tf.tensor2d(normObs, [rows, this.layout.inputSize]);
    const y = this.net.predict(x);
    const v = y.dataSync() as Float32Array;
    tf.dispose([x, y]);
    return v;
  }

  /** Epochs of minibatch Adam on ½-free MSE (mean of squared errors); returns the mean loss of the last epoch. */
  fit(normObs: Float32Array, targets: Float64Array, rows: number, epochs: number, minibatch: number, rng: Rng): number {
    const x = tf.tensor2d(normObs, [rows, this.layout.inputSize]);
    const t = tf.tensor2d(Float32Array.from(targets), [rows, 1]);
    let lastEpochLoss = 0;
    const batch = Math.min(minibatch, rows);
    try {
      for (let epoch = 0; epoch < epochs; epoch++) {
        const order = shuffledIndices(rows, rng);
        let lossSum = 0;
        let batches = 0;
        for (let start = 0; start + batch <= rows; start += batch) {
          const idx = tf.tensor1d(order.subarray(start, start + batch), 'int32');
          const xb = tf.gather(x, idx) as tf.Tensor2D;
          const tb = tf.gather(t, idx) as tf.Tensor2D;
          lossSum += this.lossGradient(xb, tb, this.grad);
          tf.dispose([idx, tb]);
          this.adam.step(this.params, this.grad);
          this.dirty = true;
          batches++;
        }
        lastEpochLoss = batches > 0 ? lossSum / batches : 0;
      }
    } finally {
      tf.dispose([x, t]);
    }
    return lastEpochLoss;
  }

  /**
   * Mean squared error of V on a minibatch and its gradient (into `grad`).
   * Takes ownership of `xb`.
   */
  lossGradient(xb: tf.Tensor2D, targets: tf.Tensor2D, grad: Float32Array, weight = 1): number {
    this.bind();
    const rows = xb.shape[0];
    const acts = this.net.forward(xb, true);
    const diff = tf.sub(acts.output, targets);
    const dOut = tf.mul(diff, (2 * weight) / rows) as tf.Tensor2D;
    const sq = tf.mean(tf.square(diff));
    const loss = sq.dataSync()[0];
    this.net.backward(acts, dOut, grad);
    tf.dispose([diff, dOut, sq]);
    disposeActivations(acts);
    return loss;
  }

  /** After changing params from outside (a joint optimiser). */
  markChanged(): void {
    this.dirty = true;
  }

  getState(): ValueFunctionState {
    return { params: encodeFloat32(this.params), adam: this.adam.getState() };
  }

  setState(s: ValueFunctionState): void {
    this.params.set(decodeFloat32(s.params));
    this.adam.setState(s.adam);
    this.dirty = true;
  }

  dispose(): void {
    this.net.dispose();
  }

  private bind(): void {
    if (!this.dirty) return;
    this.net.bind(this.params);
    this.dirty = false;
  }
}
