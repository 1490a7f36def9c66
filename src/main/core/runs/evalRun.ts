/** Deterministic and/or stochastic evaluation of a saved policy, keeping the episodes for replay. */
import type { EvalConfig } from '../../../shared/runConfigs';
import type { EvaluationResult, RunSummary } from '../../../shared/progress';
import type { Trajectory } from '../data/dataset';
import { evaluatePolicy } from '../learn/evaluate';
import { SimModel } from '../sim/simModel';
import { loadPolicyForEnv } from './policyCheck';
import type { RunContext } from './runContext';
import { seedStreams } from './seeds';
import { encodeTrajectory, FILES } from './storage';

export async function runEval(c: EvalConfig, ctx: RunContext): Promise<RunSummary> {
  const start = performance.now();
  const policy = loadPolicyForEnv(c.policy, c.env);
  const sim = await SimModel.load(c.env);
  try {
    ctx.sink.emit({ type: 'started', kind: 'eval', env: sim.spec.id, backend: ctx.backend, resumedFrom: null });
    const modes: ('deterministic' | 'stochastic')[] = c.mode === 'both' ? ['deterministic', 'stochastic'] : [c.mode];
    const results: EvaluationResult[] = [];
    const kept: { mode: string; trajectories: Trajectory[] }[] = [];
    let envSteps = 0;
    const seed = seedStreams(c.seed).envSeed;
    for (const mode of modes) {
      const ev = evaluatePolicy(sim, policy, { episodes: c.episodes, deterministic: mode === 'deterministic', seed, record: c.saveTrajectories });
      envSteps += ev.envSteps;
      results.push(ev.result);
      kept.push({ mode, trajectories: ev.trajectories });
      ctx.sink.emit({ type: 'evaluation', iteration: 0, envSteps, final: true, result: ev.result });
    }
    const artifacts: Record<string, string> = {};
    if (c.saveTrajectories) {
      artifacts.trajectories = ctx.storage.writeJson(FILES.trajectories, {
        format: 'imlab-trajectories/1',
        env: sim.spec.id,
        nq: sim.nq,
        nv: sim.nv,
        sets: kept.map((k) => ({ mode: k.mode, trajectories: k.trajectories.map(encodeTrajectory) })),
      });
      ctx.sink.emit({ type: 'artifact', name: 'trajectories', file: FILES.trajectories, summary: { episodes: envSteps } });
    }
    const head = results[0];
    const wall = (performance.now() - start) / 1000;
    return {
      done: true,
      kind: 'eval',
      env: sim.spec.id,
      finalEval: { mean: head.mean, std: head.std, episodes: head.episodes },
      envSteps,
      envStepsPerSec: envSteps / wall,
      backend: ctx.backend,
      wallSeconds: wall,
      artifacts,
      details: Object.fromEntries(results.flatMap((r) => [[`${r.mode}Mean`, r.mean], [`${r.mode}Std`, r.std]])),
    };
  } finally {
    sim.dispose();
  }
}
