/**
 * GAIL's discriminator D(s, a) = P(expert | s, a) = σ(logit), an MLP on
 * [normalised obs, action] (its own observation normaliser, fitted on expert
 * and policy observations). Loss = BCE(expert → 1) + BCE(policy → 0) −
 * c·mean Bernoulli entropy of D; policy reward −log(1 − D + 1e-8) (baselines).
 * Gradients w.r.t. the logits are closed-form, then one reverse pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng } from '../math/rng';
import { RunningNorm, type RunningNormState } from '../math/runningNorm';
import { Adam, type AdamState } from './adam';
import { assertAllFinite, assertFinite } from './divergence';
import { initMlpParams, MlpLayout } from './mlp';
import { disposeActivations, MlpTf } from './mlpTf';

export interface DiscriminatorState {
  params: string;
  adam: AdamState;
  obsNorm: RunningNormState;
}

export interface DiscriminatorStats {
  loss: number;
  expertAccuracy: number;
  policyAccuracy: number;
  entropy: number;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Mean Bernoulli entropy of σ(z): (1 − σ)·z + softplus(−z), baselines' logit_bernoulli_entropy. */
export function bernoulliEntropy(z: number): number {
  return (1 - sigmoid(z)) * z + softplus(-z);
}

/**
 * Discriminator loss and its gradient w.r.t. each logit, for policy logits zp
 * (label 0) and expert logits ze (label 1).
 */
export function discriminatorLoss(
  zp: ArrayLike<number>,
  ze: ArrayLike<number>,
  entropyCoef: number,
): { loss: number; entropy: number; dPolicy: Float64Array; dExpert: Float64Array } {
  const np = zp.length;
  const ne = ze.length;
  const nAll = np + ne;
  let lp = 0;
  let le = 0;
  let ent = 0;
  const dPolicy = new Float64Array(np);
  const dExpert = new Float64Array(ne);
  // d softplus(z)/dz = σ(z); d softplus(−z)/dz = σ(z) − 1; d H/dz = −σ(1 − σ)·z.
  for (let i = 0; i < np; i++) {
    const z = zp[i];
    const s = sigmoid(z);
    lp += softplus(z);
    ent += bernoulliEntropy(z);
    dPolicy[i] = s / np + (entropyCoef * s * (1 - s) * z) / nAll;
  }
  for (let i = 0; i < ne; i++) {
    const z = ze[i];
    const s = sigmoid(z);
    le += softplus(-z);
    ent += bernoulliEntropy(z);
    dExpert[i] = (s - 1) / ne + (entropyCoef * s * (1 - s) * z) / nAll;
  }
  const entropy = ent / nAll;
  return { loss: lp / np + le / ne - entropyCoef * entropy, entropy, dPolicy, dExpert };
}

/** GAIL's policy reward for a logit: −log(1 − D + 1e-8), large where D thinks "expert". */
export function gailReward(z: number): number {
  return -Math.log(1 - sigmoid(z) + 1e-8);
}

export class Discriminator {
  readonly layout: MlpLayout;
  readonly params: Float32Array;
  readonly obsNorm: RunningNorm;
  private readonly net: MlpTf;
  private readonly adam: Adam;
  private readonly grad: Float32Array;
  private dirty = true;

  constructor(
    readonly obsDim: number,
    readonly actDim: number,
    hiddenSizes: readonly number[],
    learningRate: number,
    readonly entropyCoef: number,
    rng: Rng,
  ) {
    this.layout = new MlpLayout([obsDim + actDim, ...hiddenSizes, 1]);
    this.params = initMlpParams(this.layout, rng, 1);
    this.obsNorm = new RunningNorm(obsDim);
    this.net = new MlpTf(this.layout);
    this.adam = new Adam(this.layout.numParams, learningRate);
    this.grad = new Float32Array(this.layout.numParams);
  }

  /** Logits for rows of (obs, action). */
  logits(obs: ArrayLike<number>, actions: ArrayLike<number>, rows: number): Float32Array {
    if (rows === 0) return new Float32Array(0);
    this.bind();
    const x = tf.tensor2d(this.inputs(obs, actions, rows), [rows, this.layout.inputSize]);
    const y = this.net.predict(x);
    const z = y.dataSync() as Float32Array;
    tf.dispose([x, y]);
    return z;
  }

  /** GAIL rewards for rows of (obs, action). */
  rewards(obs: ArrayLike<number>, actions: ArrayLike<number>, rows: number): Float64Array {
    const z = this.logits(obs, actions, rows);
    const r = Float64Array.from(z, gailReward);
    assertAllFinite('GAIL reward', r);
    return r;
  }

  /** One Adam step on a policy batch against an equally sized expert batch. */
  train(policyObs: Float64Array | Float32Array, policyActions: ArrayLike<number>, expertObs: Float32Array, expertActions: Float32Array, rows: number): DiscriminatorStats {
    const both = new Float64Array(2 * rows * this.obsDim);
    both.set(policyObs.subarray(0, rows * this.obsDim));
    both.set(expertObs.subarray(0, rows * this.obsDim), rows * this.obsDim);
    this.obsNorm.update(both, 2 * rows);
    this.bind();
    const inP = this.inputs(policyObs, policyActions, rows);
    const inE = this.inputs(expertObs, expertActions, rows);
    const input = new Float32Array(2 * rows * this.layout.inputSize);
    input.set(inP);
    input.set(inE, inP.length);
    const x = tf.tensor2d(input, [2 * rows, this.layout.inputSize]);
    const acts = this.net.forward(x, true);
    const z = acts.output.dataSync() as Float32Array;
    const zp = z.subarray(0, rows);
    const ze = z.subarray(rows);
    const l = discriminatorLoss(zp, ze, this.entropyCoef);
    assertFinite('discriminator loss', l.loss);
    const dz = new Float32Array(2 * rows);
    dz.set(l.dPolicy);
    dz.set(l.dExpert, rows);
    const dOut = tf.tensor2d(dz, [2 * rows, 1]);
    this.net.backward(acts, dOut, this.grad);
    dOut.dispose();
    disposeActivations(acts);
    this.adam.step(this.params, this.grad);
    this.dirty = true;
    let accE = 0;
    let accP = 0;
    for (let i = 0; i < rows; i++) {
      if (ze[i] > 0) accE++;
      if (zp[i] < 0) accP++;
    }
    return { loss: l.loss, expertAccuracy: accE / rows, policyAccuracy: accP / rows, entropy: l.entropy };
  }

  getState(): DiscriminatorState {
    return { params: encodeFloat32(this.params), adam: this.adam.getState(), obsNorm: this.obsNorm.getState() };
  }

  setState(s: DiscriminatorState): void {
    this.params.set(decodeFloat32(s.params));
    this.adam.setState(s.adam);
    this.obsNorm.setState(s.obsNorm);
    this.dirty = true;
  }

  dispose(): void {
    this.net.dispose();
  }

  private inputs(obs: ArrayLike<number>, actions: ArrayLike<number>, rows: number): Float32Array {
    const { obsDim, actDim } = this;
    const w = obsDim + actDim;
    const out = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) {
      this.obsNorm.normalizeRow(obs, r * obsDim, out, r * w);
      for (let j = 0; j < actDim; j++) out[r * w + obsDim + j] = actions[r * actDim + j];
    }
    return out;
  }

  private bind(): void {
    if (!this.dirty) return;
    this.net.bind(this.params);
    this.dirty = false;
  }
}
