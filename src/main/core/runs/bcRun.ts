/** A Behavioral Cloning run: train on the first k trajectories, keep the best-validation snapshot, evaluate. */
import { ImlabError } from '../../../shared/errors';
import type { BcConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { checkDatasetFitsEnv, expertPairs } from '../data/dataset';
import { BcTrainer, type BcState } from '../learn/behavioralCloning';
import { NonFiniteError } from '../learn/divergence';
import { evaluatePolicy } from '../learn/evaluate';
import { GaussianPolicy, type PolicyFile } from '../learn/policy';
import type { RngState } from '../math/rng';
import { SimModel } from '../sim/simModel';
import { yieldToEventLoop } from './onPolicyRun';
import { RunInterrupted, type RunContext } from './runContext';
import { evalSeed, seedStreams } from './seeds';
import { FILES } from './storage';

interface BcCheckpoint {
  format: 'imlab-checkpoint/1';
  policy: PolicyFile;
  trainer: BcState;
  rng: RngState;
}

export async function runBc(c: BcConfig, ctx: RunContext): Promise<RunSummary> {
  const start = performance.now();
  const dataset = await ctx.loadDataset(c.dataset, 'dataset');
  checkDatasetFitsEnv(dataset, c.env);
  const sim = await SimModel.load(c.env);
  const streams = seedStreams(c.seed);
  const pairs = expertPairs(dataset, c.trajectories, c.expertSubsample, (n) => streams.expert.int(n));
  const spec = sim.spec;
  const policy = new GaussianPolicy(
    { env: spec.id, obsDim: spec.obsDim, actDim: spec.actDim, hiddenSizes: c.hiddenSizes, actLow: spec.actLow, actHigh: spec.actHigh },
    undefined,
    streams.init,
  );
  const rng = streams.train;
  const trainer = new BcTrainer(policy, pairs.obs, pairs.actions, pairs.count, c, rng);
  let resumedFrom: number | null = null;
  try {
    const latest = ctx.resume ? ctx.storage.latestCheckpoint<BcCheckpoint>(ctx.resumeAtMost) : null;
    if (latest) {
      const restored = GaussianPolicy.fromFile(latest.state.policy);
      policy.setFlat(restored.getFlat());
      policy.obsNorm.setState(latest.state.policy.obsNorm);
      trainer.setState(latest.state.trainer);
      rng.setState(latest.state.rng);
      resumedFrom = trainer.iteration;
    }
    ctx.sink.emit({ type: 'started', kind: 'bc', env: spec.id, backend: ctx.backend, resumedFrom });
    ctx.sink.emit({ type: 'log', level: 'info', message: `${pairs.count} expert pairs (${trainer.validationSize} held out)` });
    const checkpoint = () => {
      const file = ctx.storage.saveCheckpoint(trainer.iteration, { format: 'imlab-checkpoint/1', policy: policy.toFile(), trainer: trainer.getState(), rng: rng.getState() } satisfies BcCheckpoint);
      ctx.sink.emit({ type: 'checkpoint', iteration: trainer.iteration, envSteps: 0, file });
    };
    let lossSum = 0;
    let lossCount = 0;
    while (trainer.iteration < c.iterations) {
      try {
        lossSum += trainer.step();
      } catch (e) {
        if (e instanceof NonFiniteError) {
          throw new ImlabError('diverged', `Behavioral cloning diverged at step ${trainer.iteration + 1}: ${e.message}. The last checkpoint stays usable.`);
        }
        throw e;
      }
      lossCount++;
      const it = trainer.iteration;
      if (it % c.validateEvery === 0 || it === c.iterations) {
        const v = trainer.validate();
        ctx.sink.emit({
          type: 'metrics',
          iteration: it,
          envSteps: 0,
          values: { trainLoss: lossSum / lossCount, validationLoss: v.loss, validationSquaredError: v.meanSquaredError, bestValidationLoss: trainer.bestLoss },
        });
        lossSum = 0;
        lossCount = 0;
      }
      if (c.evalEvery > 0 && it % c.evalEvery === 0) {
        const ev = evaluatePolicy(sim, policy, { episodes: c.evalEpisodes, deterministic: true, seed: evalSeed(c.seed, it) });
        ctx.sink.emit({ type: 'evaluation', iteration: it, envSteps: 0, final: false, result: ev.result });
      }
      if (it % 50 === 0) await yieldToEventLoop();
      if (c.checkpointEvery > 0 && it % c.checkpointEvery === 0 && it < c.iterations) checkpoint();
      if (ctx.signal?.aborted && it < c.iterations) {
        checkpoint();
        throw new RunInterrupted(it);
      }
    }
    trainer.restoreBest();
    ctx.storage.writeJson(FILES.policy, policy.toFile());
    ctx.sink.emit({ type: 'artifact', name: 'policy', file: FILES.policy, summary: { bestValidationLoss: trainer.bestLoss } });
    const final = evaluatePolicy(sim, policy, { episodes: c.finalEvalEpisodes, deterministic: true, seed: evalSeed(c.seed, -1) });
    ctx.sink.emit({ type: 'evaluation', iteration: trainer.iteration, envSteps: 0, final: true, result: final.result });
    const wall = (performance.now() - start) / 1000;
    return {
      done: true,
      kind: 'bc',
      env: spec.id,
      finalEval: { mean: final.result.mean, std: final.result.std, episodes: final.result.episodes },
      envSteps: 0,
      envStepsPerSec: 0,
      backend: ctx.backend,
      wallSeconds: wall,
      artifacts: { policy: FILES.policy },
      details: { iterations: trainer.iteration, expertPairs: pairs.count, bestValidationLoss: trainer.bestLoss },
    };
  } finally {
    trainer.dispose();
    sim.dispose();
  }
}
