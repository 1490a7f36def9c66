/**
 * GAIL (Ho & Ermon 2016, as OpenAI baselines runs it), the whole loop in
 * order: an optional Behavioral Cloning warm start, then per iteration g_step
 * generator updates (each: roll out, reward from D, advantages, policy step,
 * value fit), d_step discriminator minibatches of the last rollout against
 * equally many expert pairs, then log, evaluate, checkpoint
 * (docs/algorithms.md, "GAIL").
 */
import type { GailConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { checkDatasetFitsEnv, datasetStats, expertPairs, type ExpertPairs } from '../data/dataset';
import { BcTrainer } from '../learn/behavioralCloning';
import { Discriminator, type DiscriminatorState, type DiscriminatorStats } from '../learn/discriminator';
import type { GaussianPolicy } from '../learn/policy';
import type { Rollout } from '../learn/rollout';
import { linearDecay } from '../learn/schedule';
import { Rng, type RngState } from '../math/rng';
import { OnPolicyTraining } from './onPolicyRun';
import type { RunContext } from './runContext';
import { seedStreams } from './seeds';

/** What GAIL adds to an on-policy checkpoint. */
interface GailState {
  discriminator: DiscriminatorState;
  rng: RngState;
}

export async function runGail(c: GailConfig, ctx: RunContext): Promise<RunSummary> {
  // The expert pairs and the discriminator, drawn from the run's expert stream
  // (which later also draws the warm start's minibatches and D's expert batches).
  const dataset = await ctx.loadDataset(c.dataset, 'dataset');
  checkDatasetFitsEnv(dataset, c.env);
  const rng = seedStreams(c.seed).expert;
  const expert = expertPairs(dataset, c.trajectories, c.expertSubsample, (n) => rng.int(n));
  const dc = c.discriminator;
  const dataReturn = datasetStats(dataset).meanReturn;
  const d = new Discriminator(dataset.obsDim, dataset.actDim, dc.hiddenSizes, dc.learningRate, dc.entropyCoef, new Rng(rng.deriveSeed()), dc);
  ctx.sink.emit({
    type: 'log',
    level: 'info',
    message: `expert data: ${expert.count} state-action pairs from ${c.trajectories} trajectories (every ${c.expertSubsample}th), dataset mean return ${dataReturn.toFixed(1)}`,
  });

  const run = await OnPolicyTraining.open('gail', { ...c, algorithm: c.generator }, ctx, {
    getState: (): GailState => ({ discriminator: d.getState(), rng: rng.getState() }),
    setState(state) {
      const s = state as GailState;
      d.setState(s.discriminator);
      rng.setState(s.rng);
    },
  });
  try {
    run.start((policy) => bcWarmStart(policy, expert, c, rng, ctx));
    while (!run.done) {
      // 1. Generator: g_step updates, each on a fresh rollout rewarded by D.
      let rollout: Rollout | undefined;
      let rewardMean = 0;
      for (let g = 0; g < c.gSteps; g++) {
        const r = run.rollout();
        const rows = r.steps * r.numEnvs;
        const rewards = run.atCurrentStep(() => run.timer.time('discriminator', () => d.rewards(r.obs, r.envActions, rows)));
        rewardMean = rewards.reduce((a, b) => a + b, 0) / rows;
        // Advantages, policy step (TRPO or PPO), value fit: learn/trpo.ts, learn/ppo.ts.
        run.update(r, rewards);
        rollout = r;
      }
      // 2. Discriminator: d_step minibatches of the last rollout against as many expert pairs.
      const last = rollout!;
      d.learningRate = linearDecay(dc.learningRate, dc.learningRateEndFraction, run.envSteps / c.totalSteps);
      const stats = run.atCurrentStep(() =>
        run.timer.time('discriminator', () => d.trainEpoch(last.obs, last.envActions, last.steps * last.numEnvs, expert, c.dSteps, rng)),
      );
      // 3. Metrics row, periodic evaluation and checkpoint.
      await run.endIteration({
        ...discriminatorMetrics(stats, rewardMean, dc.gradientPenalty > 0),
        // Logged every iteration (a constant) so the health check and the return chart have the data's level at hand after any resume.
        demonstrationReturn: dataReturn,
        ...(dc.learningRateEndFraction < 1 ? { discriminatorLearningRate: d.learningRate } : {}),
      });
    }
    const summary = run.finish();
    return { ...summary, details: { ...summary.details, expertPairs: expert.count, expertMeanReturn: dataReturn } };
  } finally {
    run.dispose();
  }
}

/** bcWarmStartIterations BC steps on the expert pairs before the first iteration (none by default). */
function bcWarmStart(policy: GaussianPolicy, expert: ExpertPairs, c: GailConfig, rng: Rng, ctx: RunContext): void {
  if (c.bcWarmStartIterations <= 0) return;
  const bc = new BcTrainer(
    policy,
    expert.obs,
    expert.actions,
    expert.count,
    { batchSize: c.bcWarmStartBatchSize, learningRate: c.bcWarmStartLearningRate, loss: c.bcWarmStartLoss, validationFraction: c.bcWarmStartValidation },
    rng,
  );
  const validated = c.bcWarmStartValidation > 0;
  try {
    for (let i = 1; i <= c.bcWarmStartIterations; i++) {
      bc.step();
      if (validated && (i % c.bcWarmStartValidateEvery === 0 || i === c.bcWarmStartIterations)) bc.validate();
    }
    if (validated) bc.restoreBest();
  } finally {
    bc.dispose();
  }
  ctx.sink.emit({ type: 'log', level: 'info', message: `BC warm start: ${c.bcWarmStartIterations} steps (${c.bcWarmStartLoss}), policy std ${Array.from(policy.logStd, (l) => Math.exp(l).toFixed(3)).join(' ')}` });
}

/** The discriminator's metrics of one iteration, with the mean GAIL reward of the last rollout. */
function discriminatorMetrics(s: DiscriminatorStats, rewardMean: number, withPenalty: boolean): Record<string, number> {
  return {
    discriminatorLoss: s.loss,
    discriminatorAccuracyExpert: s.expertAccuracy,
    discriminatorAccuracyPolicy: s.policyAccuracy,
    discriminatorEntropy: s.entropy,
    gailReward: rewardMean,
    ...(withPenalty ? { discriminatorGradientPenalty: s.gradientPenalty, discriminatorInputGradNorm: s.inputGradNorm } : {}),
  };
}
