/**
 * TRPO as an on-policy optimiser (baselines' trpo_mpi): per batch, values and
 * GAE with the old normaliser, normaliser update, standardised advantages,
 * one natural-gradient step with line search, then value-function epochs.
 */
import type { TrpoSettingsConfig } from '../../../shared/runConfigs';
import type { Rng } from '../math/rng';
import { explainedVariance, rolloutAdvantages } from './advantages';
import { standardize } from './gae';
import { linearDecay } from './schedule';
import type { GaussianPolicy } from './policy';
import type { PolicyOptimizer } from './policyOptimizer';
import type { Rollout } from './rollout';
import type { PhaseTimer } from './timing';
import { trpoStep, TrpoNets } from './trpoUpdate';
import { ValueFunction, type ValueFunctionState } from './valueFunction';

export class TrpoOptimizer implements PolicyOptimizer {
  readonly stepsPerEnv: number;
  readonly value: ValueFunction;
  private readonly nets: TrpoNets;

  constructor(
    private readonly policy: GaussianPolicy,
    private readonly s: TrpoSettingsConfig,
    hiddenSizes: readonly number[],
    numEnvs: number,
    initRng: Rng,
    private readonly rng: Rng,
  ) {
    this.stepsPerEnv = Math.max(1, Math.ceil(s.batchSteps / numEnvs));
    this.value = new ValueFunction(policy.shape.obsDim, hiddenSizes, s.vfLearningRate, initRng);
    this.nets = new TrpoNets(policy.layout);
  }

  update(rollout: Rollout, rewards: Float64Array, timer: PhaseTimer, progress: number): Record<string, number> {
    const { policy, s } = this;
    const rows = rollout.steps * rollout.numEnvs;
    const adv = rolloutAdvantages(rollout, rewards, policy, this.value, s.gamma, s.lambda, timer);
    const normObs = timer.time('policyUpdate', () => {
      policy.obsNorm.update(rollout.obs, rows);
      return policy.obsNorm.normalize(rollout.obs, rows);
    });
    const maxKl = linearDecay(s.maxKl, s.maxKlEndFraction, progress, s.maxKlDecayStart);
    const stats = timer.time('policyUpdate', () =>
      trpoStep(policy, this.nets, { normObs, actions: rollout.actions, advantages: standardize(Float64Array.from(adv.advantages)), rows }, { ...s, maxKl }),
    );
    const vfLoss = timer.time('valueUpdate', () => this.value.fit(normObs, adv.returns, rows, s.vfEpochs, s.vfMinibatch, this.rng));
    return {
      kl: stats.kl,
      ...(s.maxKlEndFraction < 1 ? { maxKl } : {}),
      entropy: stats.entropy,
      surrogateImprove: stats.surrogateImprove,
      expectedImprove: stats.expectedImprove,
      lineSearchSteps: stats.lineSearchSteps,
      stepAccepted: stats.accepted ? 1 : 0,
      valueLoss: vfLoss,
      explainedVariance: explainedVariance(adv.values, adv.returns),
    };
  }

  getState(): { value: ValueFunctionState } {
    return { value: this.value.getState() };
  }

  setState(state: unknown): void {
    this.value.setState((state as { value: ValueFunctionState }).value);
  }

  /** Nothing to free: the kernels' memory is reclaimed with the optimiser. */
  dispose(): void {}
}
