/**
 * PPO with the clipped surrogate (Schulman et al. 2017), as CleanRL's
 * ppo_continuous_action: epochs of shuffled minibatches, advantages
 * standardised per minibatch, one Adam (ε = 1e-5) over policy, log-std and
 * value function, global gradient-norm clipping, optional linear lr decay.
 * The policy's passes run on the WebAssembly kernels (mlpWasm.ts).
 */
import type { PpoSettingsConfig } from '../../../shared/runConfigs';
import type { Rng } from '../math/rng';
import { Adam, type AdamState } from './adam';
import { explainedVariance, rolloutAdvantages } from './advantages';
import { assertFinite } from './divergence';
import { entropy, logProb } from './gaussian';
import { shuffledIndices } from './minibatch';
import { MlpWasm } from './mlpWasm';
import type { GaussianPolicy } from './policy';
import type { PolicyOptimizer } from './policyOptimizer';
import type { Rollout } from './rollout';
import { ReturnScaler, type ReturnScalerState } from './rewardScaling';
import type { PhaseTimer } from './timing';
import { ValueFunction, type ValueFunctionState } from './valueFunction';

interface PpoState {
  value: ValueFunctionState;
  adam: AdamState;
  returnScaler?: ReturnScalerState;
}

export class PpoOptimizer implements PolicyOptimizer {
  readonly stepsPerEnv: number;
  readonly value: ValueFunction;
  private readonly net: MlpWasm;
  private readonly adam: Adam;
  private readonly returnScaler: ReturnScaler | null;

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
    this.adam = new Adam(policy.numFlat + this.value.layout.numParams, s.learningRate, 0.9, 0.999, 1e-5);
    this.returnScaler = s.normalizeRewards ? new ReturnScaler(numEnvs, s.gamma, s.rewardClip) : null;
  }

  update(rollout: Rollout, trueRewards: Float64Array, timer: PhaseTimer, progress: number): Record<string, number> {
    const { policy, s } = this;
    const rewards = this.returnScaler ? this.returnScaler.scale(trueRewards, rollout.terminated, rollout.truncated) : trueRewards;
    const rows = rollout.steps * rollout.numEnvs;
    const { obsDim, actDim: d } = rollout;
    const adv = rolloutAdvantages(rollout, rewards, policy, this.value, s.gamma, s.lambda, timer);
    const nPolicy = policy.numFlat;
    const nMlp = policy.layout.numParams;
    const nValue = this.value.layout.numParams;
    this.adam.learningRate = s.annealLr ? s.learningRate * Math.max(0, 1 - progress) : s.learningRate;

    return timer.time('policyUpdate', () => {
      policy.obsNorm.update(rollout.obs, rows);
      const normObs = policy.obsNorm.normalize(rollout.obs, rows);
      const logpOld = this.batchLogProb(normObs, rollout.actions, rows);
      const batch = Math.min(s.minibatch, rows);
      const xb = new Float32Array(batch * obsDim);
      const ab = new Float64Array(batch * d);
      const advB = new Float64Array(batch);
      const retB = new Float32Array(batch);
      const dMean = new Float32Array(batch * d);
      const gValue = new Float32Array(nValue);
      const grad = new Float64Array(nPolicy + nValue);
      const theta = new Float64Array(nPolicy + nValue);
      let clipped = 0;
      let seen = 0;
      let klSum = 0;
      let pgLossSum = 0;
      let vLossSum = 0;
      let updates = 0;
      for (let epoch = 0; epoch < s.epochs; epoch++) {
        const order = shuffledIndices(rows, this.rng);
        for (let start = 0; start < rows; start += batch) {
          const m = Math.min(batch, rows - start);
          for (let k = 0; k < m; k++) {
            const i = order[start + k];
            xb.set(normObs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
            for (let j = 0; j < d; j++) ab[k * d + j] = rollout.actions[i * d + j];
            advB[k] = adv.advantages[i];
            retB[k] = adv.returns[i];
          }
          if (s.normalizeAdvantages && m > 1) standardizeFirst(advB, m);

          this.net.setParams(policy.params);
          this.net.input.set(xb.subarray(0, m * obsDim));
          const mean = this.net.forward(m);
          const logStd = policy.logStd;
          grad.fill(0);
          let pgLoss = 0;
          for (let k = 0; k < m; k++) {
            let lp = 0;
            for (let j = 0; j < d; j++) {
              const z = (ab[k * d + j] - mean[k * d + j]) / Math.exp(logStd[j]);
              lp += -0.5 * z * z - logStd[j];
            }
            lp -= 0.5 * d * Math.log(2 * Math.PI);
            const logRatio = lp - logpOld[order[start + k]];
            const ratio = Math.exp(logRatio);
            const a = advB[k];
            const clippedRatio = Math.min(1 + s.clip, Math.max(1 - s.clip, ratio));
            const unclippedTerm = -a * ratio;
            const clippedTerm = -a * clippedRatio;
            pgLoss += Math.max(unclippedTerm, clippedTerm);
            klSum += ratio - 1 - logRatio;
            if (Math.abs(ratio - 1) > s.clip) clipped++;
            seen++;
            // ∂loss/∂ratio is −A/m where the unclipped term is the larger one, else 0.
            const dRatio = unclippedTerm >= clippedTerm ? -a / m : 0;
            for (let j = 0; j < d; j++) {
              const invVar = Math.exp(-2 * logStd[j]);
              const diff = ab[k * d + j] - mean[k * d + j];
              dMean[k * d + j] = dRatio * ratio * diff * invVar;
              grad[nMlp + j] += dRatio * ratio * (diff * diff * invVar - 1);
            }
          }
          for (let j = 0; j < d; j++) grad[nMlp + j] -= s.entropyCoef;
          pgLossSum += assertFinite('PPO policy loss', pgLoss / m);
          this.net.outputGrad.set(dMean.subarray(0, m * d));
          const gPolicy = this.net.backward(m);
          vLossSum += assertFinite('PPO value loss', this.value.lossGradient(xb, retB, m, gValue, 0.5 * s.vfCoef));

          for (let i = 0; i < nMlp; i++) grad[i] = gPolicy[i];
          for (let i = 0; i < nValue; i++) grad[nPolicy + i] = gValue[i];
          clipGlobalNorm(grad, s.maxGradNorm);
          policy.getFlat(theta);
          for (let i = 0; i < nValue; i++) theta[nPolicy + i] = this.value.params[i];
          this.adam.step(theta, grad);
          policy.setFlat(theta);
          for (let i = 0; i < nValue; i++) this.value.params[i] = theta[nPolicy + i];
          this.value.markChanged();
          updates++;
        }
      }
      return {
        policyLoss: pgLossSum / updates,
        valueLoss: vLossSum / updates,
        approxKl: klSum / seen,
        clipFraction: clipped / seen,
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
