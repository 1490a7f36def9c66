/**
 * getReplay timing: a Humanoid trajectory of 1,000 steps (synthetic states:
 * the initial qpos with every hinge swinging, so poses are real MuJoCo
 * kinematics of plausible postures), fetched cold and warm over HTTP from the
 * web shell, as the renderer fetches it.
 *
 *   tsx bench/replay.ts [--json]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApi } from '../src/shared/httpApi';
import { startCoordinator } from '../src/main/core/service';
import { SimModel } from '../src/main/core/sim/simModel';
import { startWebServer } from '../src/main/webServer';

const json = process.argv.includes('--json');
const STEPS = 1000;
const sim = await SimModel.load('Humanoid-v5');
const { nq, nv } = sim;
const qpos = new Float64Array((STEPS + 1) * nq);
for (let f = 0; f <= STEPS; f++) {
  for (let i = 0; i < nq; i++) qpos[f * nq + i] = sim.initQpos[i] + (i >= 7 ? 0.4 * Math.sin(0.05 * f + i) : 0);
  qpos[f * nq] = 0.01 * f;
}
const { obsDim, actDim } = sim.spec;
sim.dispose();
const home = mkdtempSync(join(tmpdir(), 'imlab-bench-replay-'));
const c = await startCoordinator({ appVersion: 'bench', home, runQueue: false });
const web = await startWebServer(c, { staticDir: home });
try {
  const datasetId = c.store.insertDataset(
    {
      env: 'Humanoid-v5', obsDim, actDim, nq, nv, source: { synthetic: true },
      trajectories: [{ obs: new Float32Array(STEPS * obsDim), actions: new Float32Array(STEPS * actDim), rewards: new Float32Array(STEPS).fill(5), qpos, qvel: new Float64Array((STEPS + 1) * nv), return: 5 * STEPS, length: STEPS, terminated: false }],
    },
    'bench humanoid',
    null,
  );
  const [t] = c.store.listTrajectories({ datasetId });
  const api = createHttpApi(web.url, web.token);
  const time = async () => {
    const t0 = performance.now();
    const r = await api.getReplay({ trajectoryId: t.id });
    return { ms: performance.now() - t0, bytes: r.positions.length + r.rotations.length, frames: r.frames, geoms: r.geoms.length };
  };
  const cold = await time();
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) warm.push((await time()).ms);
  warm.sort((a, b) => a - b);
  const out = { env: 'Humanoid-v5', frames: cold.frames, geoms: cold.geoms, payloadBase64Bytes: cold.bytes, coldMs: Math.round(cold.ms), warmMedianMs: Math.round(warm[5]), warmMaxMs: Math.round(warm[9]) };
  console.log(json ? JSON.stringify(out) : out);
} finally {
  await web.close();
  await c.close();
}
