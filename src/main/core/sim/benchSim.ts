/**
 * Environment throughput against bare physics, measured in one process and one
 * run so the ratio is robust to a noisy machine.
 *
 * The bare loop must visit the same states as the environment, since contact-
 * rich states cost more (a fallen Humanoid steps ~4× slower than a standing
 * one). So each round first runs the vector env with random actions, logging
 * where each episode was reset and to which state; then a raw mj_step loop on
 * separate MjData replays exactly those actions and resets. Both loops follow
 * the identical trajectory; the difference is the environment layer
 * (validation, observation, reward, termination, auto-reset, post-constraint).
 * Rounds alternate env / physics so that machine drift hits both alike.
 */
import type { SimBenchReport } from '../../../shared/simSchemas';
import { Rng } from '../math/rng';
import { DataViews } from './dataViews';
import type { MjData } from './mujoco';
import { SimModel } from './simModel';
import { VecEnv } from './vecEnv';

export interface SimBenchOptions {
  /** Total measuring time, split between the env loop and the physics replay. */
  seconds: number;
  numEnvs?: number;
  seed?: number;
}

interface ResetEvent {
  step: number;
  env: number;
  qpos: Float64Array;
  qvel: Float64Array;
  /** The solver's warm start, carried across steps; zero after a reset. */
  warmstart: Float64Array | null;
}

const ROUND_SECONDS = 0.25;
const ACTION_ROWS = 2048;

export async function benchSim(envId: string, options: SimBenchOptions): Promise<SimBenchReport> {
  const numEnvs = options.numEnvs ?? 1;
  const sim = await SimModel.load(envId);
  const vec = new VecEnv(sim, numEnvs, options.seed ?? 0);
  const raw: MjData[] = Array.from({ length: numEnvs }, () => new sim.mj.MjData(sim.model));
  const rawViews = raw.map((d) => new DataViews(d));
  try {
    const { spec } = sim;
    const rng = new Rng(options.seed ?? 0);
    // Actions are drawn before timing so that neither loop pays for the random numbers.
    const actions = Array.from({ length: ACTION_ROWS }, () => {
      const row = new Float64Array(numEnvs * spec.actDim);
      for (let i = 0; i < row.length; i++) {
        const j = i % spec.actDim;
        row[i] = rng.uniform(spec.actLow[j], spec.actHigh[j]);
      }
      return row;
    });
    vec.reset();

    const round = (steps: number, from: number): { envSeconds: number; physicsSeconds: number; episodes: number } => {
      const start: ResetEvent[] = vec.envs.map((env, i) => ({
        step: -1,
        env: i,
        qpos: Float64Array.from(env.views.qpos),
        qvel: Float64Array.from(env.views.qvel),
        warmstart: Float64Array.from(env.views.qaccWarmstart),
      }));
      const resets: ResetEvent[] = [];
      let t0 = performance.now();
      for (let t = 0; t < steps; t++) {
        vec.step(actions[(from + t) % ACTION_ROWS]);
        for (let i = 0; i < numEnvs; i++) {
          if (vec.terminated[i] || vec.truncated[i]) {
            const v = vec.envs[i].views;
            resets.push({ step: t, env: i, qpos: Float64Array.from(v.qpos), qvel: Float64Array.from(v.qvel), warmstart: null });
          }
        }
      }
      const envSeconds = (performance.now() - t0) / 1000;

      for (const s of start) setState(s);
      const { mj, model } = sim;
      const actDim = spec.actDim;
      const frameSkip = spec.frameSkip;
      let next = 0;
      let nextStep = resets.length > 0 ? resets[0].step : -1;
      t0 = performance.now();
      for (let t = 0; t < steps; t++) {
        const row = actions[(from + t) % ACTION_ROWS];
        for (let i = 0; i < numEnvs; i++) {
          const v = rawViews[i];
          v.ensureFresh();
          const ctrl = v.ctrl;
          for (let j = 0; j < actDim; j++) ctrl[j] = row[i * actDim + j];
          for (let k = 0; k < frameSkip; k++) mj.mj_step(model, raw[i]);
        }
        while (nextStep === t) {
          setState(resets[next]);
          next++;
          nextStep = next < resets.length ? resets[next].step : -1;
        }
      }
      const physicsSeconds = (performance.now() - t0) / 1000;
      return { envSeconds, physicsSeconds, episodes: resets.length };
    };

    function setState(s: ResetEvent): void {
      const d = raw[s.env];
      const v = rawViews[s.env];
      sim.mj.mj_resetData(sim.model, d);
      v.ensureFresh();
      v.qpos.set(s.qpos);
      v.qvel.set(s.qvel);
      if (s.warmstart) v.qaccWarmstart.set(s.warmstart);
      sim.mj.mj_forward(sim.model, d);
    }

    // Warm up (WASM tiers up after a few thousand steps) and size the rounds.
    let stepsDone = 0;
    let probe = 256;
    let warm = round(probe, stepsDone);
    stepsDone += probe;
    while (warm.envSeconds < 0.2) {
      probe *= 2;
      warm = round(probe, stepsDone);
      stepsDone += probe;
    }
    const roundSteps = Math.max(16, Math.round((probe / warm.envSeconds) * ROUND_SECONDS));

    let envSeconds = 0;
    let physicsSeconds = 0;
    let envSteps = 0;
    let episodes = 0;
    while (envSeconds + physicsSeconds < options.seconds) {
      const r = round(roundSteps, stepsDone);
      stepsDone += roundSteps;
      envSeconds += r.envSeconds;
      physicsSeconds += r.physicsSeconds;
      envSteps += roundSteps * numEnvs;
      episodes += r.episodes;
    }
    const envStepsPerSec = envSteps / envSeconds;
    const physicsSteps = envSteps * spec.frameSkip;
    const physicsStepsPerSec = physicsSteps / physicsSeconds;
    return {
      env: spec.id,
      numEnvs,
      frameSkip: spec.frameSkip,
      envSteps,
      envStepsPerSec,
      physicsSteps,
      physicsStepsPerSec,
      ratio: (envStepsPerSec * spec.frameSkip) / physicsStepsPerSec,
      episodes,
      seconds: envSeconds + physicsSeconds,
      physicsLoop:
        'raw mj_step on separate MjData replaying the env run exactly: same random actions, same reset points and reset states',
    };
  } finally {
    for (const d of raw) d.delete();
    vec.dispose();
    sim.dispose();
  }
}
