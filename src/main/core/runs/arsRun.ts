/**
 * An expert run with Augmented Random Search (Mania, Guy & Recht 2018, V2-t;
 * docs/algorithms.md, "Expert: ARS"): a linear policy on normalised
 * observations, improved from whole-episode returns only. Each iteration:
 * draw N directions, roll the policy out once at θ + νδ and once at θ − νδ per
 * direction, step along the b best, then fold every state those rollouts
 * visited into the observation normaliser. No gradients and no value function:
 * its time is physics, which is why it reaches a walking Humanoid in a
 * budget TRPO and PPO do not (README, "Humanoid experts"), and why its
 * rollouts spread over `workers` threads (arsRollouts.ts) without changing a
 * number.
 */
import type { ExpertConfig } from '../../../shared/runConfigs';
import type { EvaluationResult, RunSummary } from '../../../shared/progress';
import { arsStep, topDirections } from '../learn/ars';
import { evaluatePolicy } from '../learn/evaluate';
import { MlpLayout } from '../learn/mlp';
import { GaussianPolicy } from '../learn/policy';
import type { RngState } from '../math/rng';
import { RowMoments, type RunningNormState } from '../math/runningNorm';
import { MujocoEnv, type EnvState } from '../sim/mujocoEnv';
import { SimModel } from '../sim/simModel';
import { ArsBuffers, ArsRolloutPool } from './arsRollouts';
import { EpisodeWindow } from './episodeWindow';
import { yieldToEventLoop } from './onPolicyRun';
import { RunInterrupted, type RunContext } from './runContext';
import { evalSeed, seedStreams } from './seeds';
import { FILES } from './storage';

interface ArsCheckpoint {
  format: 'imlab-checkpoint/1';
  iteration: number;
  envSteps: number;
  /** θ in float64, as the updates compute it (the policy file rounds it to float32). */
  theta: number[];
  obsNorm: RunningNormState;
  /** The env whose resets give every rollout its start state, in rollout order. */
  env: EnvState;
  rng: RngState;
  episodes: ReturnType<EpisodeWindow['getState']>;
}

export async function runArs(c: ExpertConfig, ctx: RunContext): Promise<RunSummary> {
  const startWall = performance.now();
  const a = c.ars;
  const sim = await SimModel.load(c.env);
  const spec = sim.spec;
  const streams = seedStreams(c.seed);
  const starts = new MujocoEnv(sim, streams.envSeed);
  const rng = streams.train;
  const policy = new GaussianPolicy(
    { env: spec.id, obsDim: spec.obsDim, actDim: spec.actDim, hiddenSizes: c.hiddenSizes, actLow: spec.actLow, actHigh: spec.actHigh },
    new Float32Array(new MlpLayout([spec.obsDim, ...c.hiddenSizes, spec.actDim]).numParams),
  );
  policy.logStd.fill(a.actionLogStd);
  const P = policy.params.length;
  const b = new ArsBuffers({ params: P, directions: a.directions, obsDim: spec.obsDim, nq: sim.nq, nv: sim.nv });
  // ARS starts from θ = 0: every action 0 until the first step.
  const theta = b.theta;
  const plus = new Float64Array(a.directions);
  const minus = new Float64Array(a.directions);
  const visited = new RowMoments(spec.obsDim);
  const episodes = new EpisodeWindow();
  let iteration = 0;
  let envSteps = 0;
  let resumedFrom: number | null = null;
  let pool: ArsRolloutPool | null = null;

  const checkpoint = () => {
    const state: ArsCheckpoint = {
      format: 'imlab-checkpoint/1',
      iteration,
      envSteps,
      theta: Array.from(theta),
      obsNorm: policy.obsNorm.getState(),
      env: starts.getState(),
      rng: rng.getState(),
      episodes: episodes.getState(),
    };
    const file = ctx.storage.saveCheckpoint(iteration, state);
    ctx.sink.emit({ type: 'checkpoint', iteration, envSteps, file });
  };
  const evaluate = (episodesToRun: number, evalIteration: number): EvaluationResult => {
    policy.params.set(theta);
    policy.syncForward();
    return evaluatePolicy(sim, policy, { episodes: episodesToRun, deterministic: true, seed: evalSeed(c.seed, evalIteration), clipActions: c.clipActions }).result;
  };

  try {
    const latest = ctx.resume ? ctx.storage.latestCheckpoint<ArsCheckpoint>(ctx.resumeAtMost) : null;
    if (latest) {
      const s = latest.state;
      theta.set(s.theta);
      policy.obsNorm.setState(s.obsNorm);
      starts.setState(s.env);
      rng.setState(s.rng);
      episodes.setState(s.episodes);
      iteration = s.iteration;
      envSteps = s.envSteps;
      resumedFrom = s.iteration;
    }
    pool = await ArsRolloutPool.start({ env: spec.id, hiddenSizes: c.hiddenSizes, clipActions: c.clipActions, rewardShift: a.rewardShift, noiseStd: a.noiseStd, directions: a.directions }, b, a.workers);
    ctx.sink.emit({ type: 'started', kind: 'expert', env: spec.id, backend: ctx.backend, resumedFrom });
    ctx.sink.emit({ type: 'log', level: 'info', message: `ARS rollouts on ${pool.size} ${pool.size === 1 ? 'thread' : 'threads'}` });
    const sessionStart = performance.now();
    const sessionSteps0 = envSteps;

    while (envSteps < c.totalSteps) {
      const stepsBefore = envSteps;
      // Where the iteration starts from, for a stop request that arrives in the middle of it.
      const before = { rng: rng.getState(), env: starts.getState() };
      // N directions and 2N start states, in rollout order; the normaliser stays frozen for the whole iteration.
      for (let i = 0; i < b.deltas.length; i++) b.deltas[i] = rng.normal();
      for (let j = 0; j < b.rollouts; j++) {
        starts.reset();
        starts.views.ensureFresh();
        b.starts.set(starts.views.qpos, j * (sim.nq + sim.nv));
        b.starts.set(starts.views.qvel, j * (sim.nq + sim.nv) + sim.nq);
      }
      const norm = policy.obsNorm;
      b.norm.set(norm.mean, 0);
      b.norm.set(norm.var, spec.obsDim);
      b.norm[2 * spec.obsDim] = norm.count;
      if (!(await pool.run(ctx.signal))) {
        // Stopped part-way: the checkpoint is the state this iteration started from, so a resume runs it again whole.
        rng.setState(before.rng);
        starts.setState(before.env);
        checkpoint();
        throw new RunInterrupted(iteration);
      }
      // Each direction's two returns, the episodes and the states visited, merged in rollout order.
      for (let j = 0; j < b.rollouts; j++) {
        const r = b.result(j);
        (j % 2 === 0 ? plus : minus)[j >> 1] = r.shifted;
        episodes.add([r.trueReturn], [r.length]);
        envSteps += r.length;
        const m = j * b.momentStride;
        const d = spec.obsDim;
        visited.absorb(b.moments.subarray(m, m + d), b.moments.subarray(m + d, m + 2 * d), b.moments[m + 2 * d]);
      }
      // Step along the b directions whose better side did best, scaled by their returns' spread.
      const top = topDirections(plus, minus, a.topDirections);
      const { rewardStd, stepNorm } = arsStep(theta, b.deltas, plus, minus, top, a.stepSize);
      // Then the normaliser learns the states this iteration visited (ARS V2).
      norm.merge(visited.mean, visited.variance(), visited.count);
      visited.clear();
      iteration++;

      const seconds = (performance.now() - sessionStart) / 1000;
      ctx.sink.emit({
        type: 'metrics',
        iteration,
        envSteps,
        values: {
          episodeReturn: episodes.meanReturn(),
          episodeLength: episodes.meanLength(),
          episodesFinished: b.rollouts,
          episodesTotal: episodes.total,
          topReturn: top.reduce((s, k) => s + Math.max(plus[k], minus[k]), 0) / top.length,
          rewardStd,
          stepNorm,
          iterationSteps: envSteps - stepsBefore,
          envStepsPerSec: (envSteps - sessionSteps0) / seconds,
        },
      });
      if (c.evalEvery > 0 && iteration % c.evalEvery === 0) {
        ctx.sink.emit({ type: 'evaluation', iteration, envSteps, final: false, result: evaluate(c.evalEpisodes, iteration) });
      }
      const last = envSteps >= c.totalSteps;
      // Yielding here lets a stop request (SIGTERM, a lost coordinator) arrive.
      await yieldToEventLoop();
      const due = c.checkpointEvery > 0 && iteration % c.checkpointEvery === 0;
      if (!last && due) checkpoint();
      if (ctx.signal?.aborted && !last) {
        if (!due) checkpoint();
        throw new RunInterrupted(iteration);
      }
    }

    checkpoint();
    policy.params.set(theta);
    policy.syncForward();
    ctx.storage.writeJson(FILES.policy, policy.toFile());
    ctx.sink.emit({ type: 'artifact', name: 'policy', file: FILES.policy, summary: { params: P } });
    const final = evaluate(c.finalEvalEpisodes, -1);
    ctx.sink.emit({ type: 'evaluation', iteration, envSteps, final: true, result: final });
    const sessionSeconds = (performance.now() - sessionStart) / 1000;
    return {
      done: true,
      kind: 'expert',
      env: spec.id,
      finalEval: { mean: final.mean, std: final.std, episodes: final.episodes },
      envSteps,
      envStepsPerSec: (envSteps - sessionSteps0) / Math.max(sessionSeconds, 1e-9),
      backend: ctx.backend,
      wallSeconds: (performance.now() - startWall) / 1000,
      artifacts: { policy: FILES.policy },
      details: { iterations: iteration, workers: pool.size },
    };
  } finally {
    pool?.dispose();
    starts.dispose();
    sim.dispose();
  }
}
