/**
 * The training loop shared by expert runs (TRPO/PPO on the true reward) and
 * GAIL (the same optimisers on the discriminator's reward): roll out, update,
 * report metrics, evaluate, checkpoint; resumable from any checkpoint with
 * bit-identical results, because every piece of state (weights, optimiser
 * moments, normalisers, RNG streams, the environments' exact MuJoCo state and
 * counters) is saved.
 */
import type { PpoSettingsConfig, TrpoSettingsConfig } from '../../../shared/runConfigs';
import type { EvaluationResult, RunSummary } from '../../../shared/progress';
import type { RngState } from '../math/rng';
import { NonFiniteError } from '../learn/divergence';
import { evaluatePolicy } from '../learn/evaluate';
import { GaussianPolicy, type PolicyFile } from '../learn/policy';
import type { PolicyOptimizer } from '../learn/policyOptimizer';
import { PpoOptimizer } from '../learn/ppo';
import { RolloutCollector, type Rollout } from '../learn/rollout';
import { PhaseTimer } from '../learn/timing';
import { TrpoOptimizer } from '../learn/trpo';
import { SimModel } from '../sim/simModel';
import { VecEnv, type VecEnvState } from '../sim/vecEnv';
import { EpisodeWindow } from './episodeWindow';
import { RunInterrupted, type RunContext } from './runContext';
import { evalSeed, seedStreams } from './seeds';
import { FILES } from './storage';

export interface OnPolicySettings {
  env: string;
  seed: number;
  hiddenSizes: readonly number[];
  numEnvs: number;
  totalSteps: number;
  clipActions: boolean;
  checkpointEvery: number;
  evalEvery: number;
  evalEpisodes: number;
  finalEvalEpisodes: number;
  algorithm: 'trpo' | 'ppo';
  trpo: TrpoSettingsConfig;
  ppo: PpoSettingsConfig;
  /** Policy updates (each with its own rollout) per iteration: GAIL's g_step. */
  updatesPerIteration: number;
}

/** What GAIL adds to the loop; the expert run passes none of it. */
export interface OnPolicyHooks {
  /** Called once the policy exists (e.g. BC warm start) unless resuming. */
  prepare?(policy: GaussianPolicy, sim: SimModel): void;
  /** Rewards the optimiser maximises (default: the true env rewards). */
  rewards?(rollout: Rollout, timer: PhaseTimer): Float64Array;
  /** Work after the policy updates of an iteration (GAIL: the discriminator step); returns metrics. */
  afterUpdates?(rollout: Rollout, timer: PhaseTimer): Record<string, number>;
  getState?(): unknown;
  setState?(state: unknown): void;
}

interface Checkpoint {
  format: 'imlab-checkpoint/1';
  iteration: number;
  envSteps: number;
  policy: PolicyFile;
  optimizer: unknown;
  vec: VecEnvState;
  rngs: { act: RngState; train: RngState };
  episodes: ReturnType<EpisodeWindow['getState']>;
  hooks: unknown;
}

export async function runOnPolicy(
  kind: 'expert' | 'gail',
  s: OnPolicySettings,
  ctx: RunContext,
  hooks: OnPolicyHooks = {},
): Promise<RunSummary> {
  const startWall = performance.now();
  const sim = await SimModel.load(s.env);
  const streams = seedStreams(s.seed);
  const vec = new VecEnv(sim, s.numEnvs, streams.envSeed);
  const spec = sim.spec;
  const policy = new GaussianPolicy(
    { env: spec.id, obsDim: spec.obsDim, actDim: spec.actDim, hiddenSizes: s.hiddenSizes, actLow: spec.actLow, actHigh: spec.actHigh },
    undefined,
    streams.init,
  );
  const { act, train } = streams;
  const optimizer: PolicyOptimizer =
    s.algorithm === 'trpo'
      ? new TrpoOptimizer(policy, s.trpo, s.hiddenSizes, s.numEnvs, streams.init, train)
      : new PpoOptimizer(policy, s.ppo, s.hiddenSizes, s.numEnvs, streams.init, train);
  const episodes = new EpisodeWindow();
  let iteration = 0;
  let envSteps = 0;
  let resumedFrom: number | null = null;

  try {
    const latest = ctx.resume ? ctx.storage.latestCheckpoint<Checkpoint>(ctx.resumeAtMost) : null;
    if (latest) {
      const c = latest.state;
      const restored = GaussianPolicy.fromFile(c.policy);
      policy.params.set(restored.params);
      policy.logStd.set(restored.logStd);
      policy.obsNorm.setState(c.policy.obsNorm);
      policy.syncForward();
      optimizer.setState(c.optimizer);
      vec.setState(c.vec);
      act.setState(c.rngs.act);
      train.setState(c.rngs.train);
      episodes.setState(c.episodes);
      hooks.setState?.(c.hooks);
      iteration = c.iteration;
      envSteps = c.envSteps;
      resumedFrom = iteration;
    } else {
      vec.reset();
      hooks.prepare?.(policy, sim);
    }
    ctx.sink.emit({ type: 'started', kind, env: spec.id, backend: ctx.backend, resumedFrom });

    const collector = new RolloutCollector(vec, policy, act, optimizer.stepsPerEnv, s.clipActions);
    const sessionStart = performance.now();
    const sessionSteps0 = envSteps;
    const timer = new PhaseTimer();

    const checkpoint = (): void => {
      const state: Checkpoint = {
        format: 'imlab-checkpoint/1',
        iteration,
        envSteps,
        policy: policy.toFile(),
        optimizer: optimizer.getState(),
        vec: vec.getState(),
        rngs: { act: act.getState(), train: train.getState() },
        episodes: episodes.getState(),
        hooks: hooks.getState?.() ?? null,
      };
      const file = ctx.storage.saveCheckpoint(iteration, state);
      ctx.sink.emit({ type: 'checkpoint', iteration, envSteps, file });
    };

    while (envSteps < s.totalSteps) {
      const updateMetrics: Record<string, number>[] = [];
      let rollout: Rollout | undefined;
      const finished: number[] = [];
      for (let u = 0; u < s.updatesPerIteration; u++) {
        rollout = collector.collect(timer);
        episodes.add(rollout.episodeReturns, rollout.episodeLengths);
        finished.push(...rollout.episodeReturns);
        const r = rollout;
        updateMetrics.push(
          atStep(iteration + 1, envSteps, () => {
            const rewards = hooks.rewards ? hooks.rewards(r, timer) : r.rewards;
            return optimizer.update(r, rewards, timer, envSteps / s.totalSteps);
          }),
        );
        envSteps += rollout.steps * rollout.numEnvs;
      }
      const extra = hooks.afterUpdates ? atStep(iteration + 1, envSteps, () => hooks.afterUpdates!(rollout!, timer)) : {};
      iteration++;
      const seconds = (performance.now() - sessionStart) / 1000;
      const values: Record<string, number> = {
        ...averageMetrics(updateMetrics),
        ...extra,
        episodesFinished: finished.length,
        episodesTotal: episodes.total,
        envStepsPerSec: (envSteps - sessionSteps0) / seconds,
        ...timer.fractions(),
      };
      if (episodes.returns.length) {
        values.episodeReturn = episodes.meanReturn();
        values.episodeLength = episodes.meanLength();
      }
      ctx.sink.emit({ type: 'metrics', iteration, envSteps, values });

      if (s.evalEvery > 0 && iteration % s.evalEvery === 0) {
        const ev = evaluatePolicy(sim, policy, { episodes: s.evalEpisodes, deterministic: true, seed: evalSeed(s.seed, iteration), clipActions: s.clipActions });
        ctx.sink.emit({ type: 'evaluation', iteration, envSteps, final: false, result: ev.result });
      }
      const last = envSteps >= s.totalSteps;
      // Training is synchronous; yielding here lets a stop request (SIGTERM, a lost coordinator) arrive.
      await yieldToEventLoop();
      if (!last && s.checkpointEvery > 0 && iteration % s.checkpointEvery === 0) checkpoint();
      if (ctx.signal?.aborted && !last) {
        if (s.checkpointEvery === 0 || iteration % s.checkpointEvery !== 0) checkpoint();
        throw new RunInterrupted(iteration);
      }
    }

    checkpoint();
    ctx.storage.writeJson(FILES.policy, policy.toFile());
    ctx.sink.emit({ type: 'artifact', name: 'policy', file: FILES.policy, summary: { params: policy.numFlat } });
    const final: EvaluationResult = evaluatePolicy(sim, policy, {
      episodes: s.finalEvalEpisodes,
      deterministic: true,
      seed: evalSeed(s.seed, -1),
      clipActions: s.clipActions,
    }).result;
    ctx.sink.emit({ type: 'evaluation', iteration, envSteps, final: true, result: final });
    const sessionSeconds = (performance.now() - sessionStart) / 1000;
    return {
      done: true,
      kind,
      env: spec.id,
      finalEval: { mean: final.mean, std: final.std, episodes: final.episodes },
      envSteps,
      envStepsPerSec: (envSteps - sessionSteps0) / Math.max(sessionSeconds, 1e-9),
      backend: ctx.backend,
      wallSeconds: (performance.now() - startWall) / 1000,
      artifacts: { policy: FILES.policy },
      details: { iterations: iteration },
    };
  } finally {
    optimizer.dispose();
    vec.dispose();
    sim.dispose();
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Runs fn, naming the iteration and env step in a non-finite-value error. */
function atStep<T>(iteration: number, envSteps: number, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NonFiniteError) throw new NonFiniteError(`${e.quantity} at iteration ${iteration} (env step ${envSteps})`);
    throw e;
  }
}

/** Mean of each metric over the updates of one iteration. */
function averageMetrics(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (list.length === 0) return out;
  for (const key of Object.keys(list[0])) out[key] = list.reduce((a, m) => a + m[key], 0) / list.length;
  return out;
}
