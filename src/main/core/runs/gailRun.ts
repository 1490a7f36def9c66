/**
 * GAIL (Ho & Ermon 2016, as OpenAI baselines runs it): per iteration, g_step
 * policy updates on the discriminator's reward, each from a fresh rollout,
 * then d_step discriminator minibatches of the last rollout against equally
 * many expert pairs. Optional Behavioral Cloning warm start.
 */
import type { GailConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { checkDatasetFitsEnv, datasetStats, expertPairs } from '../data/dataset';
import { BcTrainer } from '../learn/behavioralCloning';
import { Discriminator, type DiscriminatorState } from '../learn/discriminator';
import { shuffledIndices } from '../learn/minibatch';
import { Rng, type RngState } from '../math/rng';
import { runOnPolicy } from './onPolicyRun';
import type { RunContext } from './runContext';
import { seedStreams } from './seeds';

interface GailHookState {
  discriminator: DiscriminatorState;
  rng: RngState;
}

export async function runGail(c: GailConfig, ctx: RunContext): Promise<RunSummary> {
  const dataset = await ctx.loadDataset(c.dataset, 'dataset');
  checkDatasetFitsEnv(dataset, c.env);
  const rng = seedStreams(c.seed).expert;
  const pairs = expertPairs(dataset, c.trajectories, c.expertSubsample, (n) => rng.int(n));
  const { obsDim, actDim } = dataset;
  const dc = c.discriminator;
  const d = new Discriminator(obsDim, actDim, dc.hiddenSizes, dc.learningRate, dc.entropyCoef, new Rng(rng.deriveSeed()), dc);
  let lastRewardMean = 0;
  ctx.sink.emit({
    type: 'log',
    level: 'info',
    message: `expert data: ${pairs.count} state-action pairs from ${c.trajectories} trajectories (every ${c.expertSubsample}th), dataset mean return ${datasetStats(dataset).meanReturn.toFixed(1)}`,
  });
  const summary = await runOnPolicy(
    'gail',
    { ...c, algorithm: c.generator, updatesPerIteration: c.gSteps },
    ctx,
    {
      prepare(policy) {
        if (c.bcWarmStartIterations <= 0) return;
        const bc = new BcTrainer(policy, pairs.obs, pairs.actions, pairs.count, { batchSize: c.bcWarmStartBatchSize, learningRate: c.bcWarmStartLearningRate, loss: c.bcWarmStartLoss, validationFraction: c.bcWarmStartValidation }, rng);
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
      },
      rewards(rollout, timer) {
        return timer.time('discriminator', () => {
          const rows = rollout.steps * rollout.numEnvs;
          const r = d.rewards(rollout.obs, rollout.envActions, rows);
          lastRewardMean = r.reduce((a, b) => a + b, 0) / rows;
          return r;
        });
      },
      afterUpdates(rollout, timer) {
        return timer.time('discriminator', () => {
          const rows = rollout.steps * rollout.numEnvs;
          const batch = Math.floor(rows / c.dSteps);
          const order = shuffledIndices(rows, rng);
          const po = new Float64Array(batch * obsDim);
          const pa = new Float64Array(batch * actDim);
          const eo = new Float32Array(batch * obsDim);
          const ea = new Float32Array(batch * actDim);
          const sums = { loss: 0, expertAccuracy: 0, policyAccuracy: 0, entropy: 0, gradientPenalty: 0, inputGradNorm: 0 };
          for (let step = 0; step < c.dSteps; step++) {
            for (let k = 0; k < batch; k++) {
              const i = order[step * batch + k];
              po.set(rollout.obs.subarray(i * obsDim, (i + 1) * obsDim), k * obsDim);
              pa.set(rollout.envActions.subarray(i * actDim, (i + 1) * actDim), k * actDim);
              const e = rng.int(pairs.count);
              eo.set(pairs.obs.subarray(e * obsDim, (e + 1) * obsDim), k * obsDim);
              ea.set(pairs.actions.subarray(e * actDim, (e + 1) * actDim), k * actDim);
            }
            const st = d.train(po, pa, eo, ea, batch);
            sums.loss += st.loss;
            sums.expertAccuracy += st.expertAccuracy;
            sums.policyAccuracy += st.policyAccuracy;
            sums.entropy += st.entropy;
            sums.gradientPenalty += st.gradientPenalty;
            sums.inputGradNorm += st.inputGradNorm;
          }
          return {
            discriminatorLoss: sums.loss / c.dSteps,
            discriminatorAccuracyExpert: sums.expertAccuracy / c.dSteps,
            discriminatorAccuracyPolicy: sums.policyAccuracy / c.dSteps,
            discriminatorEntropy: sums.entropy / c.dSteps,
            gailReward: lastRewardMean,
            ...(dc.gradientPenalty > 0 ? { discriminatorGradientPenalty: sums.gradientPenalty / c.dSteps, discriminatorInputGradNorm: sums.inputGradNorm / c.dSteps } : {}),
          };
        });
      },
      getState(): GailHookState {
        return { discriminator: d.getState(), rng: rng.getState() };
      },
      setState(state) {
        const s = state as GailHookState;
        d.setState(s.discriminator);
        rng.setState(s.rng);
      },
    },
  );
  return { ...summary, details: { ...summary.details, expertPairs: pairs.count, expertMeanReturn: datasetStats(dataset).meanReturn } };
}
