/**
 * GAIL training throughput against the bare environment, in one process:
 *   npm run bench:throughput -- [--env Hopper-v5] [--iterations 20] [--json]
 * First the environment alone (random actions, the sim benchmark's env loop),
 * then GAIL (TRPO generator, baselines settings) on the same env for a number
 * of iterations, with the wall time split by phase. The expert data is a
 * synthetic dataset from a random policy: throughput does not depend on it.
 * Runs with Fisher-vector products on all samples and on every 5th (baselines).
 */
import { parseArgs } from 'node:util';
import { benchSim } from '../src/main/core/sim/benchSim';
import { runJob } from '../src/main/core/runs/runJob';
import { RunDirectory, saveDataset } from '../src/main/core/runs/storage';
import { evaluatePolicy } from '../src/main/core/learn/evaluate';
import { GaussianPolicy } from '../src/main/core/learn/policy';
import { Rng } from '../src/main/core/math/rng';
import { SimModel } from '../src/main/core/sim/simModel';
import { initBackend } from '../src/main/core/learn/backend';
import { envSpec } from '../src/shared/envCatalog';
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
const backend = await initBackend();

// A dataset from an untrained policy: shapes are all GAIL's throughput depends on.
const sim = await SimModel.load(env);
const s = sim.spec;
const randomPolicy = new GaussianPolicy({ env, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [100, 100], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(1));
const ev = evaluatePolicy(sim, randomPolicy, { episodes: 25, deterministic: false, seed: 1, record: true });
sim.dispose();
const dataDir = mkdtempSync(join(tmpdir(), 'imlab-throughput-'));
saveDataset(new RunDirectory(dataDir), { env, obsDim: s.obsDim, actDim: s.actDim, nq: 0, nv: 0, source: { policy: 'random' }, trajectories: ev.trajectories });

const bare = await benchSim(env, { seconds: 4 });

interface Variant {
  fvpSubsample: number;
  envStepsPerSec: number;
  ratio: number;
  split: Record<string, number>;
}
const variants: Variant[] = [];
for (const fvpSubsample of [1, 5]) {
  const events: ProgressEvent[] = [];
  const steps = iterations * 3 * 1024;
  await runJob(
    { kind: 'gail', env, dataset: dataDir, trajectories: 25, totalSteps: steps, evalEvery: 0, checkpointEvery: 0, finalEvalEpisodes: 1, trpo: { fvpSubsample } },
    { storage: new RunDirectory(mkdtempSync(join(tmpdir(), 'imlab-gail-'))), sink: { emit: (e) => events.push(e) } },
  );
  const last = events.filter((e) => e.type === 'metrics').pop();
  if (last?.type !== 'metrics') throw new Error('no metrics');
  const split = Object.fromEntries(Object.entries(last.values).filter(([k]) => k.startsWith('time_')).map(([k, v]) => [k.slice(5), v]));
  variants.push({ fvpSubsample, envStepsPerSec: last.values.envStepsPerSec, ratio: last.values.envStepsPerSec / bare.envStepsPerSec, split });
}

const result = { bench: 'gail-throughput', machine: machineInfo(), backend, env, iterations, bareEnvStepsPerSec: bare.envStepsPerSec, variants };
if (values.json) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  process.stdout.write(`${env}, ${backend} backend: bare env ${Math.round(bare.envStepsPerSec)} steps/s\n`);
  for (const v of variants) {
    const split = Object.entries(v.split)
      .filter(([, f]) => f > 0.005)
      .map(([k, f]) => `${k} ${(100 * f).toFixed(0)}%`)
      .join(', ');
    process.stdout.write(`GAIL (FVP on every ${v.fvpSubsample === 1 ? 'sample' : `${v.fvpSubsample}th sample`}): ${Math.round(v.envStepsPerSec)} steps/s, ratio ${v.ratio.toFixed(2)}; time: ${split}\n`);
  }
}
