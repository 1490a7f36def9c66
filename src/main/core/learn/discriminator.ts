/**
 * GAIL's discriminator D(s, a) = P(expert | s, a) = σ(logit), an MLP on
 * [normalised obs, action] (its own observation normaliser, fitted on expert
 * and policy observations). Loss = BCE(expert → 1) + BCE(policy → 0) −
 * c·mean Bernoulli entropy of D; policy reward −log(1 − D + 1e-8) (baselines).
 * Gradients w.r.t. the logits are closed-form, then one reverse pass of the
 * WebAssembly kernels (mlpWasm.ts).
 */
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng } from '../math/rng';
import { RunningNorm, type RunningNormState } from '../math/runningNorm';
import { Adam, type AdamState } from './adam';
import { assertAllFinite, assertFinite } from './divergence';
import { initMlpParams, MlpLayout } from './mlp';
import { BoundMlp } from './mlpWasm';

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

/** Rows per forward pass when computing logits for a whole batch. */
const LOGIT_ROWS = 1024;

export class Discriminator {
  readonly layout: MlpLayout;
  readonly params: Float32Array;
  readonly obsNorm: RunningNorm;
  private readonly net: BoundMlp;
  private readonly adam: Adam;

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
    this.net = new BoundMlp(this.params, this.layout, LOGIT_ROWS);
    this.adam = new Adam(this.layout.numParams, learningRate);
  }

  /** Logits for rows of (obs, action). */
  logits(obs: ArrayLike<number>, actions: ArrayLike<number>, rows: number): Float32Array {
    const z = new Float32Array(rows);
    const net = this.net.get(1);
    for (let start = 0; start < rows; start += net.capacity) {
      const n = Math.min(net.capacity, rows - start);
      this.writeInputs(net.input, 0, obs, actions, start, n);
      z.set(net.forward(n), start);
    }
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
    const net = this.net.get(2 * rows);
    this.writeInputs(net.input, 0, policyObs, policyActions, 0, rows);
    this.writeInputs(net.input, rows, expertObs, expertActions, 0, rows);
    const z = net.forward(2 * rows);
    const zp = z.subarray(0, rows);
    const ze = z.subarray(rows);
    const l = discriminatorLoss(zp, ze, this.entropyCoef);
    assertFinite('discriminator loss', l.loss);
    net.outputGrad.set(l.dPolicy);
    net.outputGrad.set(l.dExpert, rows);
    let accE = 0;
    let accP = 0;
    for (let i = 0; i < rows; i++) {
      if (ze[i] > 0) accE++;
      if (zp[i] < 0) accP++;
    }
    this.adam.step(this.params, net.backward(2 * rows));
    this.net.markStale();
    return { loss: l.loss, expertAccuracy: accE / rows, policyAccuracy: accP / rows, entropy: l.entropy };
  }

  getState(): DiscriminatorState {
    return { params: encodeFloat32(this.params), adam: this.adam.getState(), obsNorm: this.obsNorm.getState() };
  }

  setState(s: DiscriminatorState): void {
    this.params.set(decodeFloat32(s.params));
    this.adam.setState(s.adam);
    this.obsNorm.setState(s.obsNorm);
    this.net.markStale();
  }


  /** Rows [from, from + n) of (normalised obs, action) into `out` from its row `at`. */
  private writeInputs(out: Float32Array, at: number, obs: ArrayLike<number>, actions: ArrayLike<number>, from: number, n: number): void {
    const { obsDim, actDim } = this;
    const w = obsDim + actDim;
    for (let r = 0; r < n; r++) {
      const o = (at + r) * w;
      this.obsNorm.normalizeRow(obs, (from + r) * obsDim, out, o);
      for (let j = 0; j < actDim; j++) out[o + obsDim + j] = actions[(from + r) * actDim + j];
    }
  }
}
