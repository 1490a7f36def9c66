/**
 * GAIL's discriminator D(s, a) = P(expert | s, a) = σ(logit), an MLP on
 * [normalised obs, action] (its own observation normaliser, fitted on expert
 * and policy observations). Loss = BCE(expert → 1) + BCE(policy → 0) −
 * c·mean Bernoulli entropy of D; policy reward −log(1 − D + 1e-8) (baselines).
 * Gradients w.r.t. the logits are closed-form, then one reverse pass of the
 * WebAssembly kernels (mlpWasm.ts).
 */
import { decodeFloat32, encodeFloat32 } from '../math/base64';
import type { Rng, RngState } from '../math/rng';
import { RunningNorm, type RunningNormState } from '../math/runningNorm';
import { Adam, type AdamState } from './adam';
import { assertAllFinite, assertFinite } from './divergence';
import { addGradientPenalty } from './gradientPenalty';
import { shuffledIndices } from './minibatch';
import { initMlpParams, MlpLayout } from './mlp';
import { BoundMlp } from './mlpWasm';

export interface DiscriminatorState {
  params: string;
  adam: AdamState;
  obsNorm: RunningNormState;
  /** Present when actions are normalised too. */
  actNorm?: RunningNormState;
  /** The stream that draws the gradient penalty's interpolation weights. */
  rng?: RngState;
}

/** Lipschitz regularisation and input normalisation; all off by default (baselines' D). */
export interface DiscriminatorRegularisation {
  /** Coefficient of the gradient penalty (0 = off). */
  gradientPenalty?: number;
  /** The gradient norm the penalty pulls towards. */
  gradientPenaltyTarget?: number;
  /** Where the input gradient is taken: on random interpolates of policy and expert rows, or on expert rows. */
  gradientPenaltyAt?: 'interpolates' | 'expert';
  /** Standardise actions with a running mean/std fitted on expert and policy actions, as observations are. */
  normalizeActions?: boolean;
}

export interface DiscriminatorStats {
  loss: number;
  expertAccuracy: number;
  policyAccuracy: number;
  entropy: number;
  /** The gradient penalty's value (0 when off). */
  gradientPenalty: number;
  /** Mean ‖∇ D's logit‖ at the penalty's points (0 when off). */
  inputGradNorm: number;
}

const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Mean Bernoulli entropy of σ(z): (1 − σ)·z + softplus(−z), baselines' logit_bernoulli_entropy. */
export function bernoulliEntropy(z: number): number {
  return (1 - sigmoid(z)) * z + softplus(-z);
}

/** Expert state-action pairs, float32 rows (as data/dataset.ts's expertPairs makes them). */
export interface ExpertSamples {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly count: number;
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
  readonly actNorm: RunningNorm | null;
  private readonly net: BoundMlp;
  private readonly adam: Adam;
  private readonly reg: Required<DiscriminatorRegularisation>;

  constructor(
    readonly obsDim: number,
    readonly actDim: number,
    hiddenSizes: readonly number[],
    learningRate: number,
    readonly entropyCoef: number,
    private readonly rng: Rng,
    reg: DiscriminatorRegularisation = {},
  ) {
    this.reg = { gradientPenalty: 0, gradientPenaltyTarget: 1, gradientPenaltyAt: 'interpolates', normalizeActions: false, ...reg };
    this.layout = new MlpLayout([obsDim + actDim, ...hiddenSizes, 1]);
    this.params = initMlpParams(this.layout, rng, 1);
    this.obsNorm = new RunningNorm(obsDim);
    this.actNorm = this.reg.normalizeActions ? new RunningNorm(actDim) : null;
    this.net = new BoundMlp(this.params, this.layout, LOGIT_ROWS);
    this.adam = new Adam(this.layout.numParams, learningRate);
  }

  /** Adam's learning rate from the next step on (GAIL's schedule sets it per iteration). */
  set learningRate(lr: number) {
    this.adam.learningRate = lr;
  }

  get learningRate(): number {
    return this.adam.learningRate;
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
    if (this.actNorm) {
      const acts = new Float64Array(2 * rows * this.actDim);
      for (let k = 0; k < rows * this.actDim; k++) acts[k] = policyActions[k];
      acts.set(expertActions.subarray(0, rows * this.actDim), rows * this.actDim);
      this.actNorm.update(acts, 2 * rows);
    }
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
    const grad = net.backward(2 * rows);
    let gp = { penalty: 0, meanGradNorm: 0 };
    if (this.reg.gradientPenalty > 0) {
      const points = this.penaltyPoints(net.input, rows);
      gp = addGradientPenalty(this.layout, this.params, points, rows, this.reg.gradientPenalty, this.reg.gradientPenaltyTarget, grad);
      assertFinite('discriminator gradient penalty', gp.penalty);
    }
    this.adam.step(this.params, grad);
    this.net.markStale();
    return { loss: l.loss + gp.penalty, expertAccuracy: accE / rows, policyAccuracy: accP / rows, entropy: l.entropy, gradientPenalty: gp.penalty, inputGradNorm: gp.meanGradNorm };
  }

  /**
   * GAIL's d_step: `steps` minibatches of the policy's rows (shuffled and
   * split into `steps` equal parts, a remainder left out), each against as many
   * expert pairs drawn uniformly with replacement, one `train` step each.
   * `rng` (the run's, not D's own) draws the order and the expert pairs.
   * Returns the mean of the steps' statistics.
   */
  trainEpoch(policyObs: Float64Array, policyActions: Float64Array, rows: number, expert: ExpertSamples, steps: number, rng: Rng): DiscriminatorStats {
    const { obsDim, actDim } = this;
    const batch = Math.floor(rows / steps);
    const order = shuffledIndices(rows, rng);
    const po = new Float64Array(batch * obsDim);
    const pa = new Float64Array(batch * actDim);
    const eo = new Float32Array(batch * obsDim);
    const ea = new Float32Array(batch * actDim);
    const sums: DiscriminatorStats = { loss: 0, expertAccuracy: 0, policyAccuracy: 0, entropy: 0, gradientPenalty: 0, inputGradNorm: 0 };
    for (let step = 0; step < steps; step++) {
      for (let k = 0; k < batch; k++) {
        const i = order[step * batch + k];
        po.set(policyObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
        pa.set(policyActions.subarray(i * actDim, (i + 1) * actDim), k * actDim);
        const e = rng.int(expert.count);
        eo.set(expert.obs.subarray(e * obsDim, (e + 1) * obsDim), k * obsDim);
        ea.set(expert.actions.subarray(e * actDim, (e + 1) * actDim), k * actDim);
      }
      const st = this.train(po, pa, eo, ea, batch);
      sums.loss += st.loss;
      sums.expertAccuracy += st.expertAccuracy;
      sums.policyAccuracy += st.policyAccuracy;
      sums.entropy += st.entropy;
      sums.gradientPenalty += st.gradientPenalty;
      sums.inputGradNorm += st.inputGradNorm;
    }
    return {
      loss: sums.loss / steps,
      expertAccuracy: sums.expertAccuracy / steps,
      policyAccuracy: sums.policyAccuracy / steps,
      entropy: sums.entropy / steps,
      gradientPenalty: sums.gradientPenalty / steps,
      inputGradNorm: sums.inputGradNorm / steps,
    };
  }

  getState(): DiscriminatorState {
    return {
      params: encodeFloat32(this.params),
      adam: this.adam.getState(),
      obsNorm: this.obsNorm.getState(),
      ...(this.actNorm ? { actNorm: this.actNorm.getState() } : {}),
      rng: this.rng.getState(),
    };
  }

  setState(s: DiscriminatorState): void {
    this.params.set(decodeFloat32(s.params));
    this.adam.setState(s.adam);
    this.obsNorm.setState(s.obsNorm);
    if (this.actNorm && s.actNorm) this.actNorm.setState(s.actNorm);
    if (s.rng) this.rng.setState(s.rng);
    this.net.markStale();
  }

  /**
   * The rows the gradient penalty is taken at, from the network's input (policy
   * rows, then expert rows): x̃ = ε·expert + (1 − ε)·policy with ε ~ U(0, 1) per
   * row (WGAN-GP, DAC), or the expert rows themselves.
   */
  private penaltyPoints(input: Float32Array, rows: number): Float64Array {
    const w = this.obsDim + this.actDim;
    const out = new Float64Array(rows * w);
    const expert = rows * w;
    if (this.reg.gradientPenaltyAt === 'expert') {
      for (let k = 0; k < rows * w; k++) out[k] = input[expert + k];
      return out;
    }
    for (let r = 0; r < rows; r++) {
      const eps = this.rng.uniform(0, 1);
      for (let j = 0; j < w; j++) out[r * w + j] = eps * input[expert + r * w + j] + (1 - eps) * input[r * w + j];
    }
    return out;
  }

  /** Rows [from, from + n) of (normalised obs, action) into `out` from its row `at`. */
  private writeInputs(out: Float32Array, at: number, obs: ArrayLike<number>, actions: ArrayLike<number>, from: number, n: number): void {
    const { obsDim, actDim } = this;
    const w = obsDim + actDim;
    for (let r = 0; r < n; r++) {
      const o = (at + r) * w;
      this.obsNorm.normalizeRow(obs, (from + r) * obsDim, out, o);
      if (this.actNorm) this.actNorm.normalizeRow(actions, (from + r) * actDim, out, o + obsDim);
      else for (let j = 0; j < actDim; j++) out[o + obsDim + j] = actions[(from + r) * actDim + j];
    }
  }
}
