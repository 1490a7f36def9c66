/**
 * State-value MLP V(s) on normalised observations, fitted by Adam on the
 * squared error to the GAE returns (baselines: 5 epochs, minibatch 128,
 * lr 1e-3, final partial minibatch dropped).
 */
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng } from '../math/rng';
import { Adam, type AdamState } from './adam';
import { initMlpParams, MlpLayout } from './mlp';
import { BoundMlp, type MlpWasm } from './mlpWasm';
import { shuffledIndices } from './minibatch';

export interface ValueFunctionState {
  params: string;
  adam: AdamState;
}

/** Rows per forward pass when predicting a whole batch. */
const PREDICT_ROWS = 1024;

export class ValueFunction {
  readonly layout: MlpLayout;
  readonly params: Float32Array;
  private readonly net: BoundMlp;
  private readonly adam: Adam;

  constructor(obsDim: number, hiddenSizes: readonly number[], learningRate: number, rng: Rng) {
    this.layout = new MlpLayout([obsDim, ...hiddenSizes, 1]);
    this.params = initMlpParams(this.layout, rng, 1);
    this.net = new BoundMlp(this.params, this.layout, PREDICT_ROWS);
    this.adam = new Adam(this.layout.numParams, learningRate);
  }

  /** V for rows × obsDim normalised observations. */
  predict(normObs: Float32Array, rows: number): Float32Array {
    const v = new Float32Array(rows);
    const net = this.net.get(1);
    const d = this.layout.inputSize;
    for (let start = 0; start < rows; start += net.capacity) {
      const n = Math.min(net.capacity, rows - start);
      net.input.set(normObs.subarray(start * d, (start + n) * d));
      v.set(net.forward(n), start);
    }
    return v;
  }

  /** Epochs of minibatch Adam on the mean squared error; returns the mean loss of the last epoch. */
  fit(normObs: Float32Array, targets: Float64Array, rows: number, epochs: number, minibatch: number, rng: Rng): number {
    const batch = Math.min(minibatch, rows);
    const d = this.layout.inputSize;
    const t = new Float64Array(batch);
    let lastEpochLoss = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffledIndices(rows, rng);
      let lossSum = 0;
      let batches = 0;
      for (let start = 0; start + batch <= rows; start += batch) {
        const net = this.net.get(batch);
        for (let k = 0; k < batch; k++) {
          const r = order[start + k];
          net.input.set(normObs.subarray(r * d, (r + 1) * d), k * d);
          t[k] = targets[r];
        }
        lossSum += this.lossAndGradient(net, t, batch, 1);
        this.adam.step(this.params, net.grad);
        this.net.markStale();
        batches++;
      }
      lastEpochLoss = batches > 0 ? lossSum / batches : 0;
    }
    return lastEpochLoss;
  }

  /**
   * Mean squared error of V on `rows` observations (rows × obsDim) and
   * `weight` times its gradient, written into `grad`.
   */
  lossGradient(x: Float32Array, targets: ArrayLike<number>, rows: number, grad: Float32Array, weight = 1): number {
    const net = this.net.get(rows);
    net.input.set(x.subarray(0, rows * this.layout.inputSize));
    const loss = this.lossAndGradient(net, targets, rows, weight);
    grad.set(net.grad);
    return loss;
  }

  /** After changing params from outside (a joint optimiser). */
  markChanged(): void {
    this.net.markStale();
  }

  getState(): ValueFunctionState {
    return { params: encodeFloat32(this.params), adam: this.adam.getState() };
  }

  setState(s: ValueFunctionState): void {
    this.params.set(decodeFloat32(s.params));
    this.adam.setState(s.adam);
    this.net.markStale();
  }


  /** Forward on the net's input, loss = mean (V − target)², backward of weight × loss into net.grad. */
  private lossAndGradient(net: MlpWasm, targets: ArrayLike<number>, rows: number, weight: number): number {
    const v = net.forward(rows);
    let loss = 0;
    for (let k = 0; k < rows; k++) {
      const diff = v[k] - targets[k];
      loss += diff * diff;
      net.outputGrad[k] = ((2 * weight) / rows) * diff;
    }
    net.backward(rows);
    return loss / rows;
  }
}
