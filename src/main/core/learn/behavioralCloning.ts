/**
 * Behavioral Cloning: supervised regression of expert actions from
 * observations, Adam on minibatches, with a held-out validation split and the
 * best-validation snapshot kept. Loss: squared error of the mean (log-std
 * untouched) or the Gaussian negative log-likelihood (fits log-std too). The
 * snapshot is the one with the lowest validation loss, or with the lowest
 * squared error of the mean action whatever the loss (Ho's pipeline: its
 * "valacc" is that error, summed over action dimensions).
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat64, encodeFloat64 } from '../math/base64';
import type { Rng } from '../math/rng';
import { Adam, type AdamState } from './adam';
import { assertAllFinite, assertFinite } from './divergence';
import { shuffledIndices } from './minibatch';
import { MlpTf, disposeActivations } from './mlpTf';
import type { GaussianPolicy } from './policy';

export interface BcSettings {
  batchSize: number;
  learningRate: number;
  loss: 'mse' | 'nll';
  validationFraction: number;
  /** What the kept snapshot minimises on the validation split (default: the training loss). */
  selectBy?: 'loss' | 'meanSquaredError';
  /** Std of Gaussian noise added to each training minibatch's normalised observations (default 0: none). */
  observationNoise?: number;
}

export interface BcState {
  iteration: number;
  adam: AdamState;
  best: string | null;
  /** The best value of the selection criterion so far. */
  bestLoss: number;
}

export class BcTrainer {
  iteration = 0;
  bestLoss = Infinity;
  private best: Float64Array | null = null;
  private readonly net: MlpTf;
  private readonly adam: Adam;
  private readonly trainRows: Int32Array;
  private readonly valRows: Int32Array;
  private readonly normObs: Float32Array;
  private readonly obsDim: number;
  private readonly actDim: number;

  /**
   * Fits the policy's observation normaliser on the training pairs (once),
   * then trains the policy in place.
   */
  constructor(
    private readonly policy: GaussianPolicy,
    obs: Float32Array,
    private readonly actions: Float32Array,
    private readonly count: number,
    private readonly s: BcSettings,
    private readonly rng: Rng,
  ) {
    this.obsDim = policy.shape.obsDim;
    this.actDim = policy.shape.actDim;
    const order = shuffledIndices(count, rng);
    const nVal = count > 1 ? Math.floor(count * s.validationFraction) : 0;
    this.valRows = order.slice(0, nVal);
    this.trainRows = order.slice(nVal);
    const trainObs = new Float32Array(this.trainRows.length * this.obsDim);
    this.trainRows.forEach((r, k) => trainObs.set(obs.subarray(r * this.obsDim, (r + 1) * this.obsDim), k * this.obsDim));
    policy.obsNorm.update(trainObs, this.trainRows.length);
    this.normObs = policy.obsNorm.normalize(obs, count);
    this.net = new MlpTf(policy.layout);
    this.adam = new Adam(policy.numFlat, s.learningRate);
  }

  get validationSize(): number {
    return this.valRows.length;
  }

  /** One Adam step on a random minibatch; returns its loss. */
  step(): number {
    const { policy, s, obsDim, actDim } = this;
    const b = s.batchSize;
    const x = new Float32Array(b * obsDim);
    const target = new Float32Array(b * actDim);
    for (let k = 0; k < b; k++) {
      const r = this.trainRows[this.rng.int(this.trainRows.length)];
      x.set(this.normObs.subarray(r * obsDim, (r + 1) * obsDim), k * obsDim);
      target.set(this.actions.subarray(r * actDim, (r + 1) * actDim), k * actDim);
    }
    // Noise on the inputs asks for the same action near each expert state, where a policy that drifts off the data will be.
    const noise = s.observationNoise ?? 0;
    if (noise > 0) for (let i = 0; i < x.length; i++) x[i] += noise * this.rng.normal();
    this.net.bind(policy.params);
    const xt = tf.tensor2d(x, [b, obsDim]);
    const acts = this.net.forward(xt, true);
    const mean = acts.output.dataSync() as Float32Array;
    const { loss, dMean, dLogStd } = this.lossAndGradient(mean, target, b);
    assertFinite('behavioral cloning loss', loss);
    const dOut = tf.tensor2d(dMean, [b, actDim]);
    const gMlp = new Float32Array(policy.layout.numParams);
    this.net.backward(acts, dOut, gMlp);
    dOut.dispose();
    disposeActivations(acts);
    const grad = new Float64Array(policy.numFlat);
    grad.set(gMlp);
    grad.set(dLogStd, gMlp.length);
    assertAllFinite('behavioral cloning gradient', grad);
    const theta = policy.getFlat();
    this.adam.step(theta, grad);
    policy.setFlat(theta);
    this.iteration++;
    return loss;
  }

  /**
   * Loss on the validation split (on the training split when there is none),
   * and the squared error of the mean action per pair (summed over action
   * dimensions); keeps the snapshot if the selection criterion improved.
   */
  validate(): { loss: number; meanSquaredError: number } {
    const rows = this.valRows.length > 0 ? this.valRows : this.trainRows;
    const { obsDim, actDim } = this;
    const n = rows.length;
    const x = new Float32Array(n * obsDim);
    const target = new Float32Array(n * actDim);
    rows.forEach((r, k) => {
      x.set(this.normObs.subarray(r * obsDim, (r + 1) * obsDim), k * obsDim);
      target.set(this.actions.subarray(r * actDim, (r + 1) * actDim), k * actDim);
    });
    this.net.bind(this.policy.params);
    const xt = tf.tensor2d(x, [n, obsDim]);
    const y = this.net.predict(xt);
    const mean = y.dataSync() as Float32Array;
    tf.dispose([xt, y]);
    const loss = this.lossAndGradient(mean, target, n).loss;
    let sq = 0;
    for (let i = 0; i < n * actDim; i++) sq += (mean[i] - target[i]) ** 2;
    const meanSquaredError = sq / n;
    const criterion = this.s.selectBy === 'meanSquaredError' ? meanSquaredError : loss;
    if (criterion < this.bestLoss) {
      this.bestLoss = criterion;
      this.best = this.policy.getFlat();
    }
    return { loss, meanSquaredError };
  }

  /** Puts the best-validation parameters into the policy. */
  restoreBest(): void {
    if (this.best) this.policy.setFlat(this.best);
  }

  getState(): BcState {
    return { iteration: this.iteration, adam: this.adam.getState(), best: this.best ? encodeFloat64(this.best) : null, bestLoss: this.bestLoss };
  }

  setState(st: BcState): void {
    this.iteration = st.iteration;
    this.adam.setState(st.adam);
    this.best = st.best ? decodeFloat64(st.best) : null;
    this.bestLoss = st.bestLoss ?? Infinity;
  }

  dispose(): void {
    this.net.dispose();
  }

  private lossAndGradient(mean: Float32Array, target: Float32Array, n: number): { loss: number; dMean: Float32Array; dLogStd: Float64Array } {
    const d = this.actDim;
    const logStd = this.policy.logStd;
    const dMean = new Float32Array(n * d);
    const dLogStd = new Float64Array(d);
    let loss = 0;
    if (this.s.loss === 'mse') {
      for (let i = 0; i < n * d; i++) {
        const e = mean[i] - target[i];
        loss += e * e;
        dMean[i] = (2 * e) / (n * d);
      }
      return { loss: loss / (n * d), dMean, dLogStd };
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const invVar = Math.exp(-2 * logStd[j]);
        const e = mean[i * d + j] - target[i * d + j];
        loss += 0.5 * e * e * invVar + logStd[j] + 0.5 * Math.log(2 * Math.PI);
        dMean[i * d + j] = (e * invVar) / n;
        dLogStd[j] += (1 - e * e * invVar) / n;
      }
    }
    return { loss: loss / n, dMean, dLogStd };
  }
}
