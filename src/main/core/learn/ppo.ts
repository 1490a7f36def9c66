/**
 * PPO with the clipped surrogate (Schulman et al. 2017), as CleanRL's
 * ppo_continuous_action: epochs of shuffled minibatches, advantages
 * standardised per minibatch, one Adam (ε = adamEpsilon, 1e-5) over policy,
 * log-std and value function, global gradient-norm clipping, optional linear lr decay.
 * The policy's passes run on the WebAssembly kernels (mlpWasm.ts).
 */
import type { PpoSettingsConfig } from '../../../shared/runConfigs';
import type { Rng } from '../math/rng';
import { Adam, type AdamState } from './adam';
import { explainedVariance, rolloutAdvantages, type Advantages } from './advantages';
import { assertFinite } from './divergence';
import { addLogProbGradient, entropy, inverseVariance, logProb, logProbRow } from './gaussian';
import { shuffledIndices } from './minibatch';
import { MlpWasm } from './mlpWasm';
import type { GaussianPolicy } from './policy';
import type { PolicyOptimizer } from './policyOptimizer';
import type { Rollout } from './rollout';
import { ReturnScaler, type ReturnScalerState } from './rewardScaling';
import { linearDecay } from './schedule';
import type { PhaseTimer } from './timing';
import { ValueFunction, type ValueFunctionState } from './valueFunction';

interface PpoState {
  value: ValueFunctionState;
  adam: AdamState;
  returnScaler?: ReturnScalerState;
}

/** Sums over one update's minibatches, for its metrics. */
interface PpoTotals {
  clipped: number;
  seen: number;
  klSum: number;
  pgLossSum: number;
  vLossSum: number;
  updates: number;
}

/** One minibatch's rows, copied out of the batch in shuffled order. */
class Minibatch {
  readonly obs: Float32Array;
  readonly actions: Float64Array;
  readonly advantages: Float64Array;
  readonly returns: Float32Array;
  /** The rows' old log-probabilities. */
  readonly logpOld: Float64Array;
  rows = 0;

  constructor(
    readonly capacity: number,
    private readonly obsDim: number,
    private readonly actDim: number,
  ) {
    this.obs = new Float32Array(capacity * obsDim);
    this.actions = new Float64Array(capacity * actDim);
    this.advantages = new Float64Array(capacity);
    this.returns = new Float32Array(capacity);
    this.logpOld = new Float64Array(capacity);
  }

  /** Rows order[start … start + rows) of the batch. */
  gather(order: Int32Array, start: number, rows: number, normObs: Float32Array, actions: Float64Array, adv: Advantages, logpOld: Float64Array): void {
    const { obsDim, actDim: d } = this;
    this.rows = rows;
    for (let k = 0; k < rows; k++) {
      const i = order[start + k];
      this.obs.set(normObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
      for (let j = 0; j < d; j++) this.actions[k * d + j] = actions[i * d + j];
      this.advantages[k] = adv.advantages[i];
      this.returns[k] = adv.returns[i];
      this.logpOld[k] = logpOld[i];
    }
  }
}

export class PpoOptimizer implements PolicyOptimizer {
  readonly stepsPerEnv: number;
  readonly value: ValueFunction;
  private readonly net: MlpWasm;
  private readonly adam: Adam;
  private readonly returnScaler: ReturnScaler | null;
  /** [policy MLP, log-std, value MLP]: the joint parameters, and the gradient Adam steps on. */
  private readonly theta: Float64Array<ArrayBuffer>;
  private readonly grad: Float64Array;
  private readonly gValue: Float32Array;

  constructor(
    private readonly policy: GaussianPolicy,
    private readonly s: PpoSettingsConfig,
    hiddenSizes: readonly number[],
    numEnvs: number,
    initRng: Rng,
    private readonly rng: Rng,
  ) {
    this.stepsPerEnv = Math.max(1, Math.ceil(s.stepsPerUpdate / numEnvs));
    this.value = new ValueFunction(policy.shape.obsDim, hiddenSizes, s.learningRate, initRng);
    this.net = new MlpWasm(policy.layout, s.minibatch);
    this.adam = new Adam(policy.numFlat + this.value.layout.numParams, s.learningRate, 0.9, 0.999, s.adamEpsilon);
    this.returnScaler = s.normalizeRewards ? new ReturnScaler(numEnvs, s.gamma, s.rewardClip) : null;
    this.theta = new Float64Array(policy.numFlat + this.value.layout.numParams);
    this.grad = new Float64Array(this.theta.length);
    this.gValue = new Float32Array(this.value.layout.numParams);
  }

  /** Advantages on the (optionally scaled) rewards, then `epochs` passes of shuffled minibatch steps. */
  update(rollout: Rollout, trueRewards: Float64Array, timer: PhaseTimer, progress: number): Record<string, number> {
    const { policy, s } = this;
    const rewards = this.returnScaler ? this.returnScaler.scale(trueRewards, rollout.terminated, rollout.truncated) : trueRewards;
    const rows = rollout.steps * rollout.numEnvs;
    const adv = rolloutAdvantages(rollout, rewards, policy, this.value, s.gamma, s.lambda, timer);
    this.adam.learningRate = s.annealLr ? linearDecay(s.learningRate, 0, progress) : s.learningRate;

    return timer.time('policyUpdate', () => {
      policy.obsNorm.update(rollout.obs, rows);
      const normObs = policy.obsNorm.normalize(rollout.obs, rows);
      const logpOld = this.batchLogProb(normObs, rollout.actions, rows);
      const mb = new Minibatch(Math.min(s.minibatch, rows), rollout.obsDim, rollout.actDim);
      const totals: PpoTotals = { clipped: 0, seen: 0, klSum: 0, pgLossSum: 0, vLossSum: 0, updates: 0 };
      for (let epoch = 0; epoch < s.epochs; epoch++) {
        const order = shuffledIndices(rows, this.rng);
        for (let start = 0; start < rows; start += mb.capacity) {
          mb.gather(order, start, Math.min(mb.capacity, rows - start), normObs, rollout.actions, adv, logpOld);
          if (s.normalizeAdvantages && mb.rows > 1) standardizeFirst(mb.advantages, mb.rows);
          this.minibatchStep(mb, totals);
        }
      }
      return {
        policyLoss: totals.pgLossSum / totals.updates,
        valueLoss: totals.vLossSum / totals.updates,
        approxKl: totals.klSum / totals.seen,
        clipFraction: totals.clipped / totals.seen,
        entropy: entropy(policy.logStd),
        learningRate: this.adam.learningRate,
        explainedVariance: explainedVariance(adv.values, adv.returns),
      };
    });
  }

  getState(): PpoState {
    return { value: this.value.getState(), adam: this.adam.getState(), ...(this.returnScaler ? { returnScaler: this.returnScaler.getState() } : {}) };
  }

  setState(state: unknown): void {
    const s = state as PpoState;
    this.value.setState(s.value);
    this.adam.setState(s.adam);
    if (this.returnScaler && s.returnScaler) this.returnScaler.setState(s.returnScaler);
  }

  /** Nothing to free: the kernels' memory is reclaimed with the optimiser. */
  dispose(): void {}

  /**
   * One Adam step on the minibatch's loss: clipped surrogate − entropyCoef·entropy
   * + vfCoef·½·mean (V − return)², over policy, log-std and value function
   * together, after clipping the global gradient norm.
   */
  private minibatchStep(mb: Minibatch, totals: PpoTotals): void {
    const { policy, s, net, grad, gValue, theta } = this;
    const m = mb.rows;
    const nPolicy = policy.numFlat;
    const nMlp = policy.layout.numParams;
    const nValue = this.value.layout.numParams;
    grad.fill(0);

    net.setParams(policy.params);
    net.input.set(mb.obs.subarray(0, m * policy.shape.obsDim));
    const mean = net.forward(m);
    const pgLoss = this.clippedSurrogateGradient(mb, mean, grad.subarray(nMlp, nPolicy), totals);
    for (let j = 0; j < policy.shape.actDim; j++) grad[nMlp + j] -= s.entropyCoef;
    totals.pgLossSum += assertFinite('PPO policy loss', pgLoss / m);
    const gPolicy = net.backward(m);
    totals.vLossSum += assertFinite('PPO value loss', this.value.lossGradient(mb.obs, mb.returns, m, gValue, 0.5 * s.vfCoef));

    for (let i = 0; i < nMlp; i++) grad[i] = gPolicy[i];
    for (let i = 0; i < nValue; i++) grad[nPolicy + i] = gValue[i];
    clipGlobalNorm(grad, s.maxGradNorm);
    policy.getFlat(theta);
    for (let i = 0; i < nValue; i++) theta[nPolicy + i] = this.value.params[i];
    this.adam.step(theta, grad);
    policy.setFlat(theta);
    for (let i = 0; i < nValue; i++) this.value.params[i] = theta[nPolicy + i];
    this.value.markChanged();
    totals.updates++;
  }

  /**
   * Sum over the minibatch of max(−A·r, −A·clip(r, 1 ± ε)) with r = π/π_old;
   * writes its gradient w.r.t. the means into the net's outputGrad (divided
   * by the rows) and adds the log-std part to `dLogStd`.
   */
  private clippedSurrogateGradient(mb: Minibatch, mean: Float32Array, dLogStd: Float64Array, totals: PpoTotals): number {
    const { s } = this;
    const m = mb.rows;
    const logStd = this.policy.logStd;
    const invVar = inverseVariance(logStd);
    const dMean = this.net.outputGrad;
    let pgLoss = 0;
    for (let k = 0; k < m; k++) {
      const logRatio = logProbRow(mb.actions, mean, logStd, k) - mb.logpOld[k];
      const ratio = Math.exp(logRatio);
      const a = mb.advantages[k];
      const clippedRatio = Math.min(1 + s.clip, Math.max(1 - s.clip, ratio));
      const unclippedTerm = -a * ratio;
      const clippedTerm = -a * clippedRatio;
      pgLoss += Math.max(unclippedTerm, clippedTerm);
      totals.klSum += ratio - 1 - logRatio;
      if (Math.abs(ratio - 1) > s.clip) totals.clipped++;
      totals.seen++;
      // ∂loss/∂ratio is −A/m where the unclipped term is the larger one, else 0; ∂ratio = ratio·∂ log π.
      const dRatio = unclippedTerm >= clippedTerm ? -a / m : 0;
      addLogProbGradient(mb.actions, mean, invVar, k, dRatio * ratio, 1, dMean, dLogStd);
    }
    return pgLoss;
  }

  private batchLogProb(normObs: Float32Array, actions: Float64Array, rows: number): Float64Array {
    const { net } = this;
    const { obsDim, actDim } = this.policy.shape;
    net.setParams(this.policy.params);
    const mean = new Float32Array(rows * actDim);
    for (let start = 0; start < rows; start += net.capacity) {
      const n = Math.min(net.capacity, rows - start);
      net.input.set(normObs.subarray(start * obsDim, (start + n) * obsDim));
      mean.set(net.forward(n), start * actDim);
    }
    return logProb(actions, mean, this.policy.logStd, rows);
  }
}

function standardizeFirst(x: Float64Array, n: number): void {
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  // CleanRL divides by the sample std (n − 1) plus 1e-8.
  const std = Math.sqrt(v / (n - 1));
  for (let i = 0; i < n; i++) x[i] = (x[i] - mean) / (std + 1e-8);
}

/** Scales g so its Euclidean norm is at most maxNorm; returns the norm before clipping. */
export function clipGlobalNorm(g: Float64Array, maxNorm: number): number {
  let sq = 0;
  for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  const norm = Math.sqrt(sq);
  assertFinite('gradient norm', norm);
  if (norm > maxNorm) {
    const k = maxNorm / (norm + 1e-6);
    for (let i = 0; i < g.length; i++) g[i] *= k;
  }
  return norm;
}
