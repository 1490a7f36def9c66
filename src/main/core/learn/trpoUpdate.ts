/**
 * One TRPO policy step (Schulman et al. 2015, as in OpenAI baselines):
 * surrogate gradient g, natural direction s ≈ F⁻¹g by conjugate gradient,
 * step scaled to the KL radius, then a backtracking line search that accepts
 * the first step that improves the surrogate with KL ≤ lineSearchKlRatio·max_kl
 * (baselines: 1.5), shrinking by lineSearchBacktrack (0.5) otherwise.
 *
 * F·v uses the Gauss–Newton form for a Gaussian policy, Jᵀ M J v: J v by the
 * MLP's forward-mode pass, Jᵀ(·) by its reverse pass, M = 1/σ² for the mean and
 * 2 for each log-std (shared by all samples). No nested tf.grad: the passes
 * are the WebAssembly kernels' (mlpWasm.ts), over activations cached once per
 * step.
 */
import { trpoSettingsSchema } from '../../../shared/runConfigs';
import { conjugateGradient, dot } from './conjugateGradient';
import { assertAllFinite, assertFinite } from './divergence';
import { addLogProbGradient, entropy, inverseVariance, logProb, meanKl } from './gaussian';
import type { MlpLayout } from './mlp';
import { MlpWasm } from './mlpWasm';
import type { GaussianPolicy } from './policy';

export interface TrpoSettings {
  maxKl: number;
  cgIterations: number;
  cgDamping: number;
  lineSearchSteps: number;
  entropyCoef: number;
  /** Fisher-vector products on every k-th sample (1 = all). */
  fvpSubsample: number;
  /** Accept a line-search step with mean KL ≤ this × maxKl (default: the schema's). */
  lineSearchKlRatio?: number;
  /** Step-size factor per rejected line-search step (default: the schema's). */
  lineSearchBacktrack?: number;
  /** Conjugate gradient stops once the squared residual is at most this (default: the schema's). */
  cgResidualTolerance?: number;
}

const DEFAULTS = trpoSettingsSchema.parse(undefined);

export interface TrpoStats {
  kl: number;
  entropy: number;
  surrogateImprove: number;
  expectedImprove: number;
  lineSearchSteps: number;
  accepted: boolean;
}

export interface PolicyBatch {
  /** rows × obsDim, normalised with the policy's normaliser. */
  normObs: Float32Array;
  /** rows × actDim sampled actions. */
  actions: Float64Array;
  advantages: Float64Array;
  rows: number;
}

/** The policy MLP for the whole batch and for the Fisher-vector subsample, (re)made as the batch size requires. */
export class TrpoNets {
  private batchNet: MlpWasm | undefined;
  private fvpNet: MlpWasm | undefined;

  constructor(readonly layout: MlpLayout) {}

  batch(rows: number): MlpWasm {
    if (!this.batchNet || this.batchNet.capacity < rows) this.batchNet = new MlpWasm(this.layout, rows);
    return this.batchNet;
  }

  fvp(rows: number): MlpWasm {
    if (!this.fvpNet || this.fvpNet.capacity < rows) this.fvpNet = new MlpWasm(this.layout, rows);
    return this.fvpNet;
  }
}

export function trpoStep(policy: GaussianPolicy, nets: TrpoNets, batch: PolicyBatch, s: TrpoSettings): TrpoStats {
  const { rows, normObs, actions, advantages } = batch;
  const d = policy.shape.actDim;
  const nMlp = policy.layout.numParams;
  const nFlat = policy.numFlat;
  const obsDim = policy.shape.obsDim;

  const net = nets.batch(rows);
  net.setParams(policy.params);
  net.input.set(normObs.subarray(0, rows * obsDim));
  const meanOld = Float32Array.from(net.forward(rows));
  const logStdOld = Float64Array.from(policy.logStd);
  const invVar = inverseVariance(logStdOld);
  const logpOld = logProb(actions, meanOld, logStdOld, rows);

  // Surrogate gradient at the current policy, where every ratio is 1: the mean
  // over rows of A·∇ log π, plus the entropy bonus's (1 per log-std).
  const dMean = new Float32Array(rows * d);
  const g = new Float64Array(nFlat);
  const gLogStd = g.subarray(nMlp);
  let advMean = 0;
  for (let i = 0; i < rows; i++) {
    advMean += advantages[i];
    addLogProbGradient(actions, meanOld, invVar, i, advantages[i], rows, dMean, gLogStd);
  }
  for (let j = 0; j < d; j++) g[nMlp + j] += s.entropyCoef;
  const surrogateBefore = advMean / rows + s.entropyCoef * entropy(logStdOld);
  net.outputGrad.set(dMean);
  const gMlp = net.backward(rows);
  for (let i = 0; i < nMlp; i++) g[i] = gMlp[i];
  assertAllFinite('policy gradient', g);

  const k = Math.max(1, Math.floor(s.fvpSubsample));
  let fvpRows = rows;
  let fvpNet = net;
  if (k > 1) {
    fvpRows = Math.ceil(rows / k);
    fvpNet = nets.fvp(fvpRows);
    fvpNet.setParams(policy.params);
    for (let r = 0; r < fvpRows; r++) fvpNet.input.set(normObs.subarray(r * k * obsDim, (r * k + 1) * obsDim), r * obsDim);
    fvpNet.forward(fvpRows);
  }
  const fvp = fisherVectorProduct(fvpNet, fvpRows, invVar, nMlp, s.cgDamping);

  const step = conjugateGradient(fvp, g, s.cgIterations, s.cgResidualTolerance ?? DEFAULTS.cgResidualTolerance).x;
  const shs = 0.5 * dot(step, fvp(step));
  const stats: TrpoStats = { kl: 0, entropy: entropy(logStdOld), surrogateImprove: 0, expectedImprove: 0, lineSearchSteps: 0, accepted: false };
  if (!(shs > 0) || !Number.isFinite(shs)) return stats;
  const lm = Math.sqrt(shs / s.maxKl);
  const fullStep = step.map((v) => v / lm);
  stats.expectedImprove = assertFinite('TRPO expected improvement', dot(g, fullStep));

  const klRatio = s.lineSearchKlRatio ?? DEFAULTS.lineSearchKlRatio;
  const backtrack = s.lineSearchBacktrack ?? DEFAULTS.lineSearchBacktrack;
  const theta0 = policy.getFlat();
  const theta = new Float64Array(nFlat);
  const logpNew = new Float64Array(rows);
  let fraction = 1;
  for (let ls = 0; ls < s.lineSearchSteps; ls++) {
    for (let i = 0; i < nFlat; i++) theta[i] = theta0[i] + fraction * fullStep[i];
    policy.setFlat(theta);
    net.setParams(policy.params);
    const meanNew = net.forward(rows);
    logProb(actions, meanNew, policy.logStd, rows, logpNew);
    let surr = 0;
    for (let i = 0; i < rows; i++) surr += Math.exp(logpNew[i] - logpOld[i]) * advantages[i];
    surr = surr / rows + s.entropyCoef * entropy(policy.logStd);
    const kl = meanKl(meanOld, logStdOld, meanNew, policy.logStd, rows);
    const improve = surr - surrogateBefore;
    stats.lineSearchSteps = ls + 1;
    if (Number.isFinite(surr) && Number.isFinite(kl) && kl <= klRatio * s.maxKl && improve >= 0) {
      stats.kl = kl;
      stats.surrogateImprove = improve;
      stats.entropy = entropy(policy.logStd);
      stats.accepted = true;
      return stats;
    }
    fraction *= backtrack;
  }
  policy.setFlat(theta0);
  return stats;
}

/**
 * v ↦ (F + damping·I) v for the Gaussian policy whose mean MLP `net` last ran
 * forward on `rows` samples, with log-std entries after the nMlp MLP parameters.
 */
export function fisherVectorProduct(net: MlpWasm, rows: number, invVar: Float64Array, nMlp: number, damping: number): (v: Float64Array) => Float64Array {
  const d = invVar.length;
  const scale = Float32Array.from(invVar, (iv) => iv / rows);
  return (v) => {
    const jv = net.jvp(rows, v);
    for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) net.outputGrad[r * d + j] = jv[r * d + j] * scale[j];
    const fMlp = net.backward(rows);
    const out = new Float64Array(nMlp + d);
    for (let i = 0; i < nMlp; i++) out[i] = fMlp[i] + damping * v[i];
    for (let j = 0; j < d; j++) out[nMlp + j] = (2 + damping) * v[nMlp + j];
    return out;
  };
}
