import * as tf from '@tensorflow/tfjs-core';
import { runJob } from '../src/main/core/runs/runJob';
import { RunDirectory, saveDataset } from '../src/main/core/runs/storage';
import { evaluatePolicy } from '../src/main/core/learn/evaluate';
import { GaussianPolicy } from '../src/main/core/learn/policy';
import { Rng } from '../src/main/core/math/rng';
import { SimModel } from '../src/main/core/sim/simModel';
import { initBackend } from '../src/main/core/learn/backend';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const env = 'Hopper-v5';
await initBackend();
const sim = await SimModel.load(env);
const s = sim.spec;
const rp = new GaussianPolicy({ env, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [100, 100], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(1));
const ev = evaluatePolicy(sim, rp, { episodes: 25, deterministic: false, seed: 1, record: true });
const dataDir = mkdtempSync(join(tmpdir(), 'x-'));
saveDataset(new RunDirectory(dataDir), { env, obsDim: s.obsDim, actDim: s.actDim, nq: 0, nv: 0, source: { policy: 'random' }, trajectories: ev.trajectories });
const iters = 4;
const info = await tf.profile(async () => {
  await runJob({ kind: 'gail', env, seed: 0, dataset: dataDir, trajectories: 25, totalSteps: iters * 3072, evalEvery: 0, checkpointEvery: 0, finalEvalEpisodes: 1, trpo: { fvpSubsample: 5 } },
    { storage: new RunDirectory(mkdtempSync(join(tmpdir(), 'y-'))), sink: { emit: () => {} } });
  return [];
});
const agg = new Map<string, { n: number; ms: number }>();
for (const k of info.kernels) { if (k.name.endsWith('__op')) continue; const key = k.name + ' ' + JSON.stringify(k.inputShapes); const e = agg.get(key) ?? { n: 0, ms: 0 }; e.n++; e.ms += k.kernelTimeMs as number; agg.set(key, e); }
let total = 0; let n = 0;
for (const [, v] of agg) { total += v.ms; n += v.n; }
console.log('kernel ms per iteration', (total / iters).toFixed(1), 'kernels per iteration', n / iters);
[...agg].sort((a, b) => b[1].ms - a[1].ms).slice(0, 45).forEach(([k, v]) => console.log((v.ms / iters).toFixed(2), 'ms/it', v.n / iters, k));
