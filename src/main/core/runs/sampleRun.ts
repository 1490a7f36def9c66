/** Rolls an expert policy out into a dataset of trajectories (stochastic by default, as the GAIL paper did). */
import type { SampleConfig } from '../../../shared/runConfigs';
import type { RunSummary } from '../../../shared/progress';
import { datasetStats, type Dataset } from '../data/dataset';
import { evaluatePolicy } from '../learn/evaluate';
import { SimModel } from '../sim/simModel';
import type { RunContext } from './runContext';
import { seedStreams } from './seeds';
import { FILES, saveDataset } from './storage';
import { loadPolicyForEnv } from './policyCheck';

export async function runSample(c: SampleConfig, ctx: RunContext): Promise<RunSummary> {
  const start = performance.now();
  const policy = loadPolicyForEnv(c.policy, c.env);
  const sim = await SimModel.load(c.env);
  try {
    ctx.sink.emit({ type: 'started', kind: 'sample', env: sim.spec.id, backend: ctx.backend, resumedFrom: null });
    const ev = evaluatePolicy(sim, policy, { episodes: c.episodes, deterministic: c.deterministic, seed: seedStreams(c.seed).envSeed, record: true });
    const dataset: Dataset = {
      env: sim.spec.id,
      obsDim: sim.spec.obsDim,
      actDim: sim.spec.actDim,
      nq: sim.nq,
      nv: sim.nv,
      source: { policy: c.policy, deterministic: c.deterministic, seed: c.seed },
      trajectories: ev.trajectories,
    };
    const stats = datasetStats(dataset);
    saveDataset(ctx.storage, dataset);
    ctx.sink.emit({ type: 'artifact', name: 'dataset', file: FILES.dataset, summary: { ...stats } });
    ctx.sink.emit({ type: 'evaluation', iteration: 0, envSteps: ev.envSteps, final: true, result: ev.result });
    const wall = (performance.now() - start) / 1000;
    return {
      done: true,
      kind: 'sample',
      env: sim.spec.id,
      finalEval: { mean: ev.result.mean, std: ev.result.std, episodes: ev.result.episodes },
      envSteps: ev.envSteps,
      envStepsPerSec: ev.envSteps / wall,
      backend: ctx.backend,
      wallSeconds: wall,
      artifacts: { dataset: FILES.dataset },
      details: { trajectories: stats.trajectories, meanReturn: stats.meanReturn, stdReturn: stats.stdReturn, meanLength: stats.meanLength },
    };
  } finally {
    sim.dispose();
  }
}
