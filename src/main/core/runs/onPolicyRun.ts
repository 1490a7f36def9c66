/**
 * The phases an on-policy run is made of (expert runs: TRPO/PPO on the true
 * reward; GAIL: the same optimisers on the discriminator's reward), as small
 * named steps; each run kind's file (expertRun.ts, gailRun.ts) writes its own
 * loop from them, so the order of the phases is visible in one place.
 * Resumable from any checkpoint with bit-identical results, because every
 * piece of state (weights, optimiser moments, normalisers, RNG streams, the
 * environments' exact MuJoCo state and counters) is saved
 * (docs/architecture.md, "Stopping, checkpoints and crash recovery").
 */
import type { PpoSettingsConfig, TrpoSettingsConfig } from '../../../shared/runConfigs';
import type { EvaluationResult, RunSummary } from '../../../shared/progress';
import type { Rng, RngState } from '../math/rng';
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
}

/** What a run kind adds to the checkpoint (GAIL: its discriminator and expert-sampling stream). */
export interface ExtraState {
  getState(): unknown;
  setState(state: unknown): void;
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
  /** The run kind's ExtraState (the name is older than the type; checkpoints keep it). */
  hooks: unknown;
}

export class OnPolicyTraining {
  /** Completed iterations. */
  iteration = 0;
  envSteps = 0;
  readonly timer = new PhaseTimer();
  private resumedFrom: number | null = null;
  private readonly episodes = new EpisodeWindow();
  private readonly collector: RolloutCollector;
  private readonly startWall: number;
  private sessionStart = 0;
  private sessionSteps0 = 0;
  /** The current iteration's update metrics and the number of episodes it finished. */
  private updateMetrics: Record<string, number>[] = [];
  private episodesFinished = 0;

  private constructor(
    private readonly kind: 'expert' | 'gail',
    private readonly s: OnPolicySettings,
    private readonly ctx: RunContext,
    private readonly extra: ExtraState | undefined,
    startWall: number,
    private readonly sim: SimModel,
    private readonly vec: VecEnv,
    readonly policy: GaussianPolicy,
    readonly optimizer: PolicyOptimizer,
    private readonly act: Rng,
    private readonly train: Rng,
  ) {
    this.startWall = startWall;
    this.collector = new RolloutCollector(vec, policy, act, optimizer.stepsPerEnv, s.clipActions);
  }

  /** Loads the environment and makes the policy and its optimiser (TRPO or PPO) from the run's seed streams. */
  static async open(kind: 'expert' | 'gail', s: OnPolicySettings, ctx: RunContext, extra?: ExtraState): Promise<OnPolicyTraining> {
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
    const optimizer: PolicyOptimizer =
      s.algorithm === 'trpo'
        ? new TrpoOptimizer(policy, s.trpo, s.hiddenSizes, s.numEnvs, streams.init, streams.train)
        : new PpoOptimizer(policy, s.ppo, s.hiddenSizes, s.numEnvs, streams.init, streams.train);
    return new OnPolicyTraining(kind, s, ctx, extra, startWall, sim, vec, policy, optimizer, streams.act, streams.train);
  }

  /**
   * Continues from the latest checkpoint when resuming; otherwise resets the
   * environments and calls `fresh` (e.g. GAIL's BC warm start). Reports the start.
   */
  start(fresh?: (policy: GaussianPolicy) => void): void {
    const latest = this.ctx.resume ? this.ctx.storage.latestCheckpoint<Checkpoint>(this.ctx.resumeAtMost) : null;
    if (latest) this.restore(latest.state);
    else {
      this.vec.reset();
      fresh?.(this.policy);
    }
    this.ctx.sink.emit({ type: 'started', kind: this.kind, env: this.sim.spec.id, backend: this.ctx.backend, resumedFrom: this.resumedFrom });
    this.sessionStart = performance.now();
    this.sessionSteps0 = this.envSteps;
  }

  /** Whether the env-step budget is spent. */
  get done(): boolean {
    return this.envSteps >= this.s.totalSteps;
  }

  /** Rolls the policy out for one update (stepsPerEnv × numEnvs steps, true rewards in `rewards`). */
  rollout(): Rollout {
    const rollout = this.collector.collect(this.timer);
    this.episodes.add(rollout.episodeReturns, rollout.episodeLengths);
    this.episodesFinished += rollout.episodeReturns.length;
    return rollout;
  }

  /**
   * One optimiser update on the rollout, maximising `rewards`: advantages,
   * policy step, value fit (learn/trpo.ts, learn/ppo.ts). Then counts the
   * rollout's env steps.
   */
  update(rollout: Rollout, rewards: Float64Array): void {
    this.updateMetrics.push(this.atCurrentStep(() => this.optimizer.update(rollout, rewards, this.timer, this.envSteps / this.s.totalSteps)));
    this.envSteps += rollout.steps * rollout.numEnvs;
  }

  /** Runs fn, naming the iteration in progress and the env step in a non-finite-value error. */
  atCurrentStep<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof NonFiniteError) throw new NonFiniteError(`${e.quantity} at iteration ${this.iteration + 1} (env step ${this.envSteps})`);
      throw e;
    }
  }

  /**
   * Closes the iteration: its metrics row (the updates' means, then `extra`),
   * the periodic evaluation, the periodic checkpoint, and a requested stop
   * (checkpoint, then RunInterrupted).
   */
  async endIteration(extra: Record<string, number> = {}): Promise<void> {
    this.iteration++;
    this.report(extra);
    const { s, iteration } = this;
    if (s.evalEvery > 0 && iteration % s.evalEvery === 0) {
      const ev = evaluatePolicy(this.sim, this.policy, { episodes: s.evalEpisodes, deterministic: true, seed: evalSeed(s.seed, iteration), clipActions: s.clipActions });
      this.ctx.sink.emit({ type: 'evaluation', iteration, envSteps: this.envSteps, final: false, result: ev.result });
    }
    const last = this.done;
    // Training is synchronous; yielding here lets a stop request (SIGTERM, a lost coordinator) arrive.
    await yieldToEventLoop();
    const due = s.checkpointEvery > 0 && iteration % s.checkpointEvery === 0;
    if (!last && due) this.checkpoint();
    if (this.ctx.signal?.aborted && !last) {
      if (!due) this.checkpoint();
      throw new RunInterrupted(iteration);
    }
  }

  /** The final checkpoint, policy.json and the final evaluation; returns the run's summary. */
  finish(): RunSummary {
    const { s, ctx, policy } = this;
    this.checkpoint();
    ctx.storage.writeJson(FILES.policy, policy.toFile());
    ctx.sink.emit({ type: 'artifact', name: 'policy', file: FILES.policy, summary: { params: policy.numFlat } });
    const final: EvaluationResult = evaluatePolicy(this.sim, policy, {
      episodes: s.finalEvalEpisodes,
      deterministic: true,
      seed: evalSeed(s.seed, -1),
      clipActions: s.clipActions,
    }).result;
    ctx.sink.emit({ type: 'evaluation', iteration: this.iteration, envSteps: this.envSteps, final: true, result: final });
    const sessionSeconds = (performance.now() - this.sessionStart) / 1000;
    return {
      done: true,
      kind: this.kind,
      env: this.sim.spec.id,
      finalEval: { mean: final.mean, std: final.std, episodes: final.episodes },
      envSteps: this.envSteps,
      envStepsPerSec: (this.envSteps - this.sessionSteps0) / Math.max(sessionSeconds, 1e-9),
      backend: ctx.backend,
      wallSeconds: (performance.now() - this.startWall) / 1000,
      artifacts: { policy: FILES.policy },
      details: { iterations: this.iteration },
    };
  }

  dispose(): void {
    this.optimizer.dispose();
    this.vec.dispose();
    this.sim.dispose();
  }

  private report(extra: Record<string, number>): void {
    const { episodes } = this;
    const seconds = (performance.now() - this.sessionStart) / 1000;
    const values: Record<string, number> = {
      ...averageMetrics(this.updateMetrics),
      ...extra,
      episodesFinished: this.episodesFinished,
      episodesTotal: episodes.total,
      envStepsPerSec: (this.envSteps - this.sessionSteps0) / seconds,
      ...this.timer.fractions(),
    };
    if (episodes.returns.length) {
      values.episodeReturn = episodes.meanReturn();
      values.episodeLength = episodes.meanLength();
    }
    this.ctx.sink.emit({ type: 'metrics', iteration: this.iteration, envSteps: this.envSteps, values });
    this.updateMetrics = [];
    this.episodesFinished = 0;
  }

  private checkpoint(): void {
    const { iteration, envSteps } = this;
    const state: Checkpoint = {
      format: 'imlab-checkpoint/1',
      iteration,
      envSteps,
      policy: this.policy.toFile(),
      optimizer: this.optimizer.getState(),
      vec: this.vec.getState(),
      rngs: { act: this.act.getState(), train: this.train.getState() },
      episodes: this.episodes.getState(),
      hooks: this.extra?.getState() ?? null,
    };
    const file = this.ctx.storage.saveCheckpoint(iteration, state);
    this.ctx.sink.emit({ type: 'checkpoint', iteration, envSteps, file });
  }

  private restore(c: Checkpoint): void {
    const { policy } = this;
    const restored = GaussianPolicy.fromFile(c.policy);
    policy.params.set(restored.params);
    policy.logStd.set(restored.logStd);
    policy.obsNorm.setState(c.policy.obsNorm);
    policy.syncForward();
    this.optimizer.setState(c.optimizer);
    this.vec.setState(c.vec);
    this.act.setState(c.rngs.act);
    this.train.setState(c.rngs.train);
    this.episodes.setState(c.episodes);
    this.extra?.setState(c.hooks);
    this.iteration = c.iteration;
    this.envSteps = c.envSteps;
    this.resumedFrom = c.iteration;
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Mean of each metric over the updates of one iteration. */
function averageMetrics(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (list.length === 0) return out;
  for (const key of Object.keys(list[0])) out[key] = list.reduce((a, m) => a + m[key], 0) / list.length;
  return out;
}
