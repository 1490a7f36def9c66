/**
 * GAIL training throughput against the bare environment, in one process:
 *   npm run bench:throughput -- [--env Hopper-v5] [--iterations 20] [--json]
 * GAIL (TRPO generator, baselines settings) runs for a number of iterations,
 * with the wall time split by phase; every action it executes is logged. Then
 * a fresh environment with the same seed replays those actions: the bare
 * environment on exactly the states GAIL visited (checked step by step), so
 * the ratio is what learning adds to physics. Physics cost depends strongly on
 * the state (a policy that stands up costs more per step than one that falls
 * at once), which makes random actions the wrong baseline for a learner; their
 * throughput is reported too. The expert data is a synthetic dataset from a
 * random policy: throughput does not depend on it. Runs with Fisher-vector
 * products on all samples and on every 5th (baselines).
 */
import { parseArgs } from 'node:util';
import { benchSim } from '../src/main/core/sim/benchSim';
import { runJob } from '../src/main/core/runs/runJob';
import { RunDirectory, saveDataset } from '../src/main/core/runs/storage';
import { evaluatePolicy } from '../src/main/core/learn/evaluate';
import { GaussianPolicy } from '../src/main/core/learn/policy';
import { Rng } from '../src/main/core/math/rng';
import { SimModel } from '../src/main/core/sim/simModel';
import { seedStreams } from '../src/main/core/runs/seeds';
import { VecEnv } from '../src/main/core/sim/vecEnv';
import { envSpec } from '../src/shared/envCatalog';
import { describeBackend } from '../src/shared/computeBackend';
import type { ProgressEvent } from '../src/shared/progress';
import { machineInfo } from './machine';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { values } = parseArgs({
  options: { env: { type: 'string', default: 'Hopper-v5' }, iterations: { type: 'string', default: '20' }, json: { type: 'boolean' } },
});
const env = envSpec(values.env!).id;
const iterations = Number(values.iterations);

// A dataset from an untrained policy: shapes are all GAIL's throughput depends on.
const sim = await SimModel.load(env);
const s = sim.spec;
const randomPolicy = new GaussianPolicy({ env, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [100, 100], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(1));
const ev = evaluatePolicy(sim, randomPolicy, { episodes: 25, deterministic: false, seed: 1, record: true });
sim.dispose();
const dataDir = mkdtempSync(join(tmpdir(), 'imlab-throughput-'));
saveDataset(new RunDirectory(dataDir), { env, obsDim: s.obsDim, actDim: s.actDim, nq: 0, nv: 0, source: { policy: 'random' }, trajectories: ev.trajectories });

const randomActions = await benchSim(env, { seconds: 4 });

/** The actions a run's vector env executed and the rewards they earned, in order. */
interface StepLog {
  actions: Float64Array[];
  rewards: number[];
}

// The one place the bench reaches into the run: logging each vec-env step.
const vecStep = VecEnv.prototype.step;
let log: StepLog | undefined;
VecEnv.prototype.step = function (this: VecEnv, actions: Float64Array) {
  vecStep.call(this, actions);
  if (log && this.numEnvs === 1) {
    log.actions.push(Float64Array.from(actions));
    log.rewards.push(this.rewards[0]);
  }
};

/** Steps a fresh env (GAIL's seed) through the logged actions; the rewards must match the run's. */
function replay(l: StepLog, steps: number, envSeed: number): number {
  const vec = new VecEnv(sim2, 1, envSeed);
  vec.reset();
  let diverged = -1;
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    vecStep.call(vec, l.actions[t]);
    if (diverged < 0 && vec.rewards[0] !== l.rewards[t]) diverged = t;
  }
  const seconds = (performance.now() - t0) / 1000;
  if (diverged >= 0) throw new Error(`the replay diverged from the run at step ${diverged}`);
  return steps / seconds;
}
const sim2 = await SimModel.load(env);

interface Variant {
  fvpSubsample: number;
  envStepsPerSec: number;
  /** The bare environment replaying this run's actions. */
  bareEnvStepsPerSec: number;
  ratio: number;
  ratioToRandomActions: number;
  split: Record<string, number>;
}
const variants: Variant[] = [];
/** What computed GAIL's numbers, as the runs record it. */
let backend = '';
const seed = 0;
for (const fvpSubsample of [1, 5]) {
  const events: ProgressEvent[] = [];
  const steps = iterations * 3 * 1024;
  log = { actions: [], rewards: [] };
  const summary = await runJob(
    // No BC warm start (baselines' default): the bench times GAIL's loop, and the warm start is a one-off before it.
    { kind: 'gail', env, seed, dataset: dataDir, trajectories: 25, totalSteps: steps, evalEvery: 0, checkpointEvery: 0, finalEvalEpisodes: 1, trpo: { fvpSubsample }, bcWarmStartIterations: 0 },
    { storage: new RunDirectory(mkdtempSync(join(tmpdir(), 'imlab-gail-'))), sink: { emit: (e) => events.push(e) } },
  );
  backend = summary.backend;
  const l = log;
  log = undefined;
  const last = events.filter((e) => e.type === 'metrics').pop();
  if (last?.type !== 'metrics') throw new Error('no metrics');
  const bare = replay(l, steps, seedStreams(seed).envSeed);
  const split = Object.fromEntries(Object.entries(last.values).filter(([k]) => k.startsWith('time_')).map(([k, v]) => [k.slice(5), v]));
  const sps = last.values.envStepsPerSec;
  variants.push({ fvpSubsample, envStepsPerSec: sps, bareEnvStepsPerSec: bare, ratio: sps / bare, ratioToRandomActions: sps / randomActions.envStepsPerSec, split });
}
sim2.dispose();

const result = { bench: 'gail-throughput', machine: machineInfo(), backend, env, iterations, randomActionsEnvStepsPerSec: randomActions.envStepsPerSec, variants, target: 0.6 };
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(`${env}, GAIL on ${describeBackend(backend)}: bare env with random actions ${Math.round(randomActions.envStepsPerSec)} steps/s\n`);
  for (const v of variants) {
    const split = Object.entries(v.split)
      .filter(([, f]) => f > 0.005)
      .map(([k, f]) => `${k} ${(100 * f).toFixed(0)}%`)
      .join(', ');
    process.stdout.write(
      `GAIL (FVP on every ${v.fvpSubsample === 1 ? 'sample' : `${v.fvpSubsample}th sample`}): ${Math.round(v.envStepsPerSec)} steps/s; ` +
        `bare env on its actions ${Math.round(v.bareEnvStepsPerSec)} steps/s: ratio ${v.ratio.toFixed(2)} (to random actions ${v.ratioToRandomActions.toFixed(2)}); time: ${split}\n`,
    );
  }
}
